/**
 * @module One WebSocket client, visitor or agent: the protocol state machine from hello to close. It turns
 * frames into service calls and committed bus events into frames, in sequence order without gaps or repeats
 * (SPEC D2, D5). Control frames (hello, watch) run one at a time; messages are queued for commit in the order
 * they arrived without waiting for each other's commit, so one socket's messages share a group commit.
 */
import type WebSocket from 'ws';
import { CLOSE, ERRORS, type ErrorCode } from '../../shared/errors';
import {
  parseClientFrame,
  PROTOCOL_VERSION,
  type AgentPresence,
  type AgentProfile,
  type ClientFrame,
  type ConversationSummary,
  type HelloFrame,
  type ServerFrame,
  type WidgetSettings,
} from '../../shared/protocol';
import { topics, type Bus, type BusMessage, type EventMessage, type SignalMessage } from '../bus/bus';
import { canView, visibleToVisitor, type Actor, type Entry } from '../domain/conversation';
import { may } from '../domain/roles';
import { AppError, isAppError } from '../errors';
import type { Logger } from '../log';
import type { AuthService } from '../services/auth';
import { forVisitor, type ConversationService } from '../services/conversations';
import type { Directory } from '../services/directory';
import type { LiveVisitors } from '../services/live-visitors';
import type { Availability } from '../services/availability';
import type { Safety } from '../services/safety';
import type { MaskingPolicy } from '../services/masking-policy';
import type { TicketService } from '../services/tickets';
import type { WorkflowService } from '../services/workflow';
import type { Signals } from '../services/presence-signals';
import { TypingThrottle } from '../domain/typing';
import { RateLimiter, type RateLimit } from '../domain/rate-limit';
import { uuidv7 } from '../ids';
import { formFields } from '../domain/tickets';
import { widgetSettings } from '../domain/widget-settings';
import type { Site, Store } from '../store/store';
import type { LimitKey } from '../domain/client-ip';
import type { Duplex } from 'node:stream';

/** Who is on the socket; `limitKey` is `ip`'s per-address limit key, derived once at the upgrade (SPEC L1). */
export type Peer =
  | { role: 'visitor'; site: Site; userAgent: string | null; ip: string; limitKey: LimitKey }
  | { role: 'agent'; agent: AgentProfile; siteIds: string[]; ip: string; limitKey: LimitKey; tokenHash: string };

export interface ConnectionDeps {
  auth: AuthService;
  conversations: ConversationService;
  workflow: WorkflowService;
  tickets: TicketService;
  availability: Availability;
  directory: Directory;
  liveVisitors: LiveVisitors;
  /** Records the visitor's page and browser (once per socket, after its first stored message). */
  visitors: Pick<Store['visitors'], 'touch'>;
  /** Typing, seen and the visitor's conversation list (SPEC W1, W2, W7). */
  signals: Signals;
  now: () => number;
  safety: Safety;
  masking: MaskingPolicy;
  bus: Bus;
  log: Logger;
  helloTimeoutMs: number;
  /** True once the server is stopping: new messages are refused (`shutting_down`) instead of stored. */
  draining: () => boolean;
}

/**
 * Visitor frames that make the server read the store for this socket alone (`watch`, `conversations.list`, `seen`):
 * enough for people clicking through conversations, not for a script asking in a loop (which would keep
 * the store busy for everyone until the slow-reader check closed it).
 */
export const READ_FRAMES: RateLimit = { perSecond: 10, burst: 40 };

/** Delivery state of one conversation on this socket. */
interface Watch {
  /** Highest sequence this client holds; a bus event at or below it is a repeat and is dropped. */
  lastSent: number;
  /** While a catch-up read is in flight, live events wait here (SPEC D5: subscribe, read, then drain). */
  buffer: EventMessage[] | null;
}

/**
 * Bus events are serialised once and shared by every socket that sends them: the event's JSON is made once
 * and spliced into the visitor's and the agent's frame (both are `EventFrame`s of shared/protocol.ts).
 * A bus delivers one message to all its subscribers before the next, so one slot is enough; a WeakMap here
 * made every minor GC slower (an ephemeron per event) and showed up in the latency tail.
 */
let cachedFor: EventMessage | null = null;
let cached: { event?: string; visitorEvent?: string; summary?: string; visitor?: string; agent?: string; conversation?: string } = {};

function frameText(message: EventMessage, form: 'visitor' | 'agent' | 'conversation'): string {
  if (cachedFor !== message) {
    cachedFor = message;
    cached = {};
  }
  const hit = cached[form];
  if (hit !== undefined) return hit;
  const event = (cached.event ??= JSON.stringify(message.event));
  const summary = form === 'visitor' ? '' : (cached.summary ??= JSON.stringify(message.conversation));
  return (cached[form] =
    form === 'visitor'
      ? `{"type":"event","event":${message.event.data === undefined ? event : (cached.visitorEvent ??= JSON.stringify(forVisitor(message.event)))}}`
      : form === 'agent'
        ? `{"type":"event","event":${event},"conversation":${summary}}`
        : `{"type":"conversation","conversation":${summary}}`);
}

/**
 * Issue 6 `mask`: the agents' copy of a bus message, made once per message and shared by every agent
 * socket (single slot, like the frame cache: the bus hands one message to all subscribers before the next).
 * A text the event and its summary share is masked once (issue 11 F2).
 */
let maskedFor: EventMessage | null = null;
let masked: EventMessage | null = null;

function agentMessage(message: EventMessage, policy: MaskingPolicy): EventMessage {
  if (policy.modeOf(message.siteId) !== 'mask') return message;
  if (maskedFor !== message) {
    maskedFor = message;
    masked = policy.message(message);
  }
  return masked!;
}

const SETTLED: Promise<void> = Promise.resolve();

/** The Connection of a socket, set on the socket itself for the shared listeners. */
const CONNECTION = Symbol('connection');
type Tagged = WebSocket & { [CONNECTION]?: Connection };

export class Connection {
  /** Set by every pong; the heartbeat terminates a socket that stays false for a whole interval. */
  alive = true;
  /** Chosen to close by strict identity (SPEC W6): welcomed anonymous, its frames are refused until it closes. */
  closingAnonymous = false;
  #actor: Actor | null = null;
  /** Made at the first watch (issue 12: a visitor with no conversation yet never needs one). */
  #watchMap: Map<string, Watch> | null = null;
  /** Bus events that arrive while hello is being answered; drained after the welcome. */
  #pending: BusMessage[] | null = null;
  readonly #unsubscribe: Array<() => void> = [];
  /** The socket has closed; a hello still being answered must not subscribe or count it present (SPEC D8). */
  #closed = false;
  /** Agents: the session ended (sign-out, disabled): its presence ends with no grace (SPEC R13). */
  #left = false;
  /** Back to the shared settled promise whenever the queue empties, so an idle socket holds no chain. */
  #queue: Promise<void> = SETTLED;
  /** Control frames still in #queue; while any is, messages wait behind them to keep arrival order. */
  #queued = 0;
  #helloTimer: NodeJS.Timeout | undefined;
  /** Visitors: where a new conversation goes (SPEC R3, R12), fixed at hello. */
  #entry: Entry | undefined;
  #page: { url: string; title: string | null; referrer: string | null } | null = null;
  /** Visitors: the site's pre-chat form when this visitor must answer it (SPEC W5: not when identified). */
  #prechat: WidgetSettings['prechat'] | null = null;
  /** Visitors: the verified user's name and e-mail, which name its new conversations (SPEC W6). */
  #identified: { name: string | null; email: string | null } | null = null;
  /** Visitors: the e-mail this hello's JWT vouches for (SPEC L4); a userHash signs only the user id. */
  #verifiedEmail: string | null = null;
  #visitRecorded = false;
  // Issue 12 (idle socket memory): what only some sockets use is made on first use, not with every socket.
  /** Agents: conversations this console was shown; one that leaves its sight gets a `gone` frame. */
  #knownIds: Set<string> | null = null;
  /** This socket, as the sender of a typing or seen that must not come back to it (SPEC W1, W2). */
  #senderId: string | null = null;
  #typingThrottle: TypingThrottle | null = null;
  #readLimiter: RateLimiter | null = null;
  /** Issue 6: the key of this socket's sender in the messages-per-second limit, made at its first message. */
  #messageKey: string | null = null;
  readonly #onClose: (connection: Connection) => void;

  get #watches(): Map<string, Watch> {
    return (this.#watchMap ??= new Map());
  }

  get #known(): Set<string> {
    return (this.#knownIds ??= new Set());
  }

  get #id(): string {
    return (this.#senderId ??= uuidv7());
  }

  get #typing(): TypingThrottle {
    return (this.#typingThrottle ??= new TypingThrottle());
  }

  get #reads(): RateLimiter {
    return (this.#readLimiter ??= new RateLimiter(READ_FRAMES, () => this.deps.now(), 1));
  }

  constructor(
    readonly ws: WebSocket,
    /** The TCP socket under `ws`: corked while a turn of the event loop sends, so its frames share a write. */
    private readonly socket: Duplex,
    readonly peer: Peer,
    private readonly deps: ConnectionDeps,
    onClose: (connection: Connection) => void,
  ) {
    this.#onClose = onClose;
    // Issue 12: the socket's listeners are shared by every connection and find theirs on the socket (four
    // closures per socket before, for as long as it was open).
    (ws as Tagged)[CONNECTION] = this;
    ws.on('message', Connection.#onMessage);
    ws.on('pong', Connection.#onPong);
    ws.on('error', Connection.#onError);
    ws.on('close', Connection.#onSocketClose);
    this.#helloTimer = setTimeout(() => this.close(CLOSE.hello_timeout, 'hello_timeout'), deps.helloTimeoutMs);
  }

  static #onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    (this as Tagged)[CONNECTION]!.#receive(data as Buffer, isBinary);
  }

  static #onPong(this: WebSocket): void {
    (this as Tagged)[CONNECTION]!.alive = true;
  }

  static #onError(this: WebSocket, err: Error): void {
    (this as Tagged)[CONNECTION]!.deps.log.debug('socket error', { err: err.message });
  }

  static #onSocketClose(this: WebSocket): void {
    (this as Tagged)[CONNECTION]!.#socketClosed();
  }

  #socketClosed(): void {
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    const actor = this.#actor;
    if (actor?.kind === 'agent') this.deps.directory.disconnected(actor.id, { grace: !this.#left });
    if (actor?.kind === 'visitor') this.deps.liveVisitors.disconnected(actor.visitorId);
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe.length = 0;
    this.#watchMap?.clear();
    this.#onClose(this);
  }

  /** The visitor behind this socket, once its hello is answered. */
  get visitorId(): string | null {
    return this.#actor?.kind === 'visitor' ? this.#actor.visitorId : null;
  }

  /** Visitors: the hello named an identified user (a proof, or an identified visitor's token; SPEC W6). */
  get identified(): boolean {
    return this.#identified !== null;
  }

  /** The heartbeat's ping (SPEC D13); `alive` turns true again at the pong. */
  ping(): void {
    this.ws.ping();
  }

  /** Drops the socket without a close handshake (a peer that stopped answering). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Says why in an error frame, then closes with `code` (blocked, session ended). */
  end(reason: ErrorCode, code: number): void {
    if (code === CLOSE.session_ended) this.#left = true;
    this.#sendError(reason, ERRORS[reason].message);
    this.close(code, reason);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  /**
   * SPEC D9: nothing a client sends may stop the server. This runs in the socket's event handler, where a
   * synchronous throw would end the process for everyone; one is logged and answered `internal` instead.
   */
  #receive(data: Buffer, isBinary: boolean): void {
    try {
      this.#receiveFrame(data, isBinary);
    } catch (err) {
      this.deps.log.error('frame handling threw', { err });
      this.#sendError('internal', ERRORS.internal.message);
    }
  }

  #receiveFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.#sendError('invalid_frame', 'Frames are JSON text, not binary.');
    const parsed = parseClientFrame(data.toString('utf8'));
    if (!parsed.ok) return this.#sendError(parsed.code, parsed.message, parsed.clientId);
    const frame = parsed.value;
    const refusal = frame.type === 'ping' ? null : this.deps.draining() ? 'shutting_down' : this.closingAnonymous && !this.identified && this.visitorId !== null ? 'identity_required' : null;
    if (refusal) return this.#sendError(refusal, ERRORS[refusal].message, 'clientId' in frame ? frame.clientId : undefined);
    if (frame.type === 'message.send' && this.#actor) {
      // Issue 6: messages per visitor or agent per second; a refused one is not stored and says when to retry.
      const actor = this.#actor;
      const verdict = this.deps.safety.message((this.#messageKey ??= actor.kind === 'visitor' ? `visitor:${actor.visitorId}` : `agent:${actor.id}`));
      if (!verdict.ok) return this.#sendError('rate_limited', ERRORS.rate_limited.message, frame.clientId, verdict.retryAfterMs);
      if (this.#queued === 0) return this.#startMessage(actor, frame);
    }
    this.#queued++;
    this.#queue = this.#queue
      .then(() => this.#handle(frame))
      .catch((err: unknown) => this.#fail(err, frame))
      .finally(() => {
        if (--this.#queued === 0) this.#queue = SETTLED;
      });
  }

  /**
   * SPEC D2: sendMessage queues the write before it returns, so starting messages in arrival order stores
   * them in that order; nothing waits for a commit before the next message is started.
   */
  #startMessage(actor: Actor, frame: Extract<ClientFrame, { type: 'message.send' }>): void {
    if (this.deps.draining()) return this.#sendError('shutting_down', ERRORS.shutting_down.message, frame.clientId);
    frame = this.#redacted(frame);
    // Issue 6: new conversations per address per minute; the write refuses to create one past the limit.
    const key = this.peer.limitKey;
    const startLimit = actor.kind === 'visitor' ? this.deps.safety.conversationVerdict(key) : undefined;
    const opening = this.#identified ? { identified: this.#identified } : this.#prechat ? { form: this.#prechat, answers: frame.prechat } : undefined;
    this.deps.conversations.sendMessage(actor, frame, this.#entry, startLimit, opening).then(
      (ack) => {
        if (ack.created) this.deps.safety.conversationStarted(key);
        this.#send({ type: 'ack', clientId: frame.clientId, conversationId: ack.conversationId, seq: ack.seq });
        if (actor.kind === 'visitor' && !this.#visitRecorded) this.#recordVisit(actor.visitorId, actor.siteId);
      },
      (err: unknown) => this.#fail(err, frame),
    );
  }

  #fail(err: unknown, frame: ClientFrame): void {
    // A refused request (a message, a form, a rating, a transcript e-mail) names its clientId: the client
    // settles that request by it (SPEC D4, T7).
    const clientId = 'clientId' in frame ? frame.clientId : undefined;
    if (isAppError(err)) return this.#sendError(err.code, err.message, clientId, err.retryAfterMs);
    this.deps.log.error('frame handling failed', { type: frame.type, err });
    this.#sendError('internal', ERRORS.internal.message, clientId);
  }

  async #handle(frame: ClientFrame): Promise<void> {
    if (frame.type === 'ping') return this.#send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
    if (frame.type === 'hello') {
      if (this.#actor) throw new AppError('invalid_frame', 'hello was already answered.');
      return this.#hello(this.#redacted(frame));
    }
    const actor = this.#actor;
    if (!actor) throw new AppError('hello_required');
    // Visitors only: anyone on the web may open one; agents are signed-in staff, and a program on an agent
    // account (the bench, an integration) may watch a thousand conversations at once.
    if (actor.kind === 'visitor' && (frame.type === 'watch' || frame.type === 'conversations.list' || frame.type === 'seen')) {
      const verdict = this.#reads.take('');
      // A `seen` is advisory and the next one carries the same news: dropped, not refused.
      if (!verdict.ok && frame.type === 'seen') return;
      if (!verdict.ok) throw new AppError('rate_limited', ERRORS.rate_limited.message, { retryAfterMs: verdict.retryAfterMs });
    }
    // SPEC L3, M3: a form or a transcript request past its hourly limit is refused before its text is redacted.
    if (actor.kind === 'visitor' && (frame.type === 'ticket.create' || frame.type === 'transcript.email')) {
      this.deps.safety.requestAllowed(frame.type === 'ticket.create' ? 'ticket' : 'transcript', this.peer.limitKey, actor.visitorId);
    }
    // (message.send is redacted in #startMessage, which the fast path in #receiveFrame calls too.)
    if (frame.type !== 'message.send') frame = this.#redacted(frame);
    switch (frame.type) {
      case 'message.send':
        return this.#startMessage(actor, frame);
      case 'watch': {
        const conversation = await this.deps.conversations.load(actor, frame.conversationId);
        if (actor.kind === 'agent') this.#known.add(conversation.id);
        await this.#catchUp(actor, conversation, frame.afterSeq);
        // SPEC W2, W7: a visitor opening one of its conversations learns both seen marks with its history
        // (agents have them on the summary).
        if (actor.kind === 'visitor') {
          for (const by of ['agent', 'visitor'] as const) {
            const seq = (by === 'agent' ? conversation.agentSeenSeq : conversation.visitorSeenSeq) ?? 0;
            if (seq > 0) this.#send({ type: 'seen', conversationId: conversation.id, by, seq });
          }
        }
        return;
      }
      case 'unwatch':
        this.#watches.delete(frame.conversationId);
        return;
      case 'conversation.end':
        if (actor.kind !== 'visitor') throw new AppError('forbidden', 'Agents close a conversation with a wrap-up reason.');
        await this.deps.workflow.visitorEnd(actor, frame.conversationId);
        return;
      case 'ticket.create': {
        if (actor.kind !== 'visitor' || this.peer.role !== 'visitor') throw new AppError('forbidden', 'Agents create tickets in the console.');
        const ticket = await this.deps.tickets.fromForm(actor, this.peer.site, frame.clientId, frame.fields, { limitKey: this.peer.limitKey, verifiedEmail: this.#verifiedEmail });
        return this.#send({ type: 'ticket', clientId: frame.clientId, number: ticket.number });
      }
      case 'conversation.rate':
        if (actor.kind !== 'visitor') throw new AppError('forbidden');
        await this.deps.tickets.rate(actor, frame.conversationId, frame.score, frame.comment ?? null);
        return this.#send({ type: 'done', clientId: frame.clientId });
      case 'transcript.email':
        if (actor.kind !== 'visitor') throw new AppError('forbidden');
        await this.deps.tickets.emailTranscript(actor, frame.conversationId, frame.email, { limitKey: this.peer.limitKey, verifiedEmail: this.#verifiedEmail });
        return this.#send({ type: 'done', clientId: frame.clientId });
      case 'typing':
        // SPEC W1: a chatty client is thinned out silently, never refused.
        if (!this.#typing.admit(frame.conversationId, frame.on, this.deps.now())) return;
        return this.deps.signals.typing(actor, this.#id, frame.conversationId, frame.on);
      case 'seen':
        return this.deps.signals.seen(actor, this.#id, frame.conversationId, frame.seq);
      case 'conversations.list': {
        if (actor.kind !== 'visitor') throw new AppError('forbidden', 'Agents list conversations in the console.');
        const conversations = await this.deps.signals.conversationsOf(actor);
        return this.#send({ type: 'conversations', clientId: frame.clientId, conversations });
      }
    }
  }

  /**
   * SPEC M1: a visitor's frame as this server acts on it, in a `redact` site with every piece of free text
   * masked. Run when a frame is handled, after the cheap refusals (rate limits), not when it is parsed.
   */
  #redacted<F extends ClientFrame>(frame: F): F {
    return this.peer.role === 'visitor' ? this.deps.masking.visitorFrame(this.peer.site.id, frame) : frame;
  }

  /** The visitor panel's page, referrer and browser: written once per socket that chats (SPEC R11). */
  #recordVisit(visitorId: string, siteId: string): void {
    this.#visitRecorded = true;
    const page = this.#page; // redacted with its hello (SPEC M1)
    const browser = this.peer.role === 'visitor' ? this.peer.userAgent : null;
    const userAgent = this.deps.masking.incoming(siteId, browser);
    this.deps.visitors
      .touch(
        { id: visitorId, siteId, lastSeenAt: this.deps.now(), userAgent, ...(page ? { lastPageUrl: page.url, lastPageTitle: page.title, referrer: page.referrer } : {}) },
        this.deps.now(),
      )
      .catch((err: unknown) => this.deps.log.warn('could not record the visit', { err }));
  }

  #onPresence(presence: AgentPresence): void {
    const actor = this.#actor;
    if (actor?.kind !== 'agent') return;
    if (presence.id === actor.id || may(actor.role, 'supervise')) this.#send({ type: 'presence', agent: presence });
  }

  async #hello(frame: HelloFrame): Promise<void> {
    clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    if (frame.v !== PROTOCOL_VERSION) {
      this.#sendError('unsupported_version', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page.`);
      return this.close(CLOSE.unsupported_version, 'unsupported_version');
    }
    this.#pending = [];
    try {
      await this.#welcome(frame);
    } catch (err) {
      // No half-made session: the client reconnects and says hello again.
      this.#fail(err, frame);
      this.close(CLOSE.internal, 'hello_failed');
    } finally {
      // Whatever happened to the resume, live events flow from here on: none is held back for ever.
      const pending = this.#pending;
      this.#pending = null;
      for (const message of pending) this.#route(message);
    }
  }

  /**
   * Answers hello: who this is, subscriptions, the welcome, then the resume point's catch-up. A failure
   * before the welcome is sent is thrown (the socket is then closed); a failed catch-up after it is only
   * an error frame, since the session itself stands.
   */
  async #welcome(frame: HelloFrame): Promise<void> {
    const { conversations, bus } = this.deps;
    let resume: (() => Promise<void>) | null = null;
    if (this.peer.role === 'visitor') {
      let identity;
      try {
        // SPEC W6: a proof names the identified visitor (its token, if any, is then ignored); a wrong proof or
        // a strict site's anonymous hello ends here like a bad token, with nothing written.
        identity = await this.deps.auth.visitorHello(this.peer.site, frame.token, frame.identity);
      } catch (err) {
        if (!isAppError(err)) throw err;
        this.#sendError(err.code, err.message);
        return this.close(CLOSE.auth_failed, err.code);
      }
      // Issue 6: a blocked visitor is refused whatever address it comes from.
      if (this.deps.safety.blocked({ visitorId: identity.visitorId })) return this.end('blocked', CLOSE.blocked);
      const actor = { kind: 'visitor' as const, visitorId: identity.visitorId, siteId: identity.siteId };
      this.#entry = this.deps.directory.entryFor(this.peer.site, frame.queue);
      // What the visitor claims is kept as text; consoles link only web URLs (issue 6, shared/safe-url.ts).
      this.#page = frame.page ? { url: frame.page.url, title: frame.page.title ?? null, referrer: frame.page.referrer ?? null } : null;
      this.#hold(bus.subscribe(topics.visitor(actor.visitorId), this.#onBus));
      const conversation = await conversations.visitorConversation(actor, frame.resume?.conversationId ?? null);
      const site = this.peer.site;
      const queueId = this.#entry.bot ? null : this.#entry.queueId;
      // SPEC T1: the widget knows at once whether someone can answer, and hears every change.
      this.#hold(this.deps.availability.watch(site.id, queueId, (online) => this.#send({ type: 'availability', online })));
      const online = this.#entry.bot || (await this.deps.availability.online(site, queueId));
      // Closed while this hello awaited: no visit is counted and nothing is sent (SPEC D8).
      if (this.#closed) return;
      this.#actor = actor;
      const widget = widgetSettings(site.widget, this.deps.directory.queues(site.id));
      this.#prechat = widget.prechat.enabled && !identity.user ? widget.prechat : null;
      this.#identified = identity.user && { name: identity.user.name, email: identity.user.email };
      this.#verifiedEmail = identity.verifiedEmail ?? null;
      this.deps.liveVisitors.connected(actor.visitorId, actor.siteId, this.#page, Boolean(frame.token), this.peer.ip);
      this.#send({
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
          site: { online, offlineFields: formFields(site.ticketing), widget },
          identity: identity.user,
        },
      });
      if (conversation) {
        const afterSeq = frame.resume?.conversationId === conversation.id ? frame.resume.afterSeq : 0;
        resume = () => this.#catchUp(actor, conversation, afterSeq);
      }
    } else {
      const { agent, siteIds } = this.peer;
      const { directory } = this.deps;
      await directory.ensure(agent.id);
      const actor = directory.actor(agent);
      for (const siteId of siteIds) this.#hold(bus.subscribe(topics.site(siteId), this.#onBus));
      const inbox = await conversations.inbox(actor);
      // Closed while this hello awaited: the agent is not counted as connected (SPEC D8).
      if (this.#closed) return;
      for (const c of inbox) this.#known.add(c.id);
      this.#actor = actor;
      // Online before the welcome is made, so it shows this agent's real state; this socket hears only
      // the changes after it.
      directory.connected(agent.id);
      this.#hold(directory.onPresence((presence) => this.#onPresence(presence)));
      const presence = may(agent.role, 'supervise') ? directory.all() : [directory.presence(agent.id)];
      const queues = directory.queues().map(({ createdAt: _c, ...q }) => q);
      this.#send({ type: 'welcome', v: PROTOCOL_VERSION, session: { role: 'agent', agent, conversations: inbox, presence, queues } });
      const point = frame.resume;
      if (point) {
        resume = async () => {
          // SPEC R10: a conversation that left the agent's sight while it was away (issue 11 F3: its role was
          // lowered) is withdrawn, as a live one is, instead of an error the console cannot place.
          const conversation = await conversations.load(actor, point.conversationId).catch((err: unknown) => {
            if (isAppError(err) && err.code === 'conversation_not_found') return null;
            throw err;
          });
          if (!conversation) return this.#send({ type: 'gone', conversationId: point.conversationId });
          await this.#catchUp(actor, conversation, point.afterSeq);
        };
      }
    }
    await resume?.().catch((err: unknown) => this.#fail(err, frame));
  }


  /**
   * Keeps what the close undoes (a subscription, a listener). A hello awaits the store between them, and the
   * socket may close meanwhile (a reconnect storm, a client giving up on its welcome): what comes after the
   * close is undone at once, or it would keep this connection, and everything it holds, for ever (SPEC D8).
   */
  #hold(off: () => void): void {
    if (this.#closed) off();
    else this.#unsubscribe.push(off);
  }

  /** SPEC D5/D6: one history frame, then the live events that arrived meanwhile, without repeats. */
  async #catchUp(actor: Actor, conversation: ConversationSummary, afterSeq: number): Promise<void> {
    const watch: Watch = { lastSent: afterSeq, buffer: [] };
    this.#watches.set(conversation.id, watch);
    let result;
    try {
      result = await this.deps.conversations.catchUp(actor, conversation, afterSeq);
    } catch (err) {
      if (this.#watches.get(conversation.id) === watch) this.#watches.delete(conversation.id);
      throw err;
    }
    this.#send({ type: 'history', conversationId: conversation.id, ...result });
    const newest = result.events.at(-1)?.seq ?? 0;
    watch.lastSent = result.reset ? newest : Math.max(afterSeq, newest);
    const buffered = watch.buffer ?? [];
    watch.buffer = null;
    for (const message of buffered) this.#deliver(message, watch);
  }

  readonly #onBus = (message: BusMessage): void => {
    if (this.#pending) this.#pending.push(message);
    else this.#route(message);
  };

  #route(received: BusMessage): void {
    if ('removed' in received) return this.#removed(received.conversationId);
    if ('signal' in received) return this.#signal(received);
    const message = this.peer.role === 'agent' ? agentMessage(received, this.deps.masking) : received;
    const id = message.event.conversationId;
    let watch = this.#watches.get(id);
    const actor = this.#actor;
    if (actor?.kind === 'agent' && actor.role === 'agent') {
      // SPEC R10: an agent follows only what it may see; what leaves its sight is withdrawn once.
      // (Supervisors and admins see everything: nothing to track.)
      if (!canView(actor, message.conversation)) {
        if (this.#known.delete(id) || watch) {
          this.#watches.delete(id);
          this.#send({ type: 'gone', conversationId: id });
        }
        return;
      }
      this.#known.add(id);
    }
    if (!watch) {
      if (this.peer.role === 'agent') return this.#sendRaw(frameText(message, 'conversation'));
      // A visitor's conversation it did not hold yet (another tab started it): follow it from here.
      this.#watches.set(message.event.conversationId, (watch = { lastSent: 0, buffer: null }));
    }
    if (watch.buffer) watch.buffer.push(message);
    else this.#deliver(message, watch);
  }

  /**
   * SPEC W1, W2: a typing or seen, never to the socket that sent it. The visitor's sockets get what is for
   * them (their topic is theirs alone); an agent gets it for a conversation it may see, and typing only for
   * one it watches (nothing in the lists shows typing).
   */
  #signal(message: SignalMessage): void {
    if (this.#senderId !== null && message.from === this.#senderId) return;
    const actor = this.#actor;
    if (!actor) return;
    if (actor.kind === 'visitor') {
      if (message.toVisitor) this.#send(message.frame);
      return;
    }
    if (!canView(actor, message.conversation)) return;
    if (message.frame.type === 'typing' && !this.#watches.has(message.conversation.id)) return;
    this.#send(message.frame);
  }

  /** A deleted conversation leaves every console that could list it. */
  #removed(conversationId: string): void {
    const actor = this.#actor;
    if (actor?.kind !== 'agent') return;
    this.#watches.delete(conversationId);
    if (actor.role !== 'agent' || this.#known.delete(conversationId)) this.#send({ type: 'gone', conversationId });
  }

  #deliver(message: EventMessage, watch: Watch): void {
    const { seq, kind } = message.event;
    if (seq <= watch.lastSent) return;
    watch.lastSent = seq;
    if (this.peer.role === 'visitor') {
      if (visibleToVisitor(kind)) this.#sendRaw(frameText(message, 'visitor'));
    } else {
      this.#sendRaw(frameText(message, 'agent'));
    }
  }

  #sendError(code: ErrorCode, message: string, clientId?: string, retryAfterMs?: number): void {
    this.#send({
      type: 'error',
      code,
      message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(clientId === undefined ? {} : { clientId }),
    });
  }

  #send(frame: ServerFrame): void {
    this.#sendRaw(JSON.stringify(frame));
  }

  #sendRaw(data: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Everything sent in this turn of the event loop (an ack and its event; an agent's share of a group
    // commit) leaves in one write instead of one per frame.
    if (this.socket.writableCorked === 0) {
      // Issue 6: a client that does not read what it is sent is closed, not buffered for without bound.
      // Measured at the turn's first frame, before corking: what is still unsent from earlier turns. The
      // frames corked in this turn (a group commit's burst, a history page) say nothing about the reader.
      if (this.ws.bufferedAmount > this.deps.safety.limits.maxBufferedBytes) {
        // The close frame waits behind the unread bytes: a client still not reading sees 1006 when the
        // connection is dropped a second later, not 4005 (SPEC D13, slow-reader.test.ts).
        this.ws.close(CLOSE.slow_reader, 'slow_reader');
        setTimeout(() => this.ws.terminate(), 1_000).unref();
        return;
      }
      this.socket.cork();
      process.nextTick(uncork, this.socket);
    }
    this.ws.send(data);
  }
}

function uncork(socket: Duplex): void {
  socket.uncork();
}
