/**
 * @module Issue 15: the console's side of the agents' internal chat, without UI: the agent's channels (the
 * team channel and its direct chats) with their unread counts, the channel on screen with its messages in seq
 * order, and messages sent but not acknowledged yet (an outbox: each keeps its client id, so a resend after a
 * reconnect or a passing error stores it once). It rides the agent session's socket (agent-session.ts hands
 * it the `internal.*` frames and calls `connected` after every welcome), and catches up by seq: after a
 * reconnect, or when a live message skips a seq, it asks for what comes after the last one it holds.
 */
import { directChannelId, peerOf, TEAM_CHANNEL } from '../../shared/internal-chat';
import type { ClientFrame, InternalChannelInfo, InternalMessage, Participant, ServerFrame } from '../../shared/protocol';
import { Observable } from '../../shared/observable';
import { newClientId } from '../../shared/uuid';

type InternalFrame = Extract<ServerFrame, { type: `internal.${string}` }>;

/** Errors worth sending the same message again for; any other marks it as not sent. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['internal', 'shutting_down', 'storage_unavailable', 'rate_limited']);
const RETRY_AFTER_MS = 2000;

export interface TeamPending {
  clientId: string;
  channelId: string;
  text: string;
  at: number;
  failed: string | null;
}

export interface TeamChannel extends InternalChannelInfo {
  unread: number;
}

export interface TeamView {
  /** The first list has arrived. */
  ready: boolean;
  /** The team channel first, then direct chats by their last message, newest first. */
  channels: TeamChannel[];
  /** Enabled agents other than this one, by name: whom a direct chat can start with. */
  agents: Participant[];
  currentId: string | null;
  /** The channel on screen, oldest first. */
  messages: InternalMessage[];
  hasMore: boolean;
  /** The first page of the channel on screen is loading. */
  loading: boolean;
  /** Why the channel on screen could not be read (an error code), or null. */
  error: string | null;
  pending: TeamPending[];
  unreadTotal: number;
}

type Request = { channelId: string; kind: 'newest' | 'after' | 'before' };

export class TeamChat extends Observable<TeamView> {
  readonly #channels = new Map<string, InternalChannelInfo>();
  readonly #requests = new Map<string, Request>();
  #held = 0;
  #shown = false;
  #online = false;

  constructor(
    private readonly transmit: (frame: ClientFrame) => void,
    private readonly me: () => string | null,
    private readonly now: () => number = Date.now,
  ) {
    super({ ready: false, channels: [], agents: [], currentId: null, messages: [], hasMore: false, loading: false, error: null, pending: [], unreadTotal: 0 });
  }

  /** After every welcome: the channels again, the channel on screen from its last seq, and the outbox resent. */
  connected(): void {
    this.#online = true;
    this.#request({ type: 'internal.list', clientId: newClientId() });
    const id = this.view.currentId;
    if (id) this.#load(id, this.#held > 0 ? 'after' : 'newest');
    for (const p of this.view.pending) if (!p.failed) this.#send(p);
  }

  disconnected(): void {
    this.#online = false;
  }

  /** The panel is on screen (it marks what it shows as read) or not. */
  shown(on: boolean): void {
    const opened = on && !this.#shown;
    this.#shown = on;
    // Agents added or disabled since the welcome: the list (and whom a direct chat can start with) read again.
    if (opened && this.#online) this.#request({ type: 'internal.list', clientId: newClientId() });
    if (on && !this.view.currentId) this.open(TEAM_CHANNEL);
    else this.#markRead();
  }

  /** Shows a channel (null: none, the list alone on a phone). */
  open(channelId: string | null): void {
    if (channelId === this.view.currentId) return;
    // A direct chat named by a link before it is listed: named by the colleague it is with.
    const me = this.me();
    const peerId = channelId && me ? peerOf(channelId, me) : null;
    if (channelId && peerId && !this.#channels.has(channelId)) {
      const peer = this.view.agents.find((a) => a.id === peerId) ?? { id: peerId, name: '' };
      this.#channels.set(channelId, { id: channelId, kind: 'direct', peer, lastSeq: 0, seenSeq: 0, lastMessageAt: null });
      this.update(this.#derived());
    }
    this.#held = 0;
    this.update({ currentId: channelId, messages: [], hasMore: false, error: null, loading: channelId !== null });
    if (channelId) this.#load(channelId, 'newest');
  }

  /** Opens the direct chat with another agent (made on its first message). */
  openDirect(agentId: string): void {
    const me = this.me();
    if (!me || agentId === me) return;
    this.open(directChannelId(me, agentId));
  }

  /** Sends to the channel on screen: pending until its ack. */
  post(text: string): void {
    const channelId = this.view.currentId;
    if (!channelId || text.trim() === '') return;
    const pending: TeamPending = { clientId: newClientId(), channelId, text, at: this.now(), failed: null };
    this.update({ pending: [...this.view.pending, pending] });
    this.#send(pending);
  }

  retry(clientId: string): void {
    const p = this.view.pending.find((x) => x.clientId === clientId);
    if (!p) return;
    const again = { ...p, failed: null };
    this.update({ pending: this.view.pending.map((x) => (x.clientId === clientId ? again : x)) });
    this.#send(again);
  }

  discard(clientId: string): void {
    this.update({ pending: this.view.pending.filter((p) => p.clientId !== clientId) });
  }

  loadOlder(): void {
    const id = this.view.currentId;
    const first = this.view.messages[0];
    if (id && first && this.view.hasMore) this.#load(id, 'before', first.seq);
  }

  /** An `internal.*` frame, or an error answering one of this chat's requests (true when it was one). */
  frame(frame: InternalFrame | Extract<ServerFrame, { type: 'error' }>): boolean {
    switch (frame.type) {
      case 'internal.channels': {
        if (!this.#requests.delete(frame.clientId)) return true;
        for (const [id, c] of this.#channels) {
          const name = c.peer && !c.peer.name ? frame.agents.find((a) => a.id === c.peer!.id)?.name : undefined;
          if (name) this.#channels.set(id, { ...c, peer: { id: c.peer!.id, name } });
        }
        for (const c of frame.channels) {
          const known = this.#channels.get(c.id);
          this.#channels.set(c.id, known ? { ...c, lastSeq: Math.max(c.lastSeq, known.lastSeq), seenSeq: Math.max(c.seenSeq, known.seenSeq) } : c);
        }
        // A direct chat opened before the welcome (a link): named now that this agent and its colleagues are known.
        const me = this.me();
        const current = this.view.currentId;
        const peerId = current && me ? peerOf(current, me) : null;
        if (current && peerId && !this.#channels.has(current)) {
          this.#channels.set(current, { id: current, kind: 'direct', peer: { id: peerId, name: frame.agents.find((a) => a.id === peerId)?.name ?? '' }, lastSeq: 0, seenSeq: 0, lastMessageAt: null });
        }
        this.update({ ready: true, agents: frame.agents, ...this.#derived() });
        return true;
      }
      case 'internal.message':
        this.#message(frame.message);
        return true;
      case 'internal.ack': {
        this.update({ pending: this.view.pending.filter((p) => p.clientId !== frame.clientId) });
        this.#raise(frame.channelId, { lastSeq: frame.seq, seenSeq: frame.seq });
        // The message itself was lost on the way (a bus across nodes may lose one): read what is missing.
        if (frame.channelId === this.view.currentId && frame.seq > this.#held && !this.#pendingLoad(frame.channelId)) this.#load(frame.channelId, 'after');
        return true;
      }
      case 'internal.history':
        this.#history(frame);
        return true;
      case 'internal.seen':
        this.#raise(frame.channelId, { seenSeq: frame.seq });
        return true;
      case 'error':
        return this.#error(frame);
      default:
        return false;
    }
  }

  #message(m: InternalMessage): void {
    const me = this.me();
    if (!this.#channels.has(m.channelId)) {
      const peerId = me ? peerOf(m.channelId, me) : null;
      const peer = peerId === null ? null : { id: peerId, name: this.view.agents.find((a) => a.id === peerId)?.name ?? (m.authorId === peerId ? m.authorName : '') };
      this.#channels.set(m.channelId, { id: m.channelId, kind: peerId === null ? 'team' : 'direct', peer, lastSeq: 0, seenSeq: 0, lastMessageAt: null });
    }
    this.#raise(m.channelId, { lastSeq: m.seq, lastMessageAt: m.at, ...(m.authorId === me ? { seenSeq: m.seq } : {}) }, false);
    const pending = m.authorId === me ? this.view.pending.filter((p) => p.clientId !== m.clientId) : this.view.pending;
    if (m.channelId !== this.view.currentId || m.seq <= this.#held) return this.update({ pending, ...this.#derived() });
    if (m.seq > this.#held + 1 || this.view.loading) {
      // A gap (or the first page still loading): what comes after the last one held is read from the server.
      this.update({ pending, ...this.#derived() });
      if (!this.#pendingLoad(m.channelId)) this.#load(m.channelId, this.#held > 0 ? 'after' : 'newest');
      return;
    }
    this.#held = m.seq;
    this.update({ messages: [...this.view.messages, m], pending, ...this.#derived() });
    this.#markRead();
  }

  #history(frame: Extract<ServerFrame, { type: 'internal.history' }>): void {
    const request = this.#requests.get(frame.clientId);
    if (!request) return;
    this.#requests.delete(frame.clientId);
    if (frame.channelId !== this.view.currentId) return;
    this.#raise(frame.channelId, { lastSeq: frame.lastSeq }, false);
    if (request.kind === 'before') {
      const first = this.view.messages[0]?.seq ?? Infinity;
      const older = frame.messages.filter((m) => m.seq < first);
      this.update({ messages: [...older, ...this.view.messages], hasMore: frame.hasMore, ...this.#derived() });
      return;
    }
    const base = request.kind === 'newest' ? [] : this.view.messages;
    const held = request.kind === 'newest' ? 0 : this.#held;
    const newer = frame.messages.filter((m) => m.seq > held);
    const messages = [...base, ...newer];
    this.#held = messages.at(-1)?.seq ?? held;
    const mine = new Set(newer.filter((m) => m.authorId === this.me()).map((m) => m.clientId));
    this.update({
      messages,
      loading: false,
      error: null,
      ...(request.kind === 'newest' ? { hasMore: frame.hasMore } : {}),
      pending: this.view.pending.filter((p) => !mine.has(p.clientId)),
      ...this.#derived(),
    });
    if (request.kind === 'after' && frame.hasMore) this.#load(frame.channelId, 'after');
    else if (this.#held < frame.lastSeq && !this.#pendingLoad(frame.channelId)) this.#load(frame.channelId, 'after');
    this.#markRead();
  }

  #error(frame: Extract<ServerFrame, { type: 'error' }>): boolean {
    if (!frame.clientId) return false;
    const request = this.#requests.get(frame.clientId);
    if (request) {
      this.#requests.delete(frame.clientId);
      if (request.channelId === this.view.currentId && request.kind === 'newest') this.update({ loading: false, error: frame.code });
      return true;
    }
    const p = this.view.pending.find((x) => x.clientId === frame.clientId);
    if (!p) return false;
    if (TRANSIENT_ERRORS.has(frame.code)) {
      setTimeout(() => {
        const still = this.view.pending.find((x) => x.clientId === p.clientId && !x.failed);
        if (still && this.#online) this.#send(still);
      }, Math.min(frame.retryAfterMs ?? RETRY_AFTER_MS, 60_000));
      return true;
    }
    this.update({ pending: this.view.pending.map((x) => (x.clientId === p.clientId ? { ...x, failed: frame.code } : x)) });
    return true;
  }

  #send(p: TeamPending): void {
    this.transmit({ type: 'internal.send', clientId: p.clientId, channelId: p.channelId, text: p.text });
  }

  #request(frame: Extract<ClientFrame, { type: 'internal.list' }>): void {
    this.#requests.set(frame.clientId, { channelId: '', kind: 'newest' });
    this.transmit(frame);
  }

  #load(channelId: string, kind: Request['kind'], beforeSeq?: number): void {
    const clientId = newClientId();
    this.#requests.set(clientId, { channelId, kind });
    const page = kind === 'after' ? { afterSeq: this.#held } : kind === 'before' ? { beforeSeq } : {};
    this.transmit({ type: 'internal.load', clientId, channelId, ...page });
  }

  #pendingLoad(channelId: string): boolean {
    for (const r of this.#requests.values()) if (r.channelId === channelId && r.kind !== 'before') return true;
    return false;
  }

  /** Moves a channel's marks forward (never back). */
  #raise(channelId: string, marks: Partial<Pick<InternalChannelInfo, 'lastSeq' | 'seenSeq' | 'lastMessageAt'>>, publish = true): void {
    const c = this.#channels.get(channelId);
    if (!c) return;
    this.#channels.set(channelId, {
      ...c,
      lastSeq: Math.max(c.lastSeq, marks.lastSeq ?? 0),
      seenSeq: Math.max(c.seenSeq, marks.seenSeq ?? 0),
      lastMessageAt: Math.max(c.lastMessageAt ?? 0, marks.lastMessageAt ?? 0) || c.lastMessageAt,
    });
    if (publish) this.update(this.#derived());
  }

  /** What is on screen of a shown panel is read: the server raises the mark and tells this agent's other consoles. */
  #markRead(): void {
    const id = this.view.currentId;
    const c = id ? this.#channels.get(id) : undefined;
    if (!this.#shown || !c || this.#held <= c.seenSeq || (typeof document !== 'undefined' && document.visibilityState === 'hidden')) return;
    this.#raise(c.id, { seenSeq: this.#held });
    if (this.#online) this.transmit({ type: 'internal.seen', channelId: c.id, seq: this.#held });
  }

  #derived(): Pick<TeamView, 'channels' | 'unreadTotal'> {
    const channels = [...this.#channels.values()]
      .map((c): TeamChannel => ({ ...c, unread: Math.max(0, c.lastSeq - c.seenSeq) }))
      .sort((a, b) => (a.kind !== b.kind ? (a.kind === 'team' ? -1 : 1) : (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0) || (a.peer?.name ?? '').localeCompare(b.peer?.name ?? '')));
    return { channels, unreadTotal: channels.reduce((n, c) => n + c.unread, 0) };
  }
}

