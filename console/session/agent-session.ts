/**
 * @module The agent's live state, without UI: the conversations the agent may see (sorted into New, Mine and
 * Others), offers and requests waiting for its answer, agents' presence, the conversation on screen with its
 * events in sequence order, and replies and notes not confirmed yet. One socket; resumes the open
 * conversation from its last sequence after any reconnect (SPEC D5, D8).
 */
import type { AgentPresence, AgentProfile, Attachment, ConversationEvent, ConversationSummary, QueueInfo, ServerFrame, WorkflowNoticeFrame } from '../../shared/protocol';
import { parseServerFrame, PROTOCOL_VERSION } from '../../shared/protocol';
import { CLOSE } from '../../shared/errors';
import { createSocketClient, type SocketClient, type SocketStatus } from '../../shared/socket-client';
import type { EventPageAnswer } from '../../shared/api';
import { mergeHistory } from '../../shared/history';
import { Observable } from '../../shared/observable';
import { newClientId } from '../../shared/uuid';
import { api } from './api';
import { deriveInbox, EMPTY_LISTS, listContext, type InboxView } from '../inbox/inbox-view';
import { alertsFor, type Alert } from './notifications';
import { ConversationSignals } from '../conversation/conversation-signals';
import { TeamChat } from '../team/team-chat';

/** Errors worth sending the same reply again for; any other error marks the reply as not sent. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(['internal', 'shutting_down', 'storage_unavailable']);
const RETRY_AFTER_MS = 2000;

export interface PendingReply {
  clientId: string;
  conversationId: string;
  text: string;
  /** A private note (SPEC R9): visitors never see it. */
  note: boolean;
  at: number;
  failed: string | null;
  /** SPEC W3: the uploaded files it carries. */
  attachments?: Attachment[];
}

export interface AgentView extends InboxView {
  connection: SocketStatus;
  agent: AgentProfile | null;
  /** Supervisors and admins: every agent; agents: themselves. */
  presence: AgentPresence[];
  queues: QueueInfo[];
  currentId: string | null;
  events: ConversationEvent[];
  hasMore: boolean;
  pending: PendingReply[];
  /** The conversation that was on screen and left the agent's sight (deleted, or now someone else's). */
  gone: string | null;
  /** SPEC W1: the visitor of the conversation on screen is typing. */
  visitorTyping: boolean;
  /** SPEC W2: the highest sequence of the conversation on screen the visitor has seen. */
  visitorSeenSeq: number;
  /**
   * Issue 12: the event a search hit opened the conversation at, once it is held (older pages loaded as
   * needed), and the search's terms (folded, as shared/search-text.ts makes them) to mark in it. `n` grows with every reveal, so the same message found
   * twice scrolls into view again.
   */
  found: { seq: number; n: number; terms: string[] } | null;
  /** Older pages are loading to reach the message a search hit named. */
  finding: boolean;
  /** Issue 15: how this agent's transfers and invitations ended (accepted, declined, expired), newest last. */
  notices: HandoffNotice[];
  /** Issue 15: conversations whose part this agent handed over or left, waiting for its wrap-up reason. */
  wrapUps: WorkflowNoticeFrame[];
}

/** Issue 15: one outcome of this agent's request, shown as a dismissable notice (never a modal dialog). */
export interface HandoffNotice extends WorkflowNoticeFrame {
  id: number;
}

/** At most this many older pages are read to reach a search hit (200 events each: 20,000 events). */
export const MAX_REVEAL_PAGES = 100;


/** The event a search hit asked for, with the search's terms (issue 12). */
interface RevealTarget {
  conversationId: string;
  seq: number;
  terms: string[];
}

export class AgentSession extends Observable<AgentView> {
  readonly #summaries = new Map<string, ConversationSummary>();
  /** Highest sequence the agent has had on screen, per conversation. */
  readonly #seen = new Map<string, number>();
  readonly #alertListeners = new Set<(alert: Alert) => void>();
  #socket: SocketClient | null = null;
  /** Issue 15: the agents' internal chat, on this session's socket. */
  readonly team = new TeamChat((frame) => this.#socket?.send(frame), () => this.view.agent?.id ?? null);
  #lastSeq = 0;
  /** The event a search hit asked for, until it is held (issue 12). */
  #target: RevealTarget | null = null;
  /** The target the running reveal reads pages for: a newer target starts its own reveal, the older one stops. */
  #revealing: RevealTarget | null = null;
  #revealed = 0;
  #noticeIds = 0;
  /**
   * Grows with every fresh start of the history on screen (a conversation opened, a reset snapshot after a
   * reconnect): an older page read before it belongs to a history no longer shown and is dropped.
   */
  #historyEpoch = 0;
  /** Typing and seen (SPEC W1, W2). */
  readonly #signals: ConversationSignals;
  /**
   * The console window has the focus and is visible: only then does the agent "see" (SPEC W2). Focus and
   * blur are enough: hiding the tab or the window takes the focus away first.
   */
  #focused = false;
  readonly #onFocusChange = () => {
    this.#focused = document.visibilityState !== 'hidden' && document.hasFocus?.() === true;
    this.#markRead();
  };

  /**
   * `onRefused`: the socket closed before a welcome, so the session may have ended. `fetchOlder` reads an
   * older page of events (the HTTP API). `now` is the clock offers and requests are checked against.
   */
  constructor(
    private readonly onRefused: () => void,
    private readonly fetchOlder: (conversationId: string, beforeSeq: number) => Promise<EventPageAnswer> = api.eventsBefore,
    private readonly now: () => number = Date.now,
  ) {
    super({
      connection: 'connecting',
      agent: null,
      presence: [],
      me: null,
      queues: [],
      conversations: [],
      lists: EMPTY_LISTS,
      offers: [],
      requests: [],
      currentId: null,
      current: null,
      events: [],
      hasMore: false,
      pending: [],
      unread: new Set(),
      unreadCounts: { new: 0, mine: 0, others: 0 },
      gone: null,
      visitorTyping: false,
      visitorSeenSeq: 0,
      found: null,
      finding: false,
      notices: [],
      wrapUps: [],
    });
    this.#signals = new ConversationSignals(
      (frame) => this.#socket?.send(frame),
      () => this.update(this.#marks()),
      () => this.now(),
    );
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
      parse: parseServerFrame,
      onFrame: (frame) => this.#onFrame(frame),
      onStatus: (connection) => {
        if (connection !== 'online') this.team.disconnected();
        this.update({ connection });
      },
      // A close before the welcome may mean the session cookie is no longer valid, and 4006 says the session
      // ended (sign-out elsewhere, password change, disabled): let the app check, and show the login if so.
      // 4007 says an admin changed this agent's role (issue 11 F3): the same check reads the agent again, so
      // the console shows the new role's sections while the socket reconnects with its powers.
      onClose: (code) => {
        if (code === CLOSE.session_ended || code === CLOSE.role_changed || this.view.connection !== 'online') this.onRefused();
      },
    });
    window.addEventListener('focus', this.#onFocusChange);
    window.addEventListener('blur', this.#onFocusChange);
    this.#onFocusChange();
  }

  stop(): void {
    window.removeEventListener('focus', this.#onFocusChange);
    window.removeEventListener('blur', this.#onFocusChange);
    this.#signals.dispose();
    this.#socket?.stop();
    this.#socket = null;
  }

  /**
   * SPEC W1: the reply draft of the conversation on screen holds text (`on`), or was sent or emptied. The
   * composer calls it for replies only, never for private notes.
   */
  typing(on: boolean): void {
    if (this.view.currentId) this.#signals.typing(this.view.currentId, on);
  }

  /** Offers, requests and new visitor messages worth a sound or a desktop notification (not on welcome). */
  onAlert(listener: (alert: Alert) => void): () => void {
    this.#alertListeners.add(listener);
    return () => this.#alertListeners.delete(listener);
  }

  /** Shows a conversation. `summary` seeds one the live lists do not hold (from the Closed list). */
  open(conversationId: string, summary?: ConversationSummary): void {
    if (summary) this.#upsert(summary);
    if (this.view.currentId === conversationId) return;
    const previous = this.view.currentId;
    if (previous) this.#leave(previous);
    this.#lastSeq = 0;
    this.#historyEpoch++;
    if (this.#target?.conversationId !== conversationId) this.#target = null;
    this.update({
      currentId: conversationId,
      events: [],
      hasMore: false,
      gone: null,
      found: null,
      finding: this.#target !== null,
      ...this.#derived(conversationId),
      ...this.#marks(conversationId),
    });
    this.#socket?.send({ type: 'watch', conversationId, afterSeq: 0 });
  }

  /**
   * Issue 12: shows a conversation at one of its events (a search hit). Once the snapshot is in, older pages
   * are read until the event is held, and `found` names it (with the search's `terms`, searchTerms of the query) for the log to scroll
   * to and highlight.
   */
  openAt(conversationId: string, seq: number, summary?: ConversationSummary, terms: string[] = []): void {
    this.#target = { conversationId, seq, terms };
    this.open(conversationId, summary);
    if (this.view.events.length > 0) void this.#reveal();
    else this.update({ finding: true });
  }

  /** Puts the conversation away (the pane shows nothing). */
  closeCurrent(): void {
    const previous = this.view.currentId;
    if (previous) this.#leave(previous);
    this.#lastSeq = 0;
    this.#target = null;
    this.update({ currentId: null, events: [], hasMore: false, found: null, finding: false, ...this.#derived(null), ...this.#marks(null) });
  }

  /**
   * Takes in a summary an HTTP answer returned (accept, take, priority...). The same change also comes over
   * the socket; whichever is newer wins.
   */
  apply(summary: ConversationSummary): void {
    this.#upsert(summary);
    this.update(this.#derived());
  }

  /** Forgets a conversation (deleted by this agent); the server's `gone` frame does the same. */
  forget(conversationId: string): void {
    this.#gone(conversationId);
  }

  /** Issue 15: the agent read (or the time ran out on) a request's outcome. */
  dismissNotice(id: number): void {
    this.update({ notices: this.view.notices.filter((n) => n.id !== id) });
  }

  /** Issue 15: the wrap-up of this conversation was sent (or is not asked: the site uses no reasons). */
  wrappedUp(conversationId: string): void {
    this.update({ wrapUps: this.view.wrapUps.filter((w) => w.conversationId !== conversationId) });
  }

  #notice(frame: WorkflowNoticeFrame): void {
    const notices = frame.outcome === 'left' ? this.view.notices : [...this.view.notices, { ...frame, id: ++this.#noticeIds }];
    const wrapUps = frame.wrapUp ? [...this.view.wrapUps.filter((w) => w.conversationId !== frame.conversationId), frame] : this.view.wrapUps;
    this.update({ notices, wrapUps });
  }

  /** Prepends the page of events before the oldest one on screen (history beyond the snapshot, SPEC D6). */
  async loadOlder(): Promise<void> {
    const { currentId, events } = this.view;
    const oldest = events[0];
    if (!currentId || !oldest || !this.view.hasMore) return;
    const epoch = this.#historyEpoch;
    const page = await this.fetchOlder(currentId, oldest.seq);
    if (this.view.currentId !== currentId) return; // the agent moved on meanwhile
    // A reset snapshot came meanwhile (a reconnect): the page ends where the old history began, not where the
    // new one does, and prepending it would leave a gap.
    if (this.#historyEpoch !== epoch) return;
    // Two loads at once (the button and a search reveal) ask for the same page: it is added once.
    const first = this.view.events[0]?.seq ?? Number.POSITIVE_INFINITY;
    if (first < oldest.seq) return; // another load prepended this page meanwhile
    this.update({ events: [...page.events.filter((e) => e.seq < first), ...this.view.events], hasMore: page.hasMore });
  }

  /** Reads older pages until the search hit's event is held, then names it in `found` (issue 12). */
  async #reveal(): Promise<void> {
    const target = this.#target;
    // The same target already being read for goes on by itself; a newer one (another hit clicked while the
    // first one's pages load) takes over, and the older reveal stops at its next step.
    if (!target || this.#revealing === target || target.conversationId !== this.view.currentId) return;
    this.#revealing = target;
    this.update({ finding: true });
    const stillWanted = () => this.#target === target && this.view.currentId === target.conversationId;
    try {
      for (let pages = 0; pages < MAX_REVEAL_PAGES && stillWanted(); pages++) {
        const oldest = this.view.events[0];
        if (!oldest || oldest.seq <= target.seq || !this.view.hasMore) break;
        await this.loadOlder();
      }
    } catch {
      // The page could not be read: the conversation stays open at its newest events, without a mark.
    } finally {
      if (this.#revealing === target) this.#revealing = null;
    }
    if (!stillWanted()) return;
    this.#target = null;
    // Named only when held: a seq left unloaded (a page failed) would otherwise be scrolled to and ringed
    // out of the blue by a later "Load older".
    const held = this.view.events.some((e) => e.seq === target.seq);
    this.update({ found: held ? { seq: target.seq, n: ++this.#revealed, terms: target.terms } : null, finding: false });
  }

  /** Sends a reply, or with `note` a private note only agents see (SPEC R9). */
  send(text: string, options: { note?: boolean; attachments?: Attachment[] } = {}): void {
    const conversationId = this.view.currentId;
    if (!conversationId) return;
    const reply: PendingReply = { clientId: newClientId(), conversationId, text, note: options.note === true, at: this.now(), failed: null };
    if (options.attachments?.length) reply.attachments = options.attachments;
    this.update({ pending: [...this.view.pending, reply] });
    this.#transmit(reply);
  }

  /** Drops a reply that was not sent (the agent gave up on it). */
  discard(clientId: string): void {
    this.update({ pending: this.view.pending.filter((p) => p.clientId !== clientId) });
  }

  #transmit(reply: PendingReply): void {
    this.#socket?.send({
      type: 'message.send',
      clientId: reply.clientId,
      conversationId: reply.conversationId,
      text: reply.text,
      ...(reply.note ? { note: true } : {}),
      ...(reply.attachments ? { attachments: reply.attachments.map((a) => a.id) } : {}),
    });
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome': {
        if (frame.session.role !== 'agent') return;
        const { agent, conversations, presence, queues } = frame.session;
        const current = this.view.currentId ? this.#summaries.get(this.view.currentId) : undefined;
        this.#summaries.clear();
        for (const c of conversations) this.#summaries.set(c.id, c);
        // A closed conversation on screen (from the Closed list) is not in the inbox: keep showing it.
        if (current && !this.#summaries.has(current.id)) this.#summaries.set(current.id, current);
        this.update({ agent, presence, queues });
        this.update(this.#derived());
        for (const reply of this.view.pending) if (!reply.failed) this.#transmit(reply);
        this.team.connected();
        return;
      }
      case 'history': {
        if (frame.conversationId !== this.view.currentId) return;
        if (frame.reset) this.#historyEpoch++;
        const { events, lastSeq } = mergeHistory({ events: this.view.events, lastSeq: this.#lastSeq }, frame);
        this.#lastSeq = lastSeq;
        this.#markSeen(frame.conversationId, this.#lastSeq);
        this.update({ events, hasMore: frame.reset ? frame.hasMore : this.view.hasMore, pending: this.#withoutConfirmed(events), ...this.#derived(), ...this.#marks() });
        this.#markRead();
        if (this.#target) void this.#reveal();
        return;
      }
      case 'event': {
        const event = frame.event;
        if (frame.conversation) this.#receive(frame.conversation);
        else if (event.kind === 'message' && event.author.kind === 'visitor') this.#alertFromEvent(event);
        if (event.conversationId !== this.view.currentId || event.seq <= this.#lastSeq) {
          this.update(this.#derived());
          return;
        }
        this.#lastSeq = event.seq;
        this.#markSeen(event.conversationId, event.seq);
        if (event.kind === 'message' && event.author.kind === 'visitor') this.#signals.visitorMessage(event.conversationId);
        this.update({ events: [...this.view.events, event], pending: this.#withoutConfirmed([event]), ...this.#derived(), ...this.#marks() });
        this.#markRead();
        return;
      }
      case 'conversation':
        this.#receive(frame.conversation);
        this.update(this.#derived());
        return;
      case 'presence': {
        const others = this.view.presence.filter((p) => p.id !== frame.agent.id);
        this.update({ presence: [...others, frame.agent].sort((a, b) => a.name.localeCompare(b.name)) });
        this.update(this.#derived());
        return;
      }
      case 'gone':
        this.#gone(frame.conversationId);
        return;
      case 'workflow.notice':
        this.#notice(frame);
        return;
      case 'typing':
        this.#signals.typingFrame(frame);
        return;
      case 'seen':
        this.#signals.seenFrame(frame);
        return;
      case 'ack':
        this.update({ pending: this.view.pending.filter((p) => p.clientId !== frame.clientId) });
        return;
      case 'internal.channels':
      case 'internal.message':
      case 'internal.ack':
      case 'internal.history':
      case 'internal.seen':
        this.team.frame(frame);
        return;
      case 'error': {
        if (this.team.frame(frame)) return;
        const reply = frame.clientId ? this.view.pending.find((p) => p.clientId === frame.clientId) : undefined;
        if (!reply) return;
        if (TRANSIENT_ERRORS.has(frame.code)) {
          // A passing problem: send the same reply again shortly (SPEC D3 keeps it to one message), after the
          // server's own pause when it names one (a full disk, SPEC D15).
          setTimeout(() => {
            if (this.view.pending.some((p) => p.clientId === reply.clientId && !p.failed)) this.#transmit(reply);
          }, Math.min(frame.retryAfterMs ?? RETRY_AFTER_MS, 60_000));
          return;
        }
        this.update({ pending: this.view.pending.map((p) => (p.clientId === reply.clientId ? { ...p, failed: frame.code } : p)) });
        return;
      }
      default:
        return;
    }
  }

  /** A live summary: stored, and what changed in it told to the alert listeners. */
  #receive(summary: ConversationSummary): void {
    const before = this.#summaries.get(summary.id);
    if (!this.#upsert(summary)) return;
    const ctx = listContext(this.view.agent, this.view.presence);
    if (!ctx) return;
    for (const alert of alertsFor(before, summary, { ...ctx, currentId: this.view.currentId })) this.#emit(alert);
  }

  /** An event frame without a summary: a visitor message is still news if it is newer than what is held. */
  #alertFromEvent(event: ConversationEvent): void {
    const c = this.#summaries.get(event.conversationId);
    const held = c?.id === this.view.currentId ? this.#lastSeq : (c?.lastSeq ?? 0);
    if (!c || event.seq <= held) return;
    this.#emit({ kind: 'message', conversationId: c.id, visitorId: c.visitorId, visitorName: c.visitorName, text: event.text, current: c.id === this.view.currentId });
  }

  #emit(alert: Alert): void {
    for (const listener of this.#alertListeners) listener(alert);
  }

  #gone(conversationId: string): void {
    this.#summaries.delete(conversationId);
    this.#seen.delete(conversationId);
    this.#signals.left(conversationId);
    if (this.view.currentId === conversationId) {
      this.#lastSeq = 0;
      this.#target = null;
      this.update({ currentId: null, events: [], hasMore: false, gone: conversationId, found: null, finding: false, ...this.#derived(null), ...this.#marks(null) });
    } else {
      this.update(this.#derived());
    }
  }

  /** Keeps the newer of two summaries of a conversation (frames can race an HTTP answer); true if stored. */
  #upsert(summary: ConversationSummary): boolean {
    const known = this.#summaries.get(summary.id);
    if (known && (summary.lastSeq < known.lastSeq || (summary.lastSeq === known.lastSeq && summary.updatedAt < known.updatedAt))) return false;
    this.#summaries.set(summary.id, summary);
    return true;
  }

  #markSeen(conversationId: string, seq: number): void {
    if ((this.#seen.get(conversationId) ?? 0) < seq) this.#seen.set(conversationId, seq);
  }

  /** Stops following the conversation on screen: unwatch, and its typing (this agent's and the visitor's) ends. */
  #leave(conversationId: string): void {
    this.#signals.left(conversationId);
    this.#socket?.send({ type: 'unwatch', conversationId });
  }

  /** SPEC W2: what is on screen in a focused window is seen; the signals send it, thinned out. */
  #markRead(): void {
    const id = this.view.currentId;
    if (!this.#focused || !id || this.#lastSeq === 0) return;
    this.#signals.seen(id, this.#lastSeq, this.#summaries.get(id)?.agentSeenSeq ?? 0);
  }

  /** The typing indicator and the visitor's seen mark of the conversation on screen. */
  #marks(currentId: string | null = this.view.currentId): Pick<AgentView, 'visitorTyping' | 'visitorSeenSeq'> {
    const summarySeq = currentId ? (this.#summaries.get(currentId)?.visitorSeenSeq ?? 0) : 0;
    return { visitorTyping: this.#signals.visitorTyping(currentId), visitorSeenSeq: this.#signals.visitorSeen(currentId, summarySeq) };
  }

  #withoutConfirmed(events: readonly ConversationEvent[]): PendingReply[] {
    const confirmed = new Set(events.flatMap((e) => (e.clientId ? [e.clientId] : [])));
    return this.view.pending.filter((p) => !confirmed.has(p.clientId));
  }

  /** Everything computed from the summaries; `currentId` when the conversation on screen is changing. */
  #derived(currentId: string | null = this.view.currentId): InboxView {
    const { agent, presence } = this.view;
    return deriveInbox({ summaries: this.#summaries, agent, presence, seen: this.#seen, currentId, now: this.now() });
  }
}
