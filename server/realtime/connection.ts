/**
 * @module One WebSocket client's transport: it receives and parses frames, refuses what is not taken now,
 * runs control frames (hello, watch) one at a time, sends (corked, with the slow-reader check) and closes.
 * What a frame means is its role's: a visitor or an agent handler, chosen at the upgrade (gateway.ts), turns
 * frames into service calls and bus events into frames (visitor-handler.ts, agent-handler.ts, delivery.ts).
 * The socket's life is a SocketState (socket-state.ts). Messages are queued for commit in the order they
 * arrived without waiting for each other's commit, so one socket's messages share a group commit (SPEC D2).
 */
import type WebSocket from 'ws';
import type { Duplex } from 'node:stream';
import { CLOSE, ERRORS, type ErrorCode } from '../../shared/errors';
import { parseClientFrame, PROTOCOL_VERSION, type ClientFrame, type ConversationSummary, type HelloFrame, type ServerFrame } from '../../shared/protocol';
import type { BusMessage } from '../bus/bus';
import { AppError, isAppError } from '../errors';
import type { LiveSession } from './live-session';
import { reconcilerFor, type Reconciled } from './reconcile';
import type { ClientSocket, Peer, RoleHandler } from './role-handler';
import { AWAITING_HELLO, closeChosen, helloEnded, helloStarted, liveOf, socketClosed, unreachable, welcomed, type SocketState } from './socket-state';

const SETTLED: Promise<void> = Promise.resolve();

/** The Connection of a socket, set on the socket itself for the shared listeners. */
const CONNECTION = Symbol('connection');
type Tagged = WebSocket & { [CONNECTION]?: Connection };

export class Connection<P extends Peer = Peer, L extends LiveSession = LiveSession> implements ClientSocket<P, L>, Reconciled {
  /** Set by every pong; the heartbeat terminates a socket that stays false for a whole interval. */
  alive = true;
  /**
   * The registry's mark (registry.ts closeAnonymousVisitors): chosen to close by strict identity (SPEC W6), its
   * frames are refused while it is (or is then welcomed) anonymous. Not a socket state: a mass close reaches it
   * a slice later, in any state, and one welcomed identified meanwhile is not closed at all.
   */
  closingAnonymous = false;
  #state: SocketState<L> = AWAITING_HELLO;
  /** What the close undoes (subscriptions, listeners); see {@link hold}. */
  readonly #held: Array<() => void> = [];
  /** Back to the shared settled promise whenever the queue empties, so an idle socket holds no chain. */
  #queue: Promise<void> = SETTLED;
  /** Control frames still in #queue; while any is, messages wait behind them to keep arrival order. */
  #queued = 0;
  /** Armed while awaiting-hello: cleared when a hello starts, when the close is chosen, and at the close. */
  #helloTimer: NodeJS.Timeout | undefined;
  readonly #onClose: (connection: Connection) => void;

  constructor(
    readonly ws: WebSocket,
    /** The TCP socket under `ws`: corked while a turn of the event loop sends, so its frames share a write. */
    private readonly socket: Duplex,
    readonly peer: P,
    private readonly handler: RoleHandler<P, L>,
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
    this.#helloTimer = setTimeout(() => this.close(CLOSE.hello_timeout, 'hello_timeout'), handler.deps.helloTimeoutMs);
  }

  static #onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    (this as Tagged)[CONNECTION]!.#receive(data as Buffer, isBinary);
  }

  static #onPong(this: WebSocket): void {
    (this as Tagged)[CONNECTION]!.alive = true;
  }

  static #onError(this: WebSocket, err: Error): void {
    (this as Tagged)[CONNECTION]!.handler.deps.log.debug('socket error', { err: err.message });
  }

  static #onSocketClose(this: WebSocket): void {
    (this as Tagged)[CONNECTION]!.#socketClosed();
  }

  #socketClosed(): void {
    const before = this.#state;
    const live = liveOf(before);
    this.#state = socketClosed(before);
    clearTimeout(this.#helloTimer);
    if (live) this.handler.disconnected(this, live, before.kind === 'closing' && before.sessionEnded);
    for (const off of this.#held) off();
    this.#held.length = 0;
    if (live) reconcilerFor(this.handler.deps).delete(this);
    live?.watches?.clear();
    this.#onClose(this);
  }

  /** The visitor behind this socket, once its hello is answered. */
  get visitorId(): string | null {
    const live = liveOf(this.#state);
    return live !== null && live.actor.kind === 'visitor' ? live.actor.visitorId : null;
  }

  /** Visitors: the hello named an identified user (a proof, or an identified visitor's token; SPEC W6). */
  get identified(): boolean {
    const live = liveOf(this.#state);
    return live !== null && this.handler.identified(live);
  }

  /** The socket has closed; a hello still being answered must not subscribe or count it present (SPEC D8). */
  get closed(): boolean {
    return this.#state.kind === 'closed';
  }

  /** The heartbeat's ping (SPEC D13); `alive` turns true again at the pong. */
  ping(): void {
    this.ws.ping();
  }

  /** Drops the socket without a close handshake (a peer that stopped answering). */
  terminate(): void {
    this.#closeChosen();
    this.ws.terminate();
  }

  /** Says why in an error frame, then closes with `code` (blocked, session ended). */
  end(reason: ErrorCode, code: number): void {
    this.sendError(reason, ERRORS[reason].message);
    this.#close(code, reason, code === CLOSE.session_ended);
  }

  close(code: number, reason: string): void {
    this.#close(code, reason, false);
  }

  #close(code: number, reason: string, sessionEnded: boolean): void {
    this.#closeChosen(sessionEnded);
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }

  /**
   * The socket is closing from now on (see socket-state.ts): called as the WebSocket leaves OPEN, so nothing
   * the closing state drops could have been sent. The hello timer has nothing left to close.
   */
  #closeChosen(sessionEnded = false): void {
    this.#state = closeChosen(this.#state, sessionEnded);
    clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
  }

  /** The welcome was made: from now on the socket is this session's (see socket-state.ts). */
  welcomed(live: L): void {
    this.#state = welcomed(this.#state, live);
    // Issue 14: what it watches is checked against the store when the bus may have lost messages (until
    // the socket's close, #socketClosed).
    reconcilerFor(this.handler.deps).add(this);
  }

  /** The conversations this socket watches (reconcile.ts); none until its catch-up is done and it is live. */
  watching(): Iterable<string> {
    const state = this.#state;
    return state.kind === 'live' && state.watches ? state.watches.keys() : [];
  }

  /** Only a live socket: one still resuming reads the store itself, one closing can send nothing. */
  reconcile(current: ReadonlyMap<string, ConversationSummary | null>, resync: boolean): Promise<void> | void {
    const state = this.#state;
    if (state.kind === 'live') return this.handler.reconcile(this, state, current, resync);
  }

  /**
   * Keeps what the close undoes (a subscription, a listener). A hello awaits the store between them, and the
   * socket may close meanwhile (a reconnect storm, a client giving up on its welcome): what comes after the
   * close is undone at once, or it would keep this connection, and everything it holds, for ever (SPEC D8).
   */
  hold(off: () => void): void {
    if (this.#state.kind === 'closed') off();
    else this.#held.push(off);
  }

  /** Subscribes this socket to a bus topic until it closes; once per topic (issue 15: a new site's topic may be
   * added by the registry while the welcome subscribes to the sites it knows). */
  subscribe(topic: string): void {
    if (this.#topics.has(topic)) return;
    this.#topics.add(topic);
    this.hold(this.handler.deps.bus.subscribe(topic, this.#onBus));
  }
  readonly #topics = new Set<string>();

  readonly #onBus = (message: BusMessage): void => {
    const state = this.#state;
    switch (state.kind) {
      case 'welcoming':
      case 'resuming':
        state.pending.push(message);
        return;
      case 'live':
        return this.handler.route(this, state, message);
      case 'awaiting-hello': // subscribed only by a hello that neither welcomed nor closed (impossible, helloEnded)
      case 'closing': // nothing can be sent any more
      case 'closed': // unsubscribed at the close
        return;
      default:
        return unreachable(state);
    }
  };

  /**
   * SPEC D9: nothing a client sends may stop the server. This runs in the socket's event handler, where a
   * synchronous throw would end the process for everyone; one is logged and answered `internal` instead.
   */
  #receive(data: Buffer, isBinary: boolean): void {
    try {
      this.#receiveFrame(data, isBinary);
    } catch (err) {
      this.handler.deps.log.error('frame handling threw', { err });
      this.sendError('internal', ERRORS.internal.message);
    }
  }

  #receiveFrame(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.sendError('invalid_frame', 'Frames are JSON text, not binary.');
    const parsed = parseClientFrame(data.toString('utf8'));
    if (!parsed.ok) return this.sendError(parsed.code, parsed.message, parsed.clientId);
    const frame = parsed.value;
    const { deps } = this.handler;
    const refusal = frame.type === 'ping' ? null : deps.draining() ? 'shutting_down' : this.closingAnonymous && !this.identified && this.visitorId !== null ? 'identity_required' : null;
    if (refusal) return this.sendError(refusal, ERRORS[refusal].message, 'clientId' in frame ? frame.clientId : undefined);
    const live = frame.type === 'message.send' ? liveOf(this.#state) : null;
    if (live !== null && frame.type === 'message.send') {
      // Issue 6: messages per visitor or agent per second; a refused one is not stored and says when to retry.
      const verdict = deps.safety.message(this.handler.messageKey(live));
      if (!verdict.ok) return this.sendError('rate_limited', ERRORS.rate_limited.message, frame.clientId, verdict.retryAfterMs);
      // Nothing ahead of it in the queue: started at once (messages before a hello's welcome wait in the queue).
      if (this.#queued === 0) return this.handler.startMessage(this, live, frame);
    }
    this.#queued++;
    this.#queue = this.#queue
      .then(() => this.#handle(frame))
      .catch((err: unknown) => this.fail(err, frame))
      .finally(() => {
        if (--this.#queued === 0) this.#queue = SETTLED;
      });
  }

  /** Answers a refused or failed request with an error frame. */
  fail(err: unknown, frame: ClientFrame): void {
    // A refused request (a message, a form, a rating, a transcript e-mail) names its clientId: the client
    // settles that request by it (SPEC D4, T7).
    const clientId = 'clientId' in frame ? frame.clientId : undefined;
    if (isAppError(err)) return this.sendError(err.code, err.message, clientId, err.retryAfterMs);
    this.handler.deps.log.error('frame handling failed', { type: frame.type, err });
    this.sendError('internal', ERRORS.internal.message, clientId);
  }

  /**
   * A queued frame. Not async itself: each path returns an async function's own promise, so no turn of the
   * event loop is spent adopting one promise into another, and the queue moves on when the frame is done.
   */
  #handle(frame: ClientFrame): Promise<void> {
    if (frame.type === 'ping' || frame.type === 'hello') return this.#control(frame);
    const live = liveOf(this.#state);
    if (!live) return Promise.reject(new AppError('hello_required'));
    return this.handler.handle(this, live, frame);
  }

  async #control(frame: Extract<ClientFrame, { type: 'ping' | 'hello' }>): Promise<void> {
    if (frame.type === 'ping') return this.send({ type: 'pong', ...(frame.id === undefined ? {} : { id: frame.id }) });
    if (liveOf(this.#state)) throw new AppError('invalid_frame', 'hello was already answered.');
    return this.#hello(this.handler.redacted(this.peer, frame));
  }

  async #hello(frame: HelloFrame): Promise<void> {
    clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    if (frame.v !== PROTOCOL_VERSION) {
      this.sendError('unsupported_version', `This server speaks protocol ${PROTOCOL_VERSION}; reload the page.`);
      return this.close(CLOSE.unsupported_version, 'unsupported_version');
    }
    this.#state = helloStarted(this.#state);
    try {
      await this.handler.welcome(this, frame);
    } catch (err) {
      // No half-made session: the client reconnects and says hello again.
      this.fail(err, frame);
      this.close(CLOSE.internal, 'hello_failed');
    } finally {
      // Whatever happened to the resume, live events flow from here on: none is held back for ever.
      const state = this.#state;
      this.#state = helloEnded(state);
      if (state.kind === 'resuming') for (const message of state.pending) this.handler.route(this, state.live, message);
    }
  }

  sendError(code: ErrorCode, message: string, clientId?: string, retryAfterMs?: number): void {
    this.send({
      type: 'error',
      code,
      message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(clientId === undefined ? {} : { clientId }),
    });
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(data: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Everything sent in this turn of the event loop (an ack and its event; an agent's share of a group
    // commit) leaves in one write instead of one per frame.
    if (this.socket.writableCorked === 0) {
      // Issue 6: a client that does not read what it is sent is closed, not buffered for without bound.
      // Measured at the turn's first frame, before corking: what is still unsent from earlier turns. The
      // frames corked in this turn (a group commit's burst, a history page) say nothing about the reader.
      if (this.ws.bufferedAmount > this.handler.deps.safety.limits.maxBufferedBytes) {
        // The close frame waits behind the unread bytes: a client still not reading sees 1006 when the
        // connection is dropped a second later, not 4005 (SPEC D13, slow-reader.test.ts).
        this.#closeChosen();
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
