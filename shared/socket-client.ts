/**
 * @module The browser side of a Papo socket, used by the widget and the console: connects, says hello,
 * reconnects with backoff and jitter, at once on `online` and when the page becomes visible, and notices a
 * dead connection with an application ping (SPEC D8). It knows nothing of conversations: the owner builds
 * the hello (with its resume point), chooses the frame parser and handles frames.
 */
import { CLOSE_IS_FINAL } from './errors';
import { reconnectDelay } from './backoff';
import type { ClientFrame, Parsed, ServerFrame } from './protocol';

export type SocketStatus = 'connecting' | 'online' | 'offline' | 'failed';

export const PING_EVERY_MS = 25_000;
export const PONG_TIMEOUT_MS = 10_000;

/** The parts of the browser the client uses; tests pass fakes. */
export interface SocketEnvironment {
  WebSocket: new (url: string) => WebSocket;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  random: () => number;
  now: () => number;
  /** Receives `online` (window) and `visibilitychange` (document) listeners. */
  on: (event: 'online' | 'visibilitychange', listener: () => void) => () => void;
  isVisible: () => boolean;
}

export interface SocketClientOptions<F extends { type: string } = ServerFrame> {
  url: string;
  /** Called on every (re)connect: the hello carries the current resume point. */
  hello: () => ClientFrame;
  /**
   * Checks one frame from the server: `parseServerFrame` (the console), or `parseVisitorServerFrame` (the
   * widget), which leaves the agent-only schemas out of the widget's bundle. No default, so that choice is
   * never made by accident: a default would pull every schema into every bundle.
   */
  parse: (raw: string) => Parsed<F>;
  onFrame: (frame: F) => void;
  onStatus?: (status: SocketStatus) => void;
  /** Every close, with its code; called before the reconnect is scheduled. */
  onClose?: (code: number, reason: string) => void;
  env?: Partial<SocketEnvironment>;
}

export interface SocketClient {
  readonly status: SocketStatus;
  /** Sends when the session is online (after welcome); answers false when it could not. */
  send(frame: ClientFrame): boolean;
  /** Reconnects now if not connected; if connected, checks the connection with a ping. */
  wake(): void;
  /** Closes for good. */
  stop(): void;
}

function browserEnvironment(): SocketEnvironment {
  return {
    WebSocket: globalThis.WebSocket,
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as number),
    random: Math.random,
    now: Date.now,
    on(event, listener) {
      const target = event === 'online' ? window : document;
      target.addEventListener(event, listener);
      return () => target.removeEventListener(event, listener);
    },
    isVisible: () => document.visibilityState === 'visible',
  };
}

export function createSocketClient<F extends { type: string } = ServerFrame>(options: SocketClientOptions<F>): SocketClient {
  const env: SocketEnvironment = { ...browserEnvironment(), ...options.env };
  let ws: WebSocket | null = null;
  let status: SocketStatus = 'offline';
  let attempt = 0;
  let retryTimer: unknown = null;
  let pingTimer: unknown = null;
  let pongDeadline: unknown = null;
  let stopped = false;
  /** A final close happened (SPEC D8): nothing reconnects any more, not even online or visibility. */
  let failed = false;

  const setStatus = (next: SocketStatus) => {
    if (next === status) return;
    status = next;
    options.onStatus?.(next);
  };

  function connect(): void {
    env.clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped || failed || ws) return;
    setStatus('connecting');
    const socket = new env.WebSocket(options.url);
    ws = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify(options.hello()));
      expectAnswer(socket); // no welcome in time: a server that cannot answer hello is given up on like a dead one
    };
    socket.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      env.clearTimeout(pongDeadline); // anything arriving proves the connection is alive
      pongDeadline = null;
      const parsed = options.parse(message.data);
      if (!parsed.ok) return; // a frame this version does not understand is skipped, never thrown
      if (parsed.value.type === 'welcome') {
        attempt = 0;
        setStatus('online');
        schedulePing();
      }
      options.onFrame(parsed.value);
    };
    socket.onerror = () => {
      /* the close event follows and handles it */
    };
    socket.onclose = (event: CloseEvent) => dropped(socket, event.code, event.reason);
  }

  /** The socket is gone (closed, or given up on): reconnect after the backoff delay unless the close was final. */
  function dropped(socket: WebSocket, code: number, reason: string): void {
    if (ws !== socket) return; // an old socket reporting late
    ws = null;
    env.clearTimeout(pingTimer);
    env.clearTimeout(pongDeadline);
    pongDeadline = null;
    options.onClose?.(code, reason);
    if (stopped) return;
    if (CLOSE_IS_FINAL.has(code)) {
      failed = true;
      return setStatus('failed');
    }
    setStatus('offline');
    retryTimer = env.setTimeout(connect, reconnectDelay(attempt++, env.random));
  }

  function schedulePing(): void {
    env.clearTimeout(pingTimer);
    pingTimer = env.setTimeout(() => {
      ping();
      schedulePing();
    }, PING_EVERY_MS);
  }

  function ping(): void {
    if (!ws || status !== 'online' || pongDeadline !== null) return;
    ws.send(JSON.stringify({ type: 'ping' } satisfies ClientFrame));
    expectAnswer(ws);
  }

  /** Some frame must arrive within PONG_TIMEOUT_MS, or the socket is given up on and replaced. */
  function expectAnswer(socket: WebSocket): void {
    env.clearTimeout(pongDeadline);
    pongDeadline = env.setTimeout(() => {
      pongDeadline = null;
      // A dead network can take a minute to report the close: give up on this socket now and move on.
      socket.close(4000, 'no answer');
      dropped(socket, 4000, 'no answer');
    }, PONG_TIMEOUT_MS);
  }

  function wake(): void {
    if (stopped || failed) return;
    if (ws) ping();
    else connect();
  }

  const offOnline = env.on('online', wake);
  const offVisible = env.on('visibilitychange', () => {
    if (env.isVisible()) wake();
  });
  connect();

  return {
    get status() {
      return status;
    },
    send(frame) {
      if (!ws || status !== 'online' || ws.readyState !== 1) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    wake,
    stop() {
      stopped = true;
      offOnline();
      offVisible();
      env.clearTimeout(retryTimer);
      env.clearTimeout(pingTimer);
      env.clearTimeout(pongDeadline);
      ws?.close(1000, 'bye');
      ws = null;
      setStatus('offline');
    },
  };
}
