/**
 * @module The agent's live state, without UI: the inbox (conversation summaries), the conversation on
 * screen with its events in sequence order, and replies not confirmed yet. One socket; resumes the open
 * conversation from its last sequence after any reconnect (SPEC D5, D8).
 */
import type { AgentProfile, ConversationEvent, ConversationSummary, ServerFrame } from '../shared/protocol';
import { PROTOCOL_VERSION } from '../shared/protocol';
import { createSocketClient, type SocketClient, type SocketStatus } from '../shared/socket-client';
import type { EventPageAnswer } from '../shared/api';
import { mergeHistory } from '../shared/history';
import { Observable } from '../shared/observable';
import { api } from './api';
import { newClientId } from '../shared/uuid';

/** Errors worth sending the same reply again for; any other error marks the reply as not sent. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['internal', 'shutting_down']);
const RETRY_AFTER_MS = 2000;

export interface PendingReply {
  clientId: string;
  conversationId: string;
  text: string;
  at: number;
  failed: string | null;
}

export interface AgentView {
  connection: SocketStatus;
  agent: AgentProfile | null;
  /** Newest activity first. */
  conversations: ConversationSummary[];
  currentId: string | null;
  events: ConversationEvent[];
  hasMore: boolean;
  pending: PendingReply[];
  /** Conversations with visitor messages the agent has not had on screen. */
  unread: ReadonlySet<string>;
}

export class AgentSession extends Observable<AgentView> {
  readonly #summaries = new Map<string, ConversationSummary>();
  /** Highest sequence the agent has had on screen, per conversation. */
  readonly #seen = new Map<string, number>();
  #socket: SocketClient | null = null;
  #lastSeq = 0;

  /**
   * `onRefused`: the socket closed before a welcome, so the session may have ended. `fetchOlder` reads an
   * older page of events (the HTTP API).
   */
  constructor(
    private readonly onRefused: () => void,
    private readonly fetchOlder: (conversationId: string, beforeSeq: number) => Promise<EventPageAnswer> = api.eventsBefore,
  ) {
    super({ connection: 'connecting', agent: null, conversations: [], currentId: null, events: [], hasMore: false, pending: [], unread: new Set() });
  }

  start(): void {
    const origin = location.origin.replace(/^http/, 'ws');
    this.#socket = createSocketClient({
      url: `${origin}/ws?role=agent`,
      hello: () => ({
        type: 'hello',
        v: PROTOCOL_VERSION,
        ...(this.view.currentId ? { resume: { conversationId: this.view.currentId, afterSeq: this.#lastSeq } } : {}),
      }),
      onFrame: (frame) => this.#onFrame(frame),
      onStatus: (connection) => this.update({ connection }),
      // A close before the welcome may mean the session cookie is no longer valid: let the app check.
      onClose: () => {
        if (this.view.connection !== 'online') this.onRefused();
      },
    });
  }

  stop(): void {
    this.#socket?.stop();
    this.#socket = null;
  }

  open(conversationId: string): void {
    if (this.view.currentId === conversationId) return;
    const previous = this.view.currentId;
    if (previous) this.#socket?.send({ type: 'unwatch', conversationId: previous });
    this.#lastSeq = 0;
    this.update({ currentId: conversationId, events: [], hasMore: false });
    this.#socket?.send({ type: 'watch', conversationId, afterSeq: 0 });
  }

  /** Prepends the page of events before the oldest one on screen (history beyond the snapshot, SPEC D6). */
  async loadOlder(): Promise<void> {
    const { currentId, events } = this.view;
    const oldest = events[0];
    if (!currentId || !oldest || !this.view.hasMore) return;
    const page = await this.fetchOlder(currentId, oldest.seq);
    if (this.view.currentId !== currentId) return; // the agent moved on meanwhile
    this.update({ events: [...page.events.filter((e) => e.seq < oldest.seq), ...this.view.events], hasMore: page.hasMore });
  }

  send(text: string): void {
    const conversationId = this.view.currentId;
    if (!conversationId) return;
    const reply: PendingReply = { clientId: newClientId(), conversationId, text, at: Date.now(), failed: null };
    this.update({ pending: [...this.view.pending, reply] });
    this.#transmit(reply);
  }

  #transmit(reply: PendingReply): void {
    this.#socket?.send({ type: 'message.send', clientId: reply.clientId, conversationId: reply.conversationId, text: reply.text });
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        if (frame.session.role !== 'agent') return;
        this.#summaries.clear();
        for (const c of frame.session.conversations) this.#summaries.set(c.id, c);
        this.update({ agent: frame.session.agent, ...this.#inbox() });
        for (const reply of this.view.pending) if (!reply.failed) this.#transmit(reply);
        return;
      case 'history': {
        if (frame.conversationId !== this.view.currentId) return;
        const { events, lastSeq } = mergeHistory({ events: this.view.events, lastSeq: this.#lastSeq }, frame);
        this.#lastSeq = lastSeq;
        this.#markSeen(frame.conversationId, this.#lastSeq);
        this.update({ events, hasMore: frame.reset ? frame.hasMore : this.view.hasMore, pending: this.#withoutConfirmed(events), ...this.#inbox() });
        return;
      }
      case 'event': {
        if (frame.conversation) this.#upsert(frame.conversation);
        const event = frame.event;
        if (event.conversationId !== this.view.currentId) {
          this.update(this.#inbox());
          return;
        }
        if (event.seq <= this.#lastSeq) return;
        this.#lastSeq = event.seq;
        this.#markSeen(event.conversationId, event.seq);
        const events = [...this.view.events, event];
        this.update({ events, pending: this.#withoutConfirmed([event]), ...this.#inbox() });
        return;
      }
      case 'conversation':
        this.#upsert(frame.conversation);
        this.update(this.#inbox());
        return;
      case 'ack':
        this.update({ pending: this.view.pending.filter((p) => p.clientId !== frame.clientId) });
        return;
      case 'error': {
        const reply = frame.clientId ? this.view.pending.find((p) => p.clientId === frame.clientId) : undefined;
        if (!reply) return;
        if (TRANSIENT_ERRORS.has(frame.code)) {
          // A passing problem: send the same reply again shortly (SPEC D3 keeps it to one message).
          setTimeout(() => {
            if (this.view.pending.some((p) => p.clientId === reply.clientId && !p.failed)) this.#transmit(reply);
          }, RETRY_AFTER_MS);
          return;
        }
        this.update({ pending: this.view.pending.map((p) => (p.clientId === reply.clientId ? { ...p, failed: frame.code } : p)) });
        return;
      }
      default:
        return;
    }
  }

  /** Keeps the newer of two summaries of a conversation (frames can race a list read). */
  #upsert(summary: ConversationSummary): void {
    const known = this.#summaries.get(summary.id);
    if (!known || summary.lastSeq >= known.lastSeq) this.#summaries.set(summary.id, summary);
  }

  #markSeen(conversationId: string, seq: number): void {
    if ((this.#seen.get(conversationId) ?? 0) < seq) this.#seen.set(conversationId, seq);
  }

  #withoutConfirmed(events: readonly ConversationEvent[]): PendingReply[] {
    const confirmed = new Set(events.flatMap((e) => (e.clientId ? [e.clientId] : [])));
    return this.view.pending.filter((p) => !confirmed.has(p.clientId));
  }

  #inbox(): Pick<AgentView, 'conversations' | 'unread'> {
    const conversations = [...this.#summaries.values()]
      .filter((c) => c.status === 'open')
      .sort((a, b) => b.updatedAt - a.updatedAt);
    const unread = new Set<string>();
    for (const c of conversations) {
      if (c.id !== this.view.currentId && c.lastMessage?.authorKind === 'visitor' && c.lastSeq > (this.#seen.get(c.id) ?? 0)) {
        unread.add(c.id);
      }
    }
    return { conversations, unread };
  }

}
