/**
 * @module What a visitor's socket does: its hello (SPEC W6 identity, the site's widget and availability, the
 * resume), its frames (messages, the pre-chat form, tickets, ratings, transcripts, its conversation list)
 * and its bus topic's delivery. One handler serves every visitor socket; each socket's data is its state.
 */
import { CLOSE, ERRORS } from '../../shared/errors';
import { PROTOCOL_VERSION, type ClientFrame, type ConversationSummary, type HelloFrame, type WidgetSettings } from '../../shared/protocol';
import { topics, type BusMessage } from '../bus/bus';
import type { Entry, VisitorActor } from '../domain/conversation';
import { RateLimiter, type RateLimit } from '../domain/rate-limit';
import { formFields } from '../domain/tickets';
import { widgetSettings } from '../domain/widget-settings';
import { AppError, isAppError } from '../errors';
import type { ClientSocket, ConnectionDeps, MessageFrame, RoleHandler, SessionFrame, VisitorPeer } from './role-handler';
import { catchUp, deliverToVisitor, reconcile, routeToVisitor } from './delivery';
import { relaySeen, relayTyping, unwatch, type LiveSession } from './live-session';

/**
 * Visitor frames that make the server read the store for this socket alone (`watch`, `conversations.list`, `seen`):
 * enough for people clicking through conversations, not for a script asking in a loop (which would keep
 * the store busy for everyone until the slow-reader check closed it).
 */
export const READ_FRAMES: RateLimit = { perSecond: 10, burst: 40 };

export interface VisitorLive extends LiveSession<VisitorActor> {
  /** Where a new conversation goes (SPEC R3, R12), fixed at hello. */
  readonly entry: Entry;
  /** Redacted with its hello (SPEC M1). */
  readonly page: { url: string; title: string | null; referrer: string | null } | null;
  /** The site's pre-chat form when this visitor must answer it (SPEC W5: not when identified). */
  readonly prechat: WidgetSettings['prechat'] | null;
  /** The verified user's name and e-mail, which name its new conversations (SPEC W6). */
  readonly identified: { name: string | null; email: string | null } | null;
  /** The e-mail this hello's JWT vouches for (SPEC L4); a userHash signs only the user id. */
  readonly verifiedEmail: string | null;
  visitRecorded: boolean;
  reads: RateLimiter | null;
  /** Issue 15: the waiting conversation whose queue place this socket is told, and how to stop. */
  wait?: { conversationId: string; off: () => void } | undefined;
}

type VisitorSocket = ClientSocket<VisitorPeer, VisitorLive>;

export class VisitorHandler implements RoleHandler<VisitorPeer, VisitorLive> {
  /** The read limiters' clock, one for every socket. */
  readonly #now: () => number;

  constructor(readonly deps: ConnectionDeps) {
    this.#now = () => deps.now();
  }

  /**
   * SPEC M1: in a `redact` site, every piece of the visitor's free text is masked. Run when a frame is
   * handled, after the cheap refusals (rate limits), not when it is parsed.
   */
  redacted<F extends ClientFrame>(peer: VisitorPeer, frame: F): F {
    return this.deps.masking.visitorFrame(peer.site.id, frame);
  }

  async welcome(conn: VisitorSocket, frame: HelloFrame): Promise<void> {
    const { conversations, directory } = this.deps;
    const { site } = conn.peer;
    let identity;
    try {
      // SPEC W6: a proof names the identified visitor (its token, if any, is then ignored); a wrong proof or
      // a strict site's anonymous hello ends here like a bad token, with nothing written.
      identity = await this.deps.auth.visitorHello(site, frame.token, frame.identity);
    } catch (err) {
      if (!isAppError(err)) throw err;
      conn.sendError(err.code, err.message);
      return conn.close(CLOSE.auth_failed, err.code);
    }
    // Issue 6: a blocked visitor is refused whatever address it comes from.
    if (this.deps.safety.blocked({ visitorId: identity.visitorId })) return conn.end('blocked', CLOSE.blocked);
    const actor: VisitorActor = { kind: 'visitor', visitorId: identity.visitorId, siteId: identity.siteId };
    const entry = directory.entryFor(site, frame.queue);
    // What the visitor claims is kept as text; consoles link only web URLs (issue 6, shared/safe-url.ts).
    const page = frame.page ? { url: frame.page.url, title: frame.page.title ?? null, referrer: frame.page.referrer ?? null } : null;
    conn.subscribe(topics.visitor(actor.visitorId));
    // Issue 14: what is read from here on is read after this node hears the visitor's topic (SPEC D5).
    await this.deps.bus.ready();
    const conversation = await conversations.visitorConversation(actor, frame.resume?.conversationId ?? null);
    const queueId = entry.bot ? null : entry.queueId;
    // SPEC T1: the widget knows at once whether someone can answer, and hears every change.
    conn.hold(this.deps.availability.watch(site.id, queueId, (online) => conn.send({ type: 'availability', online })));
    const online = entry.bot || (await this.deps.availability.online(site, queueId));
    // Closed while this hello awaited: no visit is counted and nothing is sent (SPEC D8).
    if (conn.closed) return;
    const widget = widgetSettings(site.widget, directory.queues(site.id));
    const live: VisitorLive = {
      kind: 'live',
      actor,
      entry,
      page,
      prechat: widget.prechat.enabled && !identity.user ? widget.prechat : null,
      identified: identity.user && { name: identity.user.name, email: identity.user.email },
      verifiedEmail: identity.verifiedEmail ?? null,
      visitRecorded: false,
      watches: null,
      senderId: null,
      typing: null,
      reads: null,
      messageKey: null,
    };
    conn.welcomed(live);
    this.deps.liveVisitors.connected(actor.visitorId, actor.siteId, page, Boolean(frame.token), conn.peer.ip);
    conn.send({
      type: 'welcome',
      v: PROTOCOL_VERSION,
      session: {
        role: 'visitor',
        visitorId: identity.visitorId,
        token: identity.token,
        tokenExpiresAt: identity.tokenExpiresAt,
        conversation: conversation && {
          id: conversation.id,
          status: conversation.status,
          lastSeq: conversation.lastSeq,
          agentSeenSeq: conversation.agentSeenSeq ?? 0,
          visitorSeenSeq: conversation.visitorSeenSeq ?? 0,
        },
        site: { online, offlineFields: formFields(site.ticketing), widget, email: this.deps.tickets.emailOn },
        identity: identity.user,
      },
    });
    let resumed: Promise<void> | null = null;
    if (conversation) {
      const afterSeq = frame.resume?.conversationId === conversation.id ? frame.resume.afterSeq : 0;
      resumed = catchUp(conn, live, this.deps, conversation, afterSeq, deliverToVisitor);
    }
    if (conversation?.status === 'open' && !conversation.assignedAgentId && !conversation.bot) this.#watchWait(conn, live, conversation.id);
    await resumed?.catch((err: unknown) => conn.fail(err, frame));
  }

  /** Issue 15: tells the visitor its waiting conversation's queue place and the usual wait, as they change. */
  #watchWait(conn: VisitorSocket, live: VisitorLive, conversationId: string): void {
    const { waits } = this.deps;
    if (!waits || live.wait?.conversationId === conversationId) return;
    live.wait?.off();
    const off = waits.watch(live.actor.siteId, conversationId, (position, typicalMs) => conn.send({ type: 'wait', conversationId, position, typicalMs }));
    live.wait = { conversationId, off };
    conn.hold(off);
  }

  messageKey(live: VisitorLive): string {
    return (live.messageKey ??= `visitor:${live.actor.visitorId}`);
  }

  startMessage(conn: VisitorSocket, live: VisitorLive, frame: MessageFrame): void {
    const { safety } = this.deps;
    if (this.deps.draining()) return conn.sendError('shutting_down', ERRORS.shutting_down.message, frame.clientId);
    frame = this.redacted(conn.peer, frame);
    // Issue 6: new conversations per address per minute; the write refuses to create one past the limit.
    const key = conn.peer.limitKey;
    const startLimit = safety.conversationVerdict(key);
    const opening = live.identified ? { identified: live.identified } : live.prechat ? { form: live.prechat, answers: frame.prechat } : undefined;
    this.deps.conversations.sendMessage(live.actor, frame, live.entry, startLimit, opening).then(
      (ack) => {
        if (ack.created) safety.conversationStarted(key);
        if (ack.created && !live.entry.bot) this.#watchWait(conn, live, ack.conversationId);
        conn.send({ type: 'ack', clientId: frame.clientId, conversationId: ack.conversationId, seq: ack.seq });
        if (!live.visitRecorded) this.#recordVisit(conn, live);
      },
      (err: unknown) => {
        // Issue 15: its chat became a ticket: the message goes to the ticket, in the same thread.
        if (!isAppError(err) || err.code !== 'conversation_closed' || !frame.conversationId) return conn.fail(err, frame);
        this.deps.tickets.followUp(live.actor, { clientId: frame.clientId, conversationId: frame.conversationId, text: frame.text }).then(
          (ack) => (ack ? conn.send({ type: 'ack', clientId: frame.clientId, conversationId: ack.conversationId, seq: ack.seq }) : conn.fail(err, frame)),
          (e: unknown) => conn.fail(e, frame),
        );
      },
    );
  }

  async handle(conn: VisitorSocket, live: VisitorLive, frame: SessionFrame): Promise<void> {
    const { deps } = this;
    const { actor } = live;
    // Visitors only: anyone on the web may open one; agents are signed-in staff, and a program on an agent
    // account (the bench, an integration) may watch a thousand conversations at once.
    if (frame.type === 'watch' || frame.type === 'conversations.list' || frame.type === 'seen') {
      const verdict = (live.reads ??= new RateLimiter(READ_FRAMES, this.#now, 1)).take('');
      // A `seen` is advisory and the next one carries the same news: dropped, not refused.
      if (!verdict.ok && frame.type === 'seen') return;
      if (!verdict.ok) throw new AppError('rate_limited', ERRORS.rate_limited.message, { retryAfterMs: verdict.retryAfterMs });
    }
    // SPEC L3, M3: a form or a transcript request past its hourly limit is refused before its text is redacted.
    if (frame.type === 'ticket.create' || frame.type === 'transcript.email' || frame.type === 'ticket.email') {
      deps.safety.requestAllowed(frame.type === 'transcript.email' ? 'transcript' : 'ticket', conn.peer.limitKey, actor.visitorId);
    }
    // (message.send is redacted in startMessage, which the transport's fast path calls too.)
    if (frame.type !== 'message.send') frame = this.redacted(conn.peer, frame);
    switch (frame.type) {
      case 'message.send':
        return this.startMessage(conn, live, frame);
      case 'watch': {
        const conversation = await deps.conversations.load(actor, frame.conversationId);
        await catchUp(conn, live, deps, conversation, frame.afterSeq, deliverToVisitor);
        // SPEC W2, W7: a visitor opening one of its conversations learns both seen marks with its history
        // (agents have them on the summary).
        for (const by of ['agent', 'visitor'] as const) {
          const seq = (by === 'agent' ? conversation.agentSeenSeq : conversation.visitorSeenSeq) ?? 0;
          if (seq > 0) conn.send({ type: 'seen', conversationId: conversation.id, by, seq });
        }
        return;
      }
      case 'unwatch':
        return unwatch(live, frame);
      case 'conversation.end':
        await deps.workflow.visitorEnd(actor, frame.conversationId);
        return;
      case 'ticket.create': {
        const ticket = await deps.tickets.fromForm(actor, conn.peer.site, frame.clientId, frame.fields, { limitKey: conn.peer.limitKey, verifiedEmail: live.verifiedEmail });
        return conn.send({ type: 'ticket', clientId: frame.clientId, number: ticket.number });
      }
      case 'conversation.rate':
        await deps.tickets.rate(actor, frame.conversationId, frame.score, frame.comment ?? null);
        return conn.send({ type: 'done', clientId: frame.clientId });
      case 'transcript.email':
        await deps.tickets.emailTranscript(actor, frame.conversationId, frame.email, { limitKey: conn.peer.limitKey, verifiedEmail: live.verifiedEmail });
        return conn.send({ type: 'done', clientId: frame.clientId });
      case 'ticket.email': // issue 15
        await deps.tickets.setEmail(actor, frame.conversationId, frame.email, { limitKey: conn.peer.limitKey, verifiedEmail: live.verifiedEmail });
        return conn.send({ type: 'done', clientId: frame.clientId });
      case 'typing':
        return relayTyping(deps, live, frame);
      case 'seen':
        return relaySeen(deps.signals, live, frame);
      case 'conversations.list': {
        const conversations = await deps.signals.conversationsOf(actor);
        return conn.send({ type: 'conversations', clientId: frame.clientId, conversations });
      }
      // Issue 15: the agents' internal chat; a visitor never reads or writes it.
      case 'internal.send':
      case 'internal.seen':
      case 'internal.load':
      case 'internal.list':
        throw new AppError('forbidden');
      default:
        frame satisfies never;
    }
  }

  route(conn: VisitorSocket, live: VisitorLive, message: BusMessage): void {
    // Issue 15: taken, handed to the bot or over: the visitor waits no more; back in a queue (the bot handed
    // it over, or it was returned to the queue): it waits again.
    if ('event' in message) {
      const c = message.conversation;
      const waiting = !c.assignedAgentId && !c.bot && c.status === 'open';
      if (c.id === live.wait?.conversationId && !waiting) {
        live.wait.off();
        live.wait = undefined;
      } else if (waiting && message.event.kind === 'queued') this.#watchWait(conn, live, c.id);
    }
    routeToVisitor(conn, live, message, live.senderId, this.deps);
  }

  reconcile(conn: VisitorSocket, live: VisitorLive, current: ReadonlyMap<string, ConversationSummary | null>): void {
    reconcile(conn, live, this.deps, current, deliverToVisitor);
  }

  identified(live: VisitorLive): boolean {
    return live.identified !== null;
  }

  disconnected(_conn: VisitorSocket, live: VisitorLive): void {
    this.deps.liveVisitors.disconnected(live.actor.visitorId);
  }

  /** The visitor panel's page, referrer and browser: written once per socket that chats (SPEC R11). */
  #recordVisit(conn: VisitorSocket, live: VisitorLive): void {
    live.visitRecorded = true;
    const { visitorId, siteId } = live.actor;
    const { page } = live;
    const userAgent = this.deps.masking.incoming(siteId, conn.peer.userAgent);
    this.deps.visitors
      .touch(
        { id: visitorId, siteId, lastSeenAt: this.deps.now(), userAgent, ...(page ? { lastPageUrl: page.url, lastPageTitle: page.title, referrer: page.referrer } : {}) },
        this.deps.now(),
      )
      .catch((err: unknown) => this.deps.log.warn('could not record the visit', { err }));
  }
}
