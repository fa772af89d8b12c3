/**
 * @module The visitor's side of the conversation, without any UI: one view (view.ts) that components
 * subscribe to and change through this class's methods, and the frames of one socket. This file wires the
 * parts, each in its own file: the socket's life (connection.ts), the current conversation's events,
 * status, typing and seen marks (conversation.ts), the messages on their way (messages.ts, outbox.ts), the
 * other requests (requests.ts, with resend.ts saying which errors are final and when to resend), what is
 * kept between pages (stored-session.ts) and which panel the window shows (panel.ts).
 */
import { parseVisitorServerFrame, PROTOCOL_VERSION, type ServerFrame } from '../../../shared/protocol';
import { CLOSE } from '../../../shared/errors';
import { createSocketClient, type SocketClient, type SocketClientOptions } from '../../../shared/socket-client';
import { storageKeys, type IdentityInput, type WidgetConfig, type WidgetHost } from '../../contract';
import { Observable } from '../../../shared/observable';
import type { KeyValue } from '../storage';
import { Connection } from './connection';
import { Conversation } from './conversation';
import { Messages } from './messages';
import { Outbox, type OutboxItem } from './outbox';
import { Requests } from './requests';
import { ticketed } from './panel';
import { readSession, readTicket, userOf, type StoredSession } from './stored-session';
import { initialView, isOver, sending, type SessionCore, type VisitorView } from './view';

export class VisitorSession extends Observable<VisitorView> {
  // #fields rather than TypeScript's `private` parameters: the minifier shortens # names, never property names.
  readonly #config: WidgetConfig;
  readonly #storage: KeyValue;
  readonly #keys: ReturnType<typeof storageKeys>;
  readonly #connection: Connection;
  readonly #messages: Messages;
  readonly #requests: Requests;
  readonly #conversation: Conversation;
  #stored: StoredSession | null;
  #identity: IdentityInput | null = null;

  constructor(
    config: WidgetConfig,
    storage: KeyValue,
    host: Pick<WidgetHost, 'emit'>,
    connect: (options: SocketClientOptions) => SocketClient = createSocketClient,
  ) {
    const keys = storageKeys(config.siteKey);
    const outbox = new Outbox(storage, keys.outbox);
    const stored = readSession(storage.get(keys.session));
    // A form sent on an earlier page and not answered: it goes again, with its clientId (SPEC T1, T7).
    const ticket = readTicket(storage.get(keys.ticket));
    super(initialView({ conversationId: stored?.conversationId ?? null, outbox: outbox.list(), ticket: ticket && { ...sending(ticket.clientId), number: null }, sound: storage.get(keys.sound) === '1' }));
    this.#config = config;
    this.#storage = storage;
    this.#keys = keys;
    this.#stored = stored;
    const view = () => this.view;
    const core: SessionCore = {
      get view() {
        return view(); // a new object after every change: read it each time
      },
      update: (patch) => this.update(patch),
      // Read at each send: the connection is made just below, and no part sends while constructed.
      send: (frame) => this.#connection.send(frame),
      storage,
      keys,
    };
    this.#messages = new Messages(core, outbox);
    this.#requests = new Requests(core);
    if (ticket) this.#requests.restore(ticket);
    this.#conversation = new Conversation(core, this.#messages, this.#requests, host, (conversationId) => {
      if (this.#stored) this.#remember({ ...this.#stored, conversationId });
    });
    const url = `${config.server.replace(/^http/, 'ws')}/ws?role=visitor&site=${encodeURIComponent(config.siteKey)}`;
    this.#connection = new Connection(
      connect,
      {
        url,
        hello: () => ({
          type: 'hello',
          v: PROTOCOL_VERSION,
          token: this.#stored?.token ?? null,
          resume: this.view.conversationId ? { conversationId: this.view.conversationId, afterSeq: this.#conversation.lastSeq } : null,
          // The agents' live-visitor list and visitor panel show where the visitor is (issue 3).
          ...(typeof location === 'undefined' ? {} : { page: { url: location.href.slice(0, 2048), title: document.title.slice(0, 300), referrer: document.referrer.slice(0, 2048) } }),
          ...(config.queue ? { queue: config.queue.slice(0, 100) } : {}),
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
      },
      // Another tab added or confirmed a message: show the same outbox here.
      () => storage.onChange(keys.outbox, () => this.#messages.show()),
    );
  }

  /** Connects (SPEC D5): the hello resumes the current conversation after the last event this tab holds. */
  start(): void {
    if (this.#connection.state === 'live') return;
    // A start of its own (the first, or after identify) is connecting, not a connection lost.
    if (this.view.connection !== 'connecting') this.update({ connection: 'connecting' });
    this.#connection.start();
  }

  /** Where and as whom to fetch and upload files (SPEC W3): the token goes in a header, never a URL. */
  fileAccess(): { server: string; token: string | null } {
    return { server: this.#config.server, token: this.#stored?.token ?? null };
  }

  stop(): void {
    this.#connection.stop();
  }

  /**
   * SPEC W6 (`Papo.identify`): who the host page says the visitor is. A session stored for anyone else (or
   * for an anonymous visitor) is dropped with its outbox and conversation, and the next hello carries the proof.
   */
  identify(identity: IdentityInput): void {
    this.#identity = identity;
    if (this.#stored?.userId === userOf(identity) && !this.view.refused) return;
    this.#forget(false);
    // Started (and not reset): the new visitor connects at once.
    if (this.#connection.state !== 'idle') {
      this.stop();
      this.start();
    }
  }

  /** `Papo.reset` (logout): forgets the visitor, its identity and this site's storage; `start()` connects anew. */
  reset(): void {
    this.#connection.reset();
    this.#identity = null;
    this.#forget(true);
  }

  #forget(everything: boolean): void {
    const { session, outbox, ticket, chime, sound } = this.#keys;
    for (const key of everything ? Object.values(this.#keys) : [session, outbox, ticket, chime]) this.#storage.remove(key);
    this.#stored = null;
    this.#conversation.forgetSeen();
    this.#messages.clear();
    this.#requests.clear();
    this.#conversation.switchTo(null, null);
    this.update({ outbox: [], ticket: null, list: null, past: null, identity: null, refused: null, blocked: false, sound: this.#storage.get(sound) === '1' });
  }

  /** SPEC W1: the visitor is writing (`on`: said at most every 3 s) or stopped (said once). */
  setTyping(on: boolean): void {
    this.#conversation.setTyping(on);
  }

  /**
   * SPEC W2: the visitor has seen the current conversation so far (the window is open, the tab visible).
   * Unread drops at once; the `seen` frame goes once a burst of messages has settled (SEEN_AFTER_MS).
   */
  markSeen(): void {
    this.#conversation.markSeen();
  }

  /** The opt-in new-message sound (SPEC W2), remembered for the site. */
  setSound(on: boolean): void {
    if (on) this.#storage.set(this.#keys.sound, '1');
    else this.#storage.remove(this.#keys.sound);
    this.update({ sound: on });
  }

  /** SPEC W7: asks for the visitor's conversations; the answer becomes `view.list`. */
  listConversations(): void {
    this.#requests.list();
  }

  /** SPEC W7: shows another of the visitor's conversations read-only (its whole history), or none: back. */
  show(id: string | null): void {
    this.#conversation.show(id);
  }

  /** SPEC D7: into the outbox first, then onto the socket if it is up. */
  send(text: string, extra?: Pick<OutboxItem, 'attachments' | 'prechat'>): void {
    this.setTyping(false);
    // After an end the next message starts a new conversation (SPEC R8): it names none. Issue 15: after a
    // ticket, it goes to the ticket (a closed ticket refuses it, and it starts a new conversation then).
    this.#messages.send(text, isOver(this.view) && !ticketed(this.view) ? null : this.view.conversationId, extra);
  }

  retry(clientId: string): void {
    this.#messages.retry(clientId);
  }

  discard(clientId: string): void {
    this.#messages.discard(clientId);
  }

  /**
   * SPEC T1: sends the leave-a-message form. Every submission is a new clientId, kept (also in storage)
   * for its resends until the `ticket` frame or an error answers it.
   */
  createTicket(fields: Record<string, string>): void {
    this.#requests.ticket(fields);
  }

  /** "End chat" (SPEC R8): the `ended_by_visitor` event, or a welcome saying so, settles it. */
  end(): void {
    const conversationId = this.view.conversationId;
    if (!conversationId || isOver(this.view) || this.view.ending) return;
    this.#requests.end(conversationId);
  }

  /** SPEC T5: rates the current conversation once it is over; a `conflict` means it was rated already. */
  rate(score: number, comment: string): void {
    const conversationId = this.view.conversationId;
    if (!conversationId || this.view.rating?.state === 'done') return;
    this.#requests.rate(conversationId, score, comment);
  }

  /** SPEC T6: e-mails the current conversation's transcript to `email`; issue 15 (`ticket`): the address its ticket answers. */
  emailTranscript(email: string, ticket?: boolean): void {
    const conversationId = this.view.conversationId;
    if (!conversationId) return;
    this.#requests.mail(conversationId, email, ticket);
  }

  /** Leaves an ended conversation: back to the composer, whose next message starts a new conversation. */
  newConversation(): void {
    this.#conversation.switchTo(null, null);
  }

  #onFrame(frame: ServerFrame): void {
    const conversation = this.#conversation;
    switch (frame.type) {
      case 'welcome':
        return this.#welcome(frame);
      case 'history':
        return conversation.onHistory(frame);
      case 'event':
        return conversation.onEvent(frame);
      case 'typing':
        return conversation.onTyping(frame);
      case 'seen':
        return conversation.onSeen(frame);
      case 'ack':
        // A first message, or the first after an end: its conversation becomes the current one.
        if (!this.view.conversationId || (isOver(this.view) && frame.conversationId !== this.view.conversationId)) conversation.switchTo(frame.conversationId, 'open');
        return this.#messages.acked(frame.clientId);
      case 'error':
        return this.#error(frame);
      case 'availability':
        return this.update({ site: { offlineFields: [], ...this.view.site, online: frame.online } });
      case 'ticket':
        this.#requests.settle(frame.clientId, { number: frame.number });
        return;
      case 'conversations':
        this.#requests.drop('list');
        return this.update({ list: frame.conversations });
      case 'done':
        this.#requests.settle(frame.clientId, {});
        return;
      case 'wait':
        return this.update({ wait: frame });
      default:
        return;
    }
  }

  #welcome(frame: Extract<ServerFrame, { type: 'welcome' }>): void {
    if (frame.session.role !== 'visitor') return;
    const { token, visitorId, site } = frame.session;
    let conversation = frame.session.conversation;
    // A conversation that is over is shown only if this tab asked for it: never one the visitor left.
    if (conversation && conversation.status !== 'open' && conversation.id !== this.view.conversationId) conversation = null;
    this.update({ site });
    if ((conversation?.id ?? null) !== this.view.conversationId) this.#conversation.switchTo(conversation?.id ?? null, conversation?.status ?? null);
    else if (conversation) this.update({ status: conversation.status });
    this.#conversation.learn([]);
    const identity = frame.session.identity ?? null;
    this.update({ identity, refused: null, agentSeen: conversation?.agentSeenSeq ?? 0, visitorSeen: conversation?.visitorSeenSeq ?? 0 });
    this.#remember({ token, visitorId, conversationId: this.view.conversationId, userId: identity?.userId ?? null });
    this.#conversation.watchPast();
    // SPEC D7: after every welcome, resend what is not confirmed, in order; then the open requests.
    this.#messages.resend();
    this.#requests.resend();
  }

  #error(frame: Extract<ServerFrame, { type: 'error' }>): void {
    if (frame.code.startsWith('identity_')) {
      // SPEC W6: no proof, or a wrong or expired one. Reconnecting cannot help until the site calls identify().
      this.#connection.refuse();
      this.update({ refused: frame.code });
      return;
    }
    if (frame.code === 'token_invalid' || frame.code === 'token_expired') {
      // The server closes with 4001 next; the reconnect says hello as a new visitor, whose first
      // conversation receives what is still unsent (it was addressed to the old visitor's).
      this.#stored = null;
      this.#storage.remove(this.#keys.session);
      this.#messages.readdress();
      this.#conversation.switchTo(null, null);
      this.#messages.show();
      return;
    }
    if (frame.clientId) {
      if (!this.#requests.settle(frame.clientId, frame)) this.#messages.refused(frame.clientId, frame.code, frame.retryAfterMs);
    } else if (this.view.ending) {
      // conversation.end names no clientId: an error while it waits is taken as its refusal, and
      // the visitor may ask again (a closed conversation's own event ends the wait anyway).
      this.#requests.drop('end');
      this.update({ ending: false });
    }
  }

  #remember(session: StoredSession): void {
    this.#stored = session;
    this.#storage.set(this.#keys.session, JSON.stringify(session));
  }
}
