/**
 * @module The visitor's side of the conversation, without any UI: identity (token), the committed events
 * in sequence order, the outbox, the site's availability, the leave-a-message form, the end of a chat and
 * its rating, and the socket. Components subscribe to `view` and call its methods.
 */
import type { Author, ClientFrame, ConversationEvent, ConversationStatus, ServerFrame, SiteStatus, VisitorConversation } from '../../../shared/protocol';
import { parseVisitorServerFrame, PROTOCOL_VERSION, TYPING_TTL_MS } from '../../../shared/protocol';
import { CLOSE } from '../../../shared/errors';
import { createSocketClient, type SocketClient, type SocketClientOptions, type SocketStatus } from '../../../shared/socket-client';
import { newClientId } from '../../../shared/uuid';
import { storageKeys, type IdentityInput, type WidgetConfig, type WidgetHost } from '../../contract';
import { mergeHistory } from '../../../shared/history';
import { Observable } from '../../../shared/observable';
import { Outbox, type OutboxItem } from './outbox';
import type { KeyValue } from '../storage';

export interface VisitorView {
  /** The socket's status, except that after a drop it stays `offline` through the reconnect attempts (SPEC R13). */
  connection: SocketStatus;
  conversationId: string | null;
  /** Committed events of the current conversation, ascending `seq`. */
  events: ConversationEvent[];
  /** Messages not confirmed yet (this tab's and other tabs'), oldest first. */
  outbox: OutboxItem[];
  /** Whether someone can answer, and the leave-a-message form's fields (SPEC T1); null before the welcome. */
  site: SiteStatus | null;
  /** The current conversation's status: from the welcome, then from its events; null when unknown. */
  status: ConversationStatus | null;
  /** `conversation.end` was asked for and its event has not come yet. */
  ending: boolean;
  /** The leave-a-message form's last submission; `number` comes with the `ticket` frame (SPEC T1). */
  ticket: (Request & { number: number | null }) | null;
  /** The rating of the current conversation (SPEC T5). */
  rating: (Request & { score: number }) | null;
  /** The transcript e-mail asked for the current conversation (SPEC T6). */
  mail: (Request & { email: string }) | null;
  /** The socket closed with 4004: the visitor was blocked, the chat is over and nothing reconnects. */
  blocked: boolean;
  /** An agent or bot writing in the current conversation (SPEC W1): until `on: false`, their message or TYPING_TTL_MS. */
  typing: Author | null;
  /** How far the agents, and the visitor in any tab, have seen the current conversation (SPEC W2). */
  agentSeen: number;
  visitorSeen: number;
  /** The newest agent or bot message that arrived live (not replayed): announced, maybe chimed. */
  latest: ConversationEvent | null;
  /** The visitor's conversations (SPEC W7) once `listConversations` is answered. */
  list: VisitorConversation[] | null;
  /** Another conversation of the visitor's, shown read-only with its events (SPEC W7); null: the current one. */
  past: { id: string; events: ConversationEvent[] } | null;
  /** Who the site says the visitor is (the welcome's identity, SPEC W6). */
  identity: { userId: string; name: string | null; email: string | null } | null;
  /** The server refused the visitor's identity (identity_required, _invalid, _expired): nothing connects until `identify`. */
  refused: string | null;
  /** The opt-in sound for new agent messages (SPEC W2). */
  sound: boolean;
}

/** A request answered by `ticket`, `done` or an `error` naming its clientId. */
export interface Request {
  clientId: string;
  state: 'sending' | 'done' | 'failed';
  /** The error's code and message when failed. */
  code: string | null;
  message: string | null;
}

interface StoredSession {
  token: string;
  visitorId: string;
  conversationId: string | null;
  /** The identified user this visitor is (SPEC W6); null: anonymous. */
  userId: string | null;
}

/** The user id an identity proof names: the JWT's `sub` (read, not checked: the server checks), or `userId`. */
export function userOf(identity: IdentityInput): string | null {
  try {
    if ('jwt' in identity) return (JSON.parse(atob(identity.jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }).sub ?? null;
    return identity.userId;
  } catch {
    return null;
  }
}

/** Errors after which resending the same message cannot succeed (SPEC D7). */
const FINAL_ERRORS = new Set(['message_too_long', 'message_empty', 'invalid_frame', 'forbidden', 'attachment_not_found', 'field_required', 'invalid_email', 'invalid_request']);
/** Errors worth a later resend of the same message (D3 makes resending safe). */
const RETRY_AFTER_MS = 2000;
/** Errors after which the same request is resent later: the server stored nothing and may next time. */
const PASSING_ERRORS = new Set(['internal', 'shutting_down', 'rate_limited', 'storage_unavailable']);

/**
 * How long to wait before resending what a passing error refused (SPEC D7): the server's `retryAfterMs`
 * for `rate_limited` and `storage_unavailable` (at most a minute), else RETRY_AFTER_MS.
 */
export const resendDelay = (code: string, retryAfterMs?: number): number =>
  (code === 'rate_limited' || code === 'storage_unavailable') && retryAfterMs !== undefined ? Math.min(Math.max(retryAfterMs, 0), MAX_RESEND_WAIT_MS) : RETRY_AFTER_MS;
/**
 * The longest wait after which a form, a rating or a transcript request is resent by itself. A limit that
 * says "in an hour" (SPEC L3, L4) fails the request instead: the visitor sees it was not sent and may ask
 * again, rather than a "Sending..." that resends every minute for an hour.
 */
const MAX_RESEND_WAIT_MS = 60_000;
/** News of a conversation ending: never a reason to switch to it (the visitor may have left it already). */
const ENDING_KINDS = new Set(['ended_by_visitor', 'closed', 'rated', 'ticket_created']);
/** The current conversation ended (the host page's `conversation-ended`). */
const ENDED_KINDS = new Set(['ended_by_visitor', 'closed', 'ticket_created']);
/** A `typing: on` goes at most this often while the visitor writes (SPEC W1). */
const TYPING_EVERY_MS = 3000;
/** `seen` waits this long for the next message, so a burst of them is one frame (SPEC W2). */
export const SEEN_AFTER_MS = 500;

const sending = (clientId: string): Request => ({ clientId, state: 'sending', code: null, message: null });

export class VisitorSession extends Observable<VisitorView> {
  readonly #outbox: Outbox;
  readonly #keys: ReturnType<typeof storageKeys>;
  #socket: SocketClient | null = null;
  #stored: StoredSession | null;
  #lastSeq = 0;
  #offStorage: (() => void) | null = null;
  /** Requests not answered yet, by clientId (`end` for conversation.end): resent after every welcome. */
  readonly #pending = new Map<string, ClientFrame>();
  #identity: IdentityInput | null = null;
  /** When this tab last said the visitor is typing; 0: it said it stopped. */
  #typingAt = 0;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #seenTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last conversation `conversation-ended` was emitted for. */
  #ended: string | null = null;
  /** start() was called and no reset() since: identify() reconnects. */
  #started = false;

  constructor(
    private readonly config: WidgetConfig,
    private readonly storage: KeyValue,
    private readonly host: Pick<WidgetHost, 'emit'>,
    private readonly connect: (options: SocketClientOptions) => SocketClient = createSocketClient,
  ) {
    const keys = storageKeys(config.siteKey);
    const outbox = new Outbox(storage, keys.outbox);
    const stored = readSession(storage.get(keys.session));
    // A form sent on an earlier page and not answered: it goes again, with its clientId (SPEC T1, T7).
    const ticket = readTicket(storage.get(keys.ticket));
    super({
      connection: 'connecting',
      conversationId: stored?.conversationId ?? null,
      events: [],
      outbox: outbox.list(),
      site: null,
      status: null,
      ending: false,
      ticket: ticket && { ...sending(ticket.clientId), number: null },
      rating: null,
      mail: null,
      blocked: false,
      typing: null,
      agentSeen: 0,
      visitorSeen: 0,
      latest: null,
      list: null,
      past: null,
      identity: null,
      refused: null,
      sound: storage.get(keys.sound) === '1',
    });
    this.#keys = keys;
    this.#outbox = outbox;
    this.#stored = stored;
    if (ticket) this.#pending.set(ticket.clientId, ticket);
  }

  start(): void {
    if (this.#socket) return;
    this.#started = true;
    // Another tab added or confirmed a message: show the same outbox here.
    this.#offStorage = this.storage.onChange(this.#keys.outbox, () => this.update({ outbox: this.#outbox.list() }));
    const wsOrigin = this.config.server.replace(/^http/, 'ws');
    // A start of its own (the first, or after identify) is connecting, not a connection lost.
    if (this.view.connection !== 'connecting') this.update({ connection: 'connecting' });
    this.#socket = this.connect({
      url: `${wsOrigin}/ws?role=visitor&site=${encodeURIComponent(this.config.siteKey)}`,
      hello: () => ({
        type: 'hello',
        v: PROTOCOL_VERSION,
        token: this.#stored?.token ?? null,
        resume: this.view.conversationId ? { conversationId: this.view.conversationId, afterSeq: this.#lastSeq } : null,
        // The agents' live-visitor list and visitor panel show where the visitor is (issue 3).
        ...(typeof location === 'undefined' ? {} : { page: { url: location.href.slice(0, 2048), title: document.title.slice(0, 300), referrer: document.referrer.slice(0, 2048) } }),
        ...(this.config.queue ? { queue: this.config.queue.slice(0, 100) } : {}),
        // SPEC W6: the proof goes until a welcome named this user; then the token suffices (JWTs expire).
        ...(this.#identity && this.#stored?.userId !== userOf(this.#identity) ? { identity: this.#identity } : {}),
      }),
      parse: parseVisitorServerFrame, // the visitor's frames only: no agent schemas in the widget's bundle
      onFrame: (frame) => this.#onFrame(frame),
      // SPEC R13: after a drop, each reconnect attempt is still "no connection" until a welcome: the banner
      // stays up (and is announced once) instead of flickering with every attempt.
      onStatus: (connection) => this.update({ connection: connection === 'connecting' && this.view.connection === 'offline' ? 'offline' : connection }),
      // Blocked (issue 6): the socket client stops reconnecting (a final close); the window says the chat ended.
      onClose: (code) => code === CLOSE.blocked && this.update({ blocked: true }),
    });
  }

  /** Where and as whom to fetch and upload files (SPEC W3): the token goes in a header, never a URL. */
  fileAccess(): { server: string; token: string | null } {
    return { server: this.config.server, token: this.#stored?.token ?? null };
  }

  stop(): void {
    this.#socket?.stop();
    this.#socket = null;
    this.#offStorage?.();
  }

  /**
   * SPEC W6 (`Papo.identify`): who the host page says the visitor is. A session stored for anyone else (or
   * for an anonymous visitor) is dropped with its outbox and conversation, and the next hello carries the proof.
   */
  identify(identity: IdentityInput): void {
    this.#identity = identity;
    if (this.#stored?.userId === userOf(identity) && !this.view.refused) return;
    this.#forget(false);
    if (this.#started) {
      this.stop();
      this.start();
    }
  }

  /** `Papo.reset` (logout): forgets the visitor, its identity and this site's storage; `start()` connects anew. */
  reset(): void {
    this.stop();
    this.#started = false;
    this.#identity = null;
    this.#forget(true);
  }

  #forget(everything: boolean): void {
    const { session, outbox, ticket, chime, sound } = this.#keys;
    for (const key of everything ? Object.values(this.#keys) : [session, outbox, ticket, chime]) this.storage.remove(key);
    this.#stored = null;
    // A seen waiting for its burst names the previous visitor's conversation: never said on the next socket.
    clearTimeout(this.#seenTimer);
    this.#outbox.clear();
    this.#pending.clear();
    this.#switchTo(null, null);
    this.update({ outbox: [], ticket: null, list: null, past: null, identity: null, refused: null, blocked: false, sound: this.storage.get(sound) === '1' });
  }

  /** SPEC W1: the visitor is writing (`on`: said at most every 3 s) or stopped (said once). */
  setTyping(on: boolean): void {
    const conversationId = this.view.conversationId;
    if (!conversationId || this.#isOver() || (on ? Date.now() - this.#typingAt < TYPING_EVERY_MS : !this.#typingAt)) return;
    this.#typingAt = on ? Date.now() : 0;
    this.#socket?.send({ type: 'typing', conversationId, on });
  }

  /**
   * SPEC W2: the visitor has seen the current conversation so far (the window is open, the tab visible).
   * Unread drops at once; the `seen` frame goes once a burst of messages has settled (SEEN_AFTER_MS).
   */
  markSeen(): void {
    const conversationId = this.view.conversationId;
    const seq = this.#lastSeq;
    if (!conversationId || seq <= this.view.visitorSeen) return;
    this.update({ visitorSeen: seq });
    clearTimeout(this.#seenTimer);
    this.#seenTimer = setTimeout(() => this.#socket?.send({ type: 'seen', conversationId, seq }), SEEN_AFTER_MS);
  }

  /** The opt-in new-message sound (SPEC W2), remembered for the site. */
  setSound(on: boolean): void {
    if (on) this.storage.set(this.#keys.sound, '1');
    else this.storage.remove(this.#keys.sound);
    this.update({ sound: on });
  }

  /** SPEC W7: asks for the visitor's conversations; the answer becomes `view.list`. */
  listConversations(): void {
    const clientId = newClientId();
    this.#request('list', { type: 'conversations.list', clientId });
  }

  /** SPEC W7: shows another of the visitor's conversations read-only (its whole history), or none: back. */
  show(id: string | null): void {
    const past = this.view.past;
    if (past) this.#socket?.send({ type: 'unwatch', conversationId: past.id });
    this.update({ past: id && id !== this.view.conversationId ? { id, events: [] } : null });
    this.#watchPast();
  }

  #watchPast(): void {
    const past = this.view.past;
    if (past) this.#socket?.send({ type: 'watch', conversationId: past.id, afterSeq: 0 });
  }

  /** SPEC D7: into the outbox first, then onto the socket if it is up. */
  send(text: string, extra?: Pick<OutboxItem, 'attachments' | 'prechat'>): void {
    this.setTyping(false);
    // After an end the next message starts a new conversation (SPEC R8): it names none.
    const conversationId = this.#isOver() ? null : this.view.conversationId;
    const item: OutboxItem = { clientId: newClientId(), text, conversationId, at: Date.now(), failed: null, ...extra };
    this.#outbox.add(item);
    this.update({ outbox: this.#outbox.list() });
    this.#transmit(item);
  }

  retry(clientId: string): void {
    const item = this.#outbox.update(clientId, { failed: null });
    this.update({ outbox: this.#outbox.list() });
    if (item) this.#transmit(item);
  }

  discard(clientId: string): void {
    this.#outbox.remove([clientId]);
    this.update({ outbox: this.#outbox.list() });
  }

  /**
   * SPEC T1: sends the leave-a-message form. Every submission is a new clientId, kept (also in storage)
   * for its resends until the `ticket` frame or an error answers it.
   */
  createTicket(fields: Record<string, string>): void {
    const frame: ClientFrame = { type: 'ticket.create', clientId: newClientId(), fields };
    this.storage.set(this.#keys.ticket, JSON.stringify(frame));
    this.update({ ticket: { ...sending(frame.clientId), number: null } });
    this.#request(frame.clientId, frame);
  }

  /** "End chat" (SPEC R8): the `ended_by_visitor` event, or a welcome saying so, settles it. */
  end(): void {
    const conversationId = this.view.conversationId;
    if (!conversationId || this.#isOver() || this.view.ending) return;
    this.update({ ending: true });
    this.#request('end', { type: 'conversation.end', conversationId });
  }

  /** SPEC T5: rates the current conversation once it is over; a `conflict` means it was rated already. */
  rate(score: number, comment: string): void {
    const conversationId = this.view.conversationId;
    if (!conversationId || this.view.rating?.state === 'done') return;
    const clientId = newClientId();
    const text = comment.trim();
    this.update({ rating: { ...sending(clientId), score } });
    this.#request(clientId, { type: 'conversation.rate', clientId, conversationId, score, ...(text ? { comment: text.slice(0, 1000) } : {}) });
  }

  /** SPEC T6: e-mails the current conversation's transcript to `email`. */
  emailTranscript(email: string): void {
    const conversationId = this.view.conversationId;
    if (!conversationId) return;
    const clientId = newClientId();
    this.update({ mail: { ...sending(clientId), email } });
    this.#request(clientId, { type: 'transcript.email', clientId, conversationId, email });
  }

  /** Leaves an ended conversation: back to the composer, whose next message starts a new conversation. */
  newConversation(): void {
    this.#switchTo(null, null);
  }

  #isOver(): boolean {
    return this.view.status === 'ended' || this.view.status === 'closed';
  }

  #request(key: string, frame: ClientFrame): void {
    this.#pending.set(key, frame);
    this.#socket?.send(frame);
  }

  /** An answer (or a final error) for the request `clientId`; false when it is not one of ours. */
  #settle(clientId: string, answer: { number?: number; code?: string; message?: string; retryAfterMs?: number }): boolean {
    const { ticket, rating, mail } = this.view;
    const is = (r: Request | null) => r !== null && r.clientId === clientId;
    let code = answer.code ?? null;
    if (code && PASSING_ERRORS.has(code) && this.#pending.has(clientId) && !((answer.retryAfterMs ?? 0) > MAX_RESEND_WAIT_MS)) {
      setTimeout(() => {
        const frame = this.#pending.get(clientId);
        if (frame) this.#socket?.send(frame);
      }, resendDelay(code, answer.retryAfterMs));
      return true;
    }
    // A rating refused as a conflict: rated already (another tab, an earlier page), as good as done.
    if (code === 'conflict' && is(rating)) code = null;
    const state: Request = { clientId, state: code ? 'failed' : 'done', code, message: code ? (answer.message ?? null) : null };
    if (is(ticket)) {
      this.storage.remove(this.#keys.ticket);
      this.update({ ticket: { ...state, number: answer.number ?? null } });
    } else if (is(rating)) {
      this.update({ rating: { ...state, score: rating!.score } });
    } else if (is(mail)) {
      this.update({ mail: { ...state, email: mail!.email } });
    } else {
      return false;
    }
    this.#pending.delete(clientId);
    return true;
  }

  /** Status and rating as the conversation's events tell them. */
  #learn(events: readonly ConversationEvent[]): void {
    let { status, ending, rating } = this.view;
    for (const e of events) {
      if (e.kind === 'ended_by_visitor' && status !== 'closed') status = 'ended';
      else if (e.kind === 'closed') status = 'closed';
      else if (e.kind === 'rated') {
        const score = typeof e.data?.score === 'number' ? e.data.score : (rating?.score ?? 0);
        rating = { clientId: rating?.clientId ?? '', state: 'done', code: null, message: null, score };
        if (rating.clientId) this.#pending.delete(rating.clientId);
      }
    }
    if (status === 'ended' || status === 'closed') {
      ending = false;
      this.#pending.delete('end');
    }
    if (status !== this.view.status || ending !== this.view.ending || rating !== this.view.rating) this.update({ status, ending, rating });
  }

  #transmit(item: OutboxItem): void {
    this.#socket?.send({
      type: 'message.send',
      clientId: item.clientId,
      text: item.text,
      ...(item.conversationId ? { conversationId: item.conversationId } : {}),
      attachments: item.attachments?.map((a) => a.id),
      prechat: item.prechat,
    });
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome': {
        if (frame.session.role !== 'visitor') return;
        const { token, visitorId, site } = frame.session;
        let conversation = frame.session.conversation;
        // A conversation that is over is shown only if this tab asked for it: never one the visitor left.
        if (conversation && conversation.status !== 'open' && conversation.id !== this.view.conversationId) conversation = null;
        this.update({ site });
        if ((conversation?.id ?? null) !== this.view.conversationId) this.#switchTo(conversation?.id ?? null, conversation?.status ?? null);
        else if (conversation) this.update({ status: conversation.status });
        this.#learn([]);
        const identity = frame.session.identity ?? null;
        this.update({ identity, refused: null, agentSeen: conversation?.agentSeenSeq ?? 0, visitorSeen: conversation?.visitorSeenSeq ?? 0 });
        this.#remember({ token, visitorId, conversationId: this.view.conversationId, userId: identity?.userId ?? null });
        this.#watchPast();
        // SPEC D7: after every welcome, resend what is not confirmed, in order; then the open requests.
        for (const item of this.#outbox.list()) if (!item.failed) this.#transmit(item);
        for (const request of this.#pending.values()) this.#socket?.send(request);
        return;
      }
      case 'history': {
        const past = this.view.past;
        if (frame.conversationId === past?.id) {
          this.update({ past: { id: past.id, events: mergeHistory({ events: past.events, lastSeq: past.events.at(-1)?.seq ?? 0 }, frame).events } });
          return;
        }
        if (frame.conversationId !== this.view.conversationId) return;
        const { events, lastSeq } = mergeHistory({ events: this.view.events, lastSeq: this.#lastSeq }, frame);
        this.#lastSeq = lastSeq;
        this.#confirm(events);
        this.update({ events });
        this.#learn(frame.events);
        return;
      }
      case 'event': {
        const event = frame.event;
        const past = this.view.past;
        if (event.conversationId === past?.id) {
          if (event.seq > (past.events.at(-1)?.seq ?? 0)) this.update({ past: { id: past.id, events: [...past.events, event] } });
          return;
        }
        if (event.conversationId !== this.view.conversationId) {
          // A conversation this tab did not hold: this visitor's new one (started here or in another tab),
          // unless the news is its end (say the agent wrapping up one the visitor has left).
          if (ENDING_KINDS.has(event.kind)) return;
          this.#switchTo(event.conversationId, 'open');
          if (event.seq !== 1) {
            this.#socket?.send({ type: 'watch', conversationId: event.conversationId, afterSeq: 0 });
            return;
          }
        }
        if (event.seq <= this.#lastSeq) return;
        this.#lastSeq = event.seq;
        this.#confirm([event]);
        this.update({ events: [...this.view.events, event] });
        this.#learn([event]);
        if (ENDED_KINDS.has(event.kind) && this.#ended !== event.conversationId) {
          this.#ended = event.conversationId;
          this.host.emit('conversation-ended', { conversationId: event.conversationId });
        }
        if (event.kind === 'message' && event.author.kind !== 'visitor' && event.author.kind !== 'system') {
          this.update({ latest: event, typing: this.view.typing?.id === event.author.id ? null : this.view.typing });
        }
        if (event.kind === 'message' && event.text !== null && event.author.kind !== 'system') {
          this.host.emit('message', {
            conversationId: event.conversationId,
            text: event.text,
            from: event.author.kind,
            agentName: event.author.kind === 'agent' ? event.author.name : null,
            at: event.at,
          });
        }
        return;
      }
      case 'ack': {
        // A first message, or the first after an end: its conversation becomes the current one.
        if (!this.view.conversationId || (this.#isOver() && frame.conversationId !== this.view.conversationId)) this.#switchTo(frame.conversationId, 'open');
        if (this.#outbox.remove([frame.clientId])) this.update({ outbox: this.#outbox.list() });
        return;
      }
      case 'error': {
        if (frame.code.startsWith('identity_')) {
          // SPEC W6: no proof, or a wrong or expired one. Reconnecting cannot help until the site calls identify().
          this.#socket?.stop();
          this.#socket = null;
          this.update({ refused: frame.code });
          return;
        }
        if (frame.code === 'token_invalid' || frame.code === 'token_expired') {
          // The server closes with 4001 next; the reconnect says hello as a new visitor, whose first
          // conversation receives what is still unsent (it was addressed to the old visitor's).
          this.#stored = null;
          this.storage.remove(this.#keys.session);
          for (const item of this.#outbox.list()) this.#outbox.update(item.clientId, { conversationId: null });
          this.#switchTo(null, null);
          this.update({ outbox: this.#outbox.list() });
          return;
        }
        if (frame.clientId) {
          if (!this.#settle(frame.clientId, frame)) this.#refused(frame.clientId, frame.code, frame.retryAfterMs);
        } else if (this.view.ending) {
          // conversation.end names no clientId: an error while it waits is taken as its refusal, and
          // the visitor may ask again (a closed conversation's own event ends the wait anyway).
          this.#pending.delete('end');
          this.update({ ending: false });
        }
        return;
      }
      case 'availability':
        this.update({ site: { offlineFields: [], ...this.view.site, online: frame.online } });
        return;
      case 'ticket':
        this.#settle(frame.clientId, { number: frame.number });
        return;
      case 'typing': {
        if (frame.conversationId !== this.view.conversationId || frame.author.kind === 'visitor') return;
        clearTimeout(this.#typingTimer);
        if (frame.on) this.#typingTimer = setTimeout(() => this.update({ typing: null }), TYPING_TTL_MS);
        this.update({ typing: frame.on ? frame.author : null });
        return;
      }
      case 'seen':
        if (frame.conversationId !== this.view.conversationId) return;
        if (frame.by === 'agent') this.update({ agentSeen: Math.max(this.view.agentSeen, frame.seq) });
        else this.update({ visitorSeen: Math.max(this.view.visitorSeen, frame.seq) });
        return;
      case 'conversations':
        this.#pending.delete('list');
        this.update({ list: frame.conversations });
        return;
      case 'done':
        this.#settle(frame.clientId, {});
        return;
      default:
        return;
    }
  }

  #refused(clientId: string, code: string, retryAfterMs?: number): void {
    if (code === 'conversation_closed' || code === 'conversation_not_found') {
      // That conversation ended, or this server does not have it (another or a restored database): the
      // message goes to the visitor's open conversation, or starts one. It can never be hidden under a
      // conversation the widget no longer shows.
      const item = this.#outbox.update(clientId, { conversationId: null });
      this.update({ outbox: this.#outbox.list() });
      if (item) this.#transmit(item);
      return;
    }
    if (FINAL_ERRORS.has(code)) {
      this.#outbox.update(clientId, { failed: code });
      this.update({ outbox: this.#outbox.list() });
      return;
    }
    setTimeout(() => {
      const item = this.#outbox.list().find((i) => i.clientId === clientId);
      if (item && !item.failed) this.#transmit(item);
    }, resendDelay(code, retryAfterMs));
  }

  /** Messages whose events arrived are confirmed even if their ack went missing. */
  #confirm(events: readonly ConversationEvent[]): void {
    const ids = events.flatMap((e) => (e.clientId ? [e.clientId] : []));
    if (this.#outbox.remove(ids)) this.update({ outbox: this.#outbox.list() });
  }

  /** Another conversation (or none): what belonged to the old one goes, its open requests too. */
  #switchTo(conversationId: string | null, status: ConversationStatus | null): void {
    this.#lastSeq = 0;
    for (const [key, frame] of this.#pending) if (frame.type !== 'ticket.create') this.#pending.delete(key);
    clearTimeout(this.#typingTimer);
    this.#typingAt = 0;
    this.update({ conversationId, events: [], status, ending: false, rating: null, mail: null, typing: null, agentSeen: 0, visitorSeen: 0, latest: null });
    if (this.#stored) this.#remember({ ...this.#stored, conversationId });
  }

  #remember(session: StoredSession): void {
    this.#stored = session;
    this.storage.set(this.#keys.session, JSON.stringify(session));
  }

}

function readTicket(raw: string | null): Extract<ClientFrame, { type: 'ticket.create' }> | null {
  try {
    const f = JSON.parse(raw ?? 'null') as { clientId?: unknown; fields?: unknown } | null;
    return f && typeof f.clientId === 'string' && typeof f.fields === 'object' && f.fields !== null
      ? { type: 'ticket.create', clientId: f.clientId, fields: f.fields as Record<string, string> }
      : null;
  } catch {
    return null;
  }
}

function readSession(raw: string | null): StoredSession | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof s.token !== 'string' || typeof s.visitorId !== 'string') return null;
    return {
      token: s.token,
      visitorId: s.visitorId,
      conversationId: typeof s.conversationId === 'string' ? s.conversationId : null,
      userId: typeof s.userId === 'string' ? s.userId : null,
    };
  } catch {
    return null;
  }
}

/**
 * What the window shows below the messages: once the visitor is blocked (close 4004), only that the chat
 * has ended; the end panel once the conversation is over (not when it became a ticket, SPEC T2: then the
 * next message simply starts a new one), the leave-a-message form when nobody can answer and the visitor
 * has no open conversation (SPEC T1), else the composer. A message still on its way keeps the composer, so
 * nothing the visitor wrote is hidden.
 */
export function panelOf(
  view: Pick<VisitorView, 'conversationId' | 'status' | 'events' | 'outbox' | 'site' | 'blocked'> & Partial<Pick<VisitorView, 'refused'>>,
): 'composer' | 'form' | 'end' | 'blocked' | 'login' {
  if (view.blocked) return 'blocked';
  // SPEC W6: a strict site, or a proof refused: only the site's sign-in can start a chat.
  if (view.refused) return 'login';
  const over = view.status === 'ended' || view.status === 'closed';
  if (view.conversationId && over && !view.events.some((e) => e.kind === 'ticket_created')) return 'end';
  const open = view.conversationId !== null && !over;
  if (!open && view.site?.online === false && !view.outbox.some((o) => !o.failed)) return 'form';
  return 'composer';
}
