/**
 * @module The visitor's side of the conversation, without any UI: identity (token), the committed events
 * in sequence order, the outbox, and the socket. Components subscribe to `view` and call `send`.
 */
import type { ConversationEvent, ServerFrame } from '../../shared/protocol';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { createSocketClient, type SocketClient, type SocketClientOptions, type SocketStatus } from '../../shared/socket-client';
import { newClientId } from '../../shared/uuid';
import { storageKeys, type WidgetConfig, type WidgetHost } from '../contract';
import { mergeHistory } from '../../shared/history';
import { Observable } from '../../shared/observable';
import { Outbox, type OutboxItem } from './outbox';
import type { KeyValue } from './storage';

export interface VisitorView {
  connection: SocketStatus;
  conversationId: string | null;
  /** Committed events of the current conversation, ascending `seq`. */
  events: ConversationEvent[];
  /** Messages not confirmed yet (this tab's and other tabs'), oldest first. */
  outbox: OutboxItem[];
}

interface StoredSession {
  token: string;
  visitorId: string;
  conversationId: string | null;
}

/** Errors after which resending the same message cannot succeed (SPEC D7). */
const FINAL_ERRORS = new Set(['message_too_long', 'message_empty', 'invalid_frame', 'forbidden']);
/** Errors worth a later resend of the same message (D3 makes resending safe). */
const RETRY_AFTER_MS = 2000;

export class VisitorSession extends Observable<VisitorView> {
  readonly #outbox: Outbox;
  readonly #keys: ReturnType<typeof storageKeys>;
  #socket: SocketClient | null = null;
  #stored: StoredSession | null;
  #lastSeq = 0;
  #offStorage: (() => void) | null = null;

  constructor(
    private readonly config: WidgetConfig,
    private readonly storage: KeyValue,
    private readonly host: Pick<WidgetHost, 'emit'>,
    private readonly connect: (options: SocketClientOptions) => SocketClient = createSocketClient,
  ) {
    const keys = storageKeys(config.siteKey);
    const outbox = new Outbox(storage, keys.outbox);
    const stored = readSession(storage.get(keys.session));
    super({ connection: 'connecting', conversationId: stored?.conversationId ?? null, events: [], outbox: outbox.list() });
    this.#keys = keys;
    this.#outbox = outbox;
    this.#stored = stored;
  }

  start(): void {
    if (this.#socket) return;
    // Another tab added or confirmed a message: show the same outbox here.
    this.#offStorage = this.storage.onChange(this.#keys.outbox, () => this.update({ outbox: this.#outbox.list() }));
    const wsOrigin = this.config.server.replace(/^http/, 'ws');
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
      }),
      onFrame: (frame) => this.#onFrame(frame),
      onStatus: (connection) => this.update({ connection }),
    });
  }

  stop(): void {
    this.#socket?.stop();
    this.#socket = null;
    this.#offStorage?.();
  }

  /** SPEC D7: into the outbox first, then onto the socket if it is up. */
  send(text: string): void {
    const item: OutboxItem = { clientId: newClientId(), text, conversationId: this.view.conversationId, at: Date.now(), failed: null };
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

  #transmit(item: OutboxItem): void {
    this.#socket?.send({
      type: 'message.send',
      clientId: item.clientId,
      text: item.text,
      ...(item.conversationId ? { conversationId: item.conversationId } : {}),
    });
  }

  #onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome': {
        if (frame.session.role !== 'visitor') return;
        const { token, visitorId, conversation } = frame.session;
        if (conversation?.id !== this.view.conversationId) this.#switchTo(conversation?.id ?? null);
        this.#remember({ token, visitorId, conversationId: this.view.conversationId });
        // SPEC D7: after every welcome, resend what is not confirmed, in order.
        for (const item of this.#outbox.list()) if (!item.failed) this.#transmit(item);
        return;
      }
      case 'history': {
        if (frame.conversationId !== this.view.conversationId) return;
        const { events, lastSeq } = mergeHistory({ events: this.view.events, lastSeq: this.#lastSeq }, frame);
        this.#lastSeq = lastSeq;
        this.#confirm(events);
        this.update({ events });
        return;
      }
      case 'event': {
        const event = frame.event;
        if (event.conversationId !== this.view.conversationId) {
          // A conversation this tab did not hold: this visitor's new one (started here or in another tab).
          this.#switchTo(event.conversationId);
          if (event.seq !== 1) {
            this.#socket?.send({ type: 'watch', conversationId: event.conversationId, afterSeq: 0 });
            return;
          }
        }
        if (event.seq <= this.#lastSeq) return;
        this.#lastSeq = event.seq;
        this.#confirm([event]);
        this.update({ events: [...this.view.events, event] });
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
        if (!this.view.conversationId) this.#switchTo(frame.conversationId);
        if (this.#outbox.remove([frame.clientId])) this.update({ outbox: this.#outbox.list() });
        return;
      }
      case 'error': {
        if (frame.code === 'token_invalid' || frame.code === 'token_expired') {
          // The server closes with 4001 next; the reconnect says hello as a new visitor, whose first
          // conversation receives what is still unsent (it was addressed to the old visitor's).
          this.#stored = null;
          this.storage.remove(this.#keys.session);
          for (const item of this.#outbox.list()) this.#outbox.update(item.clientId, { conversationId: null });
          this.#switchTo(null);
          this.update({ outbox: this.#outbox.list() });
          return;
        }
        if (frame.clientId) this.#refused(frame.clientId, frame.code);
        return;
      }
      default:
        return;
    }
  }

  #refused(clientId: string, code: string): void {
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
    }, RETRY_AFTER_MS);
  }

  /** Messages whose events arrived are confirmed even if their ack went missing. */
  #confirm(events: readonly ConversationEvent[]): void {
    const ids = events.flatMap((e) => (e.clientId ? [e.clientId] : []));
    if (this.#outbox.remove(ids)) this.update({ outbox: this.#outbox.list() });
  }

  #switchTo(conversationId: string | null): void {
    this.#lastSeq = 0;
    this.update({ conversationId, events: [] });
    if (this.#stored) this.#remember({ ...this.#stored, conversationId });
  }

  #remember(session: StoredSession): void {
    this.#stored = session;
    this.storage.set(this.#keys.session, JSON.stringify(session));
  }

}

function readSession(raw: string | null): StoredSession | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof s.token !== 'string' || typeof s.visitorId !== 'string') return null;
    return { token: s.token, visitorId: s.visitorId, conversationId: typeof s.conversationId === 'string' ? s.conversationId : null };
  } catch {
    return null;
  }
}
