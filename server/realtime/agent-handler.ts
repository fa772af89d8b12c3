/**
 * @module What an agent's console socket does: its hello (inbox, presence, the resume), its frames (messages,
 * watch, typing, seen; the visitor's own requests are refused) and its sites' delivery. One handler serves
 * every agent socket; each socket's data is its state.
 */
import { PROTOCOL_VERSION, type AgentPresence, type ClientFrame, type ConversationSummary, type HelloFrame } from '../../shared/protocol';
import { topics, type BusMessage } from '../bus/bus';
import { canView, type AgentActor } from '../domain/conversation';
import { may } from '../domain/roles';
import { AppError, isAppError } from '../errors';
import { ERRORS } from '../../shared/errors';
import type { AgentPeer, ClientSocket, ConnectionDeps, MessageFrame, RoleHandler, SessionFrame } from './role-handler';
import { catchUp, deliverToAgent, knownOf, reconcile, routeToAgent, type AgentDeliveryState } from './delivery';
import { relaySeen, relayTyping, unwatch, type LiveSession } from './live-session';

export interface AgentLive extends LiveSession<AgentActor>, AgentDeliveryState {}

type AgentSocket = ClientSocket<AgentPeer, AgentLive>;

export class AgentHandler implements RoleHandler<AgentPeer, AgentLive> {
  constructor(readonly deps: ConnectionDeps) {}

  /** Agents' frames are acted on as they come (SPEC M1 masks what agents are sent, not what they send). */
  redacted<F extends ClientFrame>(_peer: AgentPeer, frame: F): F {
    return frame;
  }

  async welcome(conn: AgentSocket, frame: HelloFrame): Promise<void> {
    const { agent, siteIds } = conn.peer;
    const { conversations, directory } = this.deps;
    await directory.ensure(agent.id);
    const actor = directory.actor(agent);
    for (const siteId of siteIds) conn.subscribe(topics.site(siteId));
    conn.subscribe(topics.internal()); // issue 15: the agents' internal chat
    // Issue 14: the inbox is read after this node hears the sites' topics (SPEC D5).
    await this.deps.bus.ready();
    const inbox = await conversations.inbox(actor);
    // Closed while this hello awaited: the agent is not counted as connected (SPEC D8).
    if (conn.closed) return;
    const live: AgentLive = { kind: 'live', actor, known: null, watches: null, senderId: null, typing: null, messageKey: null };
    for (const c of inbox) knownOf(live).add(c.id);
    conn.welcomed(live);
    // Online before the welcome is made, so it shows this agent's real state; this socket hears only
    // the changes after it.
    directory.connected(agent.id);
    conn.hold(directory.onPresence((presence) => this.#presence(conn, live, presence)));
    const presence = may(agent.role, 'supervise') ? directory.all() : [directory.presence(agent.id)];
    const queues = directory.queues().map(({ createdAt: _c, ...q }) => q);
    conn.send({ type: 'welcome', v: PROTOCOL_VERSION, session: { role: 'agent', agent, conversations: inbox, presence, queues } });
    const point = frame.resume;
    const resumed = point ? this.#resume(conn, live, point) : null;
    await resumed?.catch((err: unknown) => conn.fail(err, frame));
  }

  /**
   * SPEC R10: a conversation that left the agent's sight while it was away (issue 11 F3: its role was
   * lowered) is withdrawn, as a live one is, instead of an error the console cannot place.
   */
  async #resume(conn: AgentSocket, live: AgentLive, point: NonNullable<HelloFrame['resume']>): Promise<void> {
    const conversation = await this.deps.conversations.load(live.actor, point.conversationId).catch((err: unknown) => {
      if (isAppError(err) && err.code === 'conversation_not_found') return null;
      throw err;
    });
    if (!conversation) return conn.send({ type: 'gone', conversationId: point.conversationId });
    await catchUp(conn, live, this.deps, conversation, point.afterSeq, deliverToAgent);
  }

  #presence(conn: AgentSocket, live: AgentLive, presence: AgentPresence): void {
    if (presence.id === live.actor.id || may(live.actor.role, 'supervise')) conn.send({ type: 'presence', agent: presence });
  }

  messageKey(live: AgentLive): string {
    return (live.messageKey ??= `agent:${live.actor.id}`);
  }

  startMessage(conn: AgentSocket, live: AgentLive, frame: MessageFrame): void {
    const { safety } = this.deps;
    if (this.deps.draining()) return conn.sendError('shutting_down', ERRORS.shutting_down.message, frame.clientId);
    const key = conn.peer.limitKey;
    this.deps.conversations.sendMessage(live.actor, frame).then(
      (ack) => {
        if (ack.created) safety.conversationStarted(key);
        conn.send({ type: 'ack', clientId: frame.clientId, conversationId: ack.conversationId, seq: ack.seq });
      },
      (err: unknown) => conn.fail(err, frame),
    );
  }

  async handle(conn: AgentSocket, live: AgentLive, frame: SessionFrame): Promise<void> {
    const { deps } = this;
    switch (frame.type) {
      case 'message.send':
        return this.startMessage(conn, live, frame);
      case 'watch': {
        // SPEC R10 history: a plain agent also reads a visitor's past conversations with other agents.
        const conversation = await deps.conversations.readable(live.actor, frame.conversationId);
        knownOf(live).add(conversation.id);
        await catchUp(conn, live, deps, conversation, frame.afterSeq, deliverToAgent);
        return;
      }
      case 'unwatch':
        return unwatch(live, frame);
      case 'typing':
        return relayTyping(deps, live, frame);
      case 'seen':
        return relaySeen(deps.signals, live, frame);
      // The visitor's own requests.
      case 'conversation.end':
        throw new AppError('forbidden', 'Agents close a conversation with a wrap-up reason.');
      case 'ticket.create':
        throw new AppError('forbidden', 'Agents create tickets in the console.');
      case 'conversation.rate':
      case 'transcript.email':
      case 'ticket.email': // issue 15
        throw new AppError('forbidden');
      case 'conversations.list':
        throw new AppError('forbidden', 'Agents list conversations in the console.');
      // Issue 15: the agents' internal chat (services/internal-chat.ts decides who reads and writes what).
      case 'internal.send': {
        // Counted with the agent's conversation messages (issue 6): one budget per agent.
        const verdict = deps.safety.message(this.messageKey(live));
        if (!verdict.ok) return conn.sendError('rate_limited', ERRORS.rate_limited.message, frame.clientId, verdict.retryAfterMs);
        const { seq } = await deps.internalChat.send(conn.peer.agent, frame);
        return conn.send({ type: 'internal.ack', clientId: frame.clientId, channelId: frame.channelId, seq });
      }
      case 'internal.seen':
        return deps.internalChat.seen(conn.peer.agent, frame.channelId, frame.seq);
      case 'internal.load': {
        const page = await deps.internalChat.load(conn.peer.agent, frame.channelId, { afterSeq: frame.afterSeq, beforeSeq: frame.beforeSeq });
        return conn.send({ type: 'internal.history', clientId: frame.clientId, channelId: frame.channelId, ...page });
      }
      case 'internal.list': {
        const { channels, agents } = await deps.internalChat.list(conn.peer.agent);
        return conn.send({ type: 'internal.channels', clientId: frame.clientId, channels, agents });
      }
      default:
        frame satisfies never;
    }
  }

  route(conn: AgentSocket, live: AgentLive, message: BusMessage): void {
    // Issue 15: internal chat goes to the agents it names (null: every agent), on this node's sockets.
    if ('internal' in message) {
      if (message.to === null || message.to.includes(live.actor.id)) conn.send(message.frame);
      return;
    }
    routeToAgent(conn, live, message, live.senderId, this.deps);
  }

  /**
   * Issue 14: watched conversations as delivery reconciles them; after a resync (messages were lost) the
   * inbox's summaries too, read again as at the welcome: the console keeps the newest of each (by seq).
   * And the conversations the console was shown that are neither watched nor in the inbox now: closed,
   * transferred away or deleted while the message saying so was lost. Each is read again and withdrawn
   * (`gone`) if deleted or out of the agent's sight (SPEC R10), else sent as it is now.
   */
  reconcile(conn: AgentSocket, live: AgentLive, current: ReadonlyMap<string, ConversationSummary | null>, resync: boolean): Promise<void> | void {
    reconcile(conn, live, this.deps, current, deliverToAgent);
    if (!resync) return;
    return this.deps.conversations.inbox(live.actor).then(async (inbox) => {
      const listed = new Set<string>();
      for (const conversation of inbox) {
        listed.add(conversation.id);
        if (live.watches?.has(conversation.id)) continue;
        knownOf(live).add(conversation.id);
        conn.send({ type: 'conversation', conversation });
      }
      const others = [...knownOf(live)].filter((id) => !listed.has(id) && !live.watches?.has(id));
      if (others.length === 0) return;
      const read = await this.deps.conversations.summaries(others);
      for (const [id, conversation] of read) {
        // Watched meanwhile: its own catch-up answers it.
        if (live.watches?.has(id)) continue;
        if (conversation === null || !canView(live.actor, conversation)) {
          if (knownOf(live).delete(id)) conn.send({ type: 'gone', conversationId: id });
        } else {
          conn.send({ type: 'conversation', conversation: this.deps.masking.summary(conversation) });
        }
      }
    });
  }

  identified(): boolean {
    return false;
  }

  disconnected(_conn: AgentSocket, live: AgentLive, sessionEnded: boolean): void {
    this.deps.directory.disconnected(live.actor.id, { grace: !sessionEnded });
  }
}
