import { describe, expect, it, vi } from 'vitest';
import { BACKOFF_CAP_MS } from './backoff';
import { CLOSE } from './errors';
import { parseServerFrame, PROTOCOL_VERSION, type ClientFrame, type ServerFrame } from './protocol';
import {
  createSocketClient,
  PING_EVERY_MS,
  PONG_TIMEOUT_MS,
  type SocketClientOptions,
  type SocketEnvironment,
  type SocketStatus,
} from './socket-client';
import { fakeWebSocketClass, type FakeSocket } from './test/fake-websocket';

// ---------------------------------------------------------------------------------------------------------
// Fakes for the browser: a WebSocket, a timer queue, window/document listeners.

class FakeClock {
  now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; ms: number; fn: () => void }>();

  readonly setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + ms, ms, fn });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  /** Delays (as asked) of the timers still pending, in the order they were set. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.ms);
  }

  /** Moves time forward, running every timer that falls due on the way, in due order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const entry of this.#timers) {
        if (entry[1].at <= end && (next === null || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = end;
  }
}


function fakeBrowser(init: { random?: () => number; visible?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const clock = new FakeClock();
  const listeners = { online: new Set<() => void>(), visibilitychange: new Set<() => void>() };
  const page = { visible: init.visible ?? true };

  const WebSocketFake = fakeWebSocketClass(sockets);

  const env: SocketEnvironment = {
    WebSocket: WebSocketFake as unknown as SocketEnvironment['WebSocket'],
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: init.random ?? (() => 0.5),
    now: () => clock.now,
    on(event, listener) {
      listeners[event].add(listener);
      return () => listeners[event].delete(listener);
    },
    isVisible: () => page.visible,
  };

  const fire = (event: 'online' | 'visibilitychange') => {
    for (const listener of [...listeners[event]]) listener();
  };

  return { env, clock, sockets, listeners, page, fire };
}

const WELCOME = {
  type: 'welcome',
  v: PROTOCOL_VERSION,
  session: {
    role: 'visitor',
    visitorId: 'visitor-1',
    token: 'v1.token.sig',
    tokenExpiresAt: 1_800_000_000_000,
    conversation: { id: 'conv-1', status: 'open', lastSeq: 3 },
    site: { online: true, offlineFields: [] },
  },
} satisfies ServerFrame;

const PONG = { type: 'pong' } satisfies ServerFrame;
const ERROR_FRAME = { type: 'error', code: 'internal', message: 'Something went wrong on the server.' } satisfies ServerFrame;

const HELLO = { type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null } satisfies ClientFrame;

function setup(init: { random?: () => number; visible?: boolean; hello?: () => ClientFrame } = {}) {
  const browser = fakeBrowser(init);
  const statuses: SocketStatus[] = [];
  const frames: ServerFrame[] = [];
  const closes: Array<[number, string]> = [];
  const hello = vi.fn(init.hello ?? (() => HELLO));
  const options: SocketClientOptions = {
    url: 'wss://chat.example/ws?role=visitor&site=s1',
    hello,
    parse: parseServerFrame,
    onFrame: (frame) => frames.push(frame),
    onStatus: (status) => statuses.push(status),
    onClose: (code, reason) => closes.push([code, reason]),
    env: browser.env,
  };
  const client = createSocketClient(options);
  const socket = (n: number): FakeSocket => {
    const s = browser.sockets[n];
    if (!s) throw new Error(`no socket #${n} (have ${browser.sockets.length})`);
    return s;
  };
  /** The newest socket: opened, and welcomed. */
  const online = (): FakeSocket => {
    const s = socket(browser.sockets.length - 1);
    s.open();
    s.receive(WELCOME);
    return s;
  };
  const pings = () => browser.sockets.flatMap((s) => s.frames().filter((f) => f.type === 'ping'));
  return { ...browser, client, statuses, frames, closes, hello, socket, online, pings };
}

// ---------------------------------------------------------------------------------------------------------

describe('the fixtures', () => {
  it('the welcome, pong and error frames used here are valid server frames', () => {
    for (const frame of [WELCOME, PONG, ERROR_FRAME]) {
      expect(parseServerFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
    }
  });

  it('the fake clock runs timers in due order and honours clearTimeout', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    clock.setTimeout(() => ran.push('b'), 20);
    const cancelled = clock.setTimeout(() => ran.push('x'), 5);
    clock.setTimeout(() => {
      ran.push('a');
      clock.setTimeout(() => ran.push('c'), 15);
    }, 10);
    clock.clearTimeout(cancelled);
    clock.advance(24);
    expect(ran).toEqual(['a', 'b']);
    clock.advance(1);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(clock.now).toBe(25);
  });
});

describe('connecting and hello', () => {
  it('opens one socket to the url at once and reports connecting', () => {
    const t = setup();
    expect(t.sockets).toHaveLength(1);
    expect(t.socket(0).url).toBe('wss://chat.example/ws?role=visitor&site=s1');
    expect(t.client.status).toBe('connecting');
    expect(t.statuses).toEqual(['connecting']);
  });

  it('D5: sends the hello when the socket opens, built by options.hello() at that moment', () => {
    const t = setup();
    expect(t.hello).not.toHaveBeenCalled();
    expect(t.socket(0).sent).toEqual([]);
    t.socket(0).open();
    expect(t.hello).toHaveBeenCalledTimes(1);
    expect(t.socket(0).frames()).toEqual([HELLO]);
  });

  it('D5: every (re)connect reads the resume point again', () => {
    let afterSeq = 0;
    const t = setup({
      hello: () => ({ type: 'hello', v: PROTOCOL_VERSION, token: 'tok', resume: { conversationId: 'conv-1', afterSeq } }),
    });
    t.online();
    afterSeq = 7; // the owner received events meanwhile
    t.socket(0).fireClose(1006);
    t.clock.advance(BACKOFF_CAP_MS);
    expect(t.sockets).toHaveLength(2);
    t.socket(1).open();
    expect(t.socket(0).frames()[0]).toMatchObject({ type: 'hello', resume: { conversationId: 'conv-1', afterSeq: 0 } });
    expect(t.socket(1).frames()[0]).toMatchObject({ type: 'hello', resume: { conversationId: 'conv-1', afterSeq: 7 } });
    expect(t.hello).toHaveBeenCalledTimes(2);
  });

  it('stays connecting after the socket opens and other frames arrive; online only on welcome', () => {
    const t = setup();
    t.socket(0).open();
    t.socket(0).receive(PONG);
    t.socket(0).receive(ERROR_FRAME);
    expect(t.client.status).toBe('connecting');
    t.socket(0).receive(WELCOME);
    expect(t.client.status).toBe('online');
    expect(t.statuses).toEqual(['connecting', 'online']);
  });

  it('hands every parsed frame to onFrame, the welcome included, in arrival order', () => {
    const t = setup();
    t.socket(0).open();
    t.socket(0).receive(WELCOME);
    t.socket(0).receive(PONG);
    expect(t.frames).toEqual([WELCOME, PONG]);
  });

  it('send() answers false before the welcome and true after, writing the frame only then', () => {
    const t = setup();
    const watch = { type: 'watch', conversationId: 'conv-1', afterSeq: 0 } satisfies ClientFrame;
    expect(t.client.send(watch)).toBe(false); // socket still connecting
    t.socket(0).open();
    expect(t.client.send(watch)).toBe(false); // open, but no welcome yet
    expect(t.socket(0).frames()).toEqual([HELLO]);
    t.socket(0).receive(WELCOME);
    expect(t.client.send(watch)).toBe(true);
    expect(t.socket(0).frames()).toEqual([HELLO, watch]);
  });

  it('send() answers false once the socket has closed', () => {
    const t = setup();
    const s = t.online();
    s.fireClose(1006);
    expect(t.client.send({ type: 'ping' })).toBe(false);
    expect(s.frames().filter((f) => f.type === 'ping')).toEqual([]);
  });

  it.each([
    ['not JSON', 'hello?'],
    ['JSON that is not a frame', '[1,2,3]'],
    ['an unknown type', JSON.stringify({ type: 'surprise' })],
    ['a welcome without its session', JSON.stringify({ type: 'welcome', v: PROTOCOL_VERSION })],
    ['an event with a negative seq', JSON.stringify({ type: 'event', event: { seq: -1 } })],
    ['binary data', new ArrayBuffer(4)],
  ])('D9: a frame that fails parseServerFrame (%s) is skipped without throwing', (_name, data) => {
    const t = setup();
    t.socket(0).open();
    expect(() => t.socket(0).receive(data)).not.toThrow();
    expect(t.frames).toEqual([]);
    expect(t.client.status).toBe('connecting');
    t.socket(0).receive(WELCOME); // and the socket goes on working
    expect(t.frames).toEqual([WELCOME]);
    expect(t.client.status).toBe('online');
  });
});

describe('D8: reconnecting with backoff', () => {
  /** Closes the newest socket before any welcome and answers the delay asked for the reconnect. */
  function failOnce(t: ReturnType<typeof setup>): number {
    const before = t.sockets.length;
    t.socket(before - 1).fireClose(1006);
    expect(t.client.status).toBe('offline');
    const pending = t.clock.pending();
    expect(pending).toHaveLength(1);
    const delay = pending[0]!;
    if (delay > 0) {
      t.clock.advance(delay - 1);
      expect(t.sockets).toHaveLength(before); // not a millisecond early
    }
    t.clock.advance(1);
    expect(t.sockets).toHaveLength(before + 1);
    expect(t.client.status).toBe('connecting');
    return delay;
  }

  it('D8: successive failed attempts wait reconnectDelay(attempt, random): 0.5 s doubling up to 30 s, jittered', () => {
    const t = setup({ random: () => 0.5 });
    const delays = Array.from({ length: 9 }, () => failOnce(t));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it('D8: the jitter comes from env.random', () => {
    const draws = [0, 0.999, 0.25];
    const t = setup({ random: () => draws.shift() ?? 0 });
    expect([failOnce(t), failOnce(t), failOnce(t)]).toEqual([0, 999, 500]);
  });

  it('D8: a socket that opens but closes before its welcome still counts as a failed attempt', () => {
    const t = setup({ random: () => 0.5 });
    expect(failOnce(t)).toBe(250);
    t.socket(1).open();
    expect(failOnce(t)).toBe(500);
  });

  it('D8: attempt goes back to 0 after a welcome', () => {
    const t = setup({ random: () => 0.5 });
    expect([failOnce(t), failOnce(t), failOnce(t)]).toEqual([250, 500, 1_000]);
    t.online();
    expect([failOnce(t), failOnce(t)]).toEqual([250, 500]);
  });

  it.each([1000, CLOSE.going_away, 1006, CLOSE.frame_too_large, 1011, CLOSE.auth_failed, CLOSE.hello_timeout, CLOSE.internal, CLOSE.site_changed, 4000])(
    'D8/D12: a close with %i is a drop like any other: offline, then a reconnect',
    (code) => {
      const t = setup({ random: () => 0.5 });
      t.online();
      t.socket(0).fireClose(code, 'bye');
      expect(t.closes).toEqual([[code, 'bye']]);
      expect(t.client.status).toBe('offline');
      t.clock.advance(250);
      expect(t.sockets).toHaveLength(2);
      expect(t.statuses).toEqual(['connecting', 'online', 'offline', 'connecting']);
    },
  );

  it('D8: a close with 4002 (unsupported_version) is final: status failed and no reconnect', () => {
    const t = setup();
    t.online();
    t.socket(0).fireClose(CLOSE.unsupported_version, 'unsupported_version');
    expect(t.closes).toEqual([[4002, 'unsupported_version']]);
    expect(t.client.status).toBe('failed');
    expect(t.statuses.at(-1)).toBe('failed');
    expect(t.clock.pending()).toEqual([]);
    t.clock.advance(10 * 60_000);
    expect(t.sockets).toHaveLength(1);
  });

  it.each(['online', 'visibilitychange'] as const)('D8: after a final close (4002), %s does not reconnect', (event) => {
    const t = setup();
    t.online();
    t.socket(0).fireClose(CLOSE.unsupported_version, 'unsupported_version');
    t.fire(event);
    t.clock.advance(10 * 60_000);
    expect(t.sockets).toHaveLength(1);
    expect(t.client.status).toBe('failed');
  });

  it.each(['online', 'visibilitychange'] as const)('D8: %s while waiting reconnects at once, without waiting for the backoff timer', (event) => {
    const t = setup({ random: () => 0.99 });
    t.online();
    t.socket(0).fireClose(1006);
    expect(t.clock.pending()).toEqual([495]);
    t.fire(event);
    expect(t.sockets).toHaveLength(2);
    expect(t.client.status).toBe('connecting');
    // The backoff timer is gone: no second socket when it would have fired.
    expect(t.clock.pending()).toEqual([]);
    t.clock.advance(BACKOFF_CAP_MS);
    expect(t.sockets).toHaveLength(2);
  });

  it('D8: visibilitychange does nothing while the page is hidden', () => {
    const t = setup({ random: () => 0.99, visible: false });
    t.online();
    t.socket(0).fireClose(1006);
    t.fire('visibilitychange');
    expect(t.sockets).toHaveLength(1);
    expect(t.clock.pending()).toEqual([495]); // the backoff goes on as planned
    t.clock.advance(495);
    expect(t.sockets).toHaveLength(2);
  });

  it('D8: visibilitychange to hidden while online sends no ping', () => {
    const t = setup({ visible: false });
    t.online();
    t.fire('visibilitychange');
    expect(t.pings()).toEqual([]);
  });

  it.each(['online', 'visibilitychange'] as const)('D8: %s while a socket is connecting opens no second socket', (event) => {
    const t = setup();
    t.fire(event);
    t.socket(0).open();
    t.fire(event);
    expect(t.sockets).toHaveLength(1);
    expect(t.socket(0).frames()).toEqual([HELLO]);
  });

  it('wake() while waiting reconnects at once', () => {
    const t = setup({ random: () => 0.99 });
    t.online();
    t.socket(0).fireClose(1006);
    t.client.wake();
    expect(t.sockets).toHaveLength(2);
  });
});

describe('D8: application ping', () => {
  it('D8: the ping period is 25 s and the pong timeout 10 s', () => {
    expect(PING_EVERY_MS).toBe(25_000);
    expect(PONG_TIMEOUT_MS).toBe(10_000);
  });

  it('D8: wake() when online sends a ping', () => {
    const t = setup();
    const s = t.online();
    t.client.wake();
    expect(s.frames().at(-1)).toEqual({ type: 'ping' });
    expect(t.sockets).toHaveLength(1);
  });

  it.each(['online', 'visibilitychange'] as const)('D8: %s when online checks the connection with a ping instead of reconnecting', (event) => {
    const t = setup();
    const s = t.online();
    t.fire(event);
    expect(s.frames().at(-1)).toEqual({ type: 'ping' });
    expect(t.sockets).toHaveLength(1);
  });

  it('D8: no answer within PONG_TIMEOUT_MS closes the socket with 4000, and its close leads to a reconnect', () => {
    const t = setup({ random: () => 0.5 });
    const s = t.online();
    t.client.wake();
    t.clock.advance(PONG_TIMEOUT_MS - 1);
    expect(s.closeCalls).toEqual([]);
    t.clock.advance(1);
    expect(s.closeCalls).toEqual([{ code: 4000, reason: expect.any(String) }]);
    s.fireClose(4000, 'no pong');
    expect(t.client.status).toBe('offline');
    t.clock.advance(250);
    expect(t.sockets).toHaveLength(2);
    expect(t.client.status).toBe('connecting');
  });

  it('D8: after the pong deadline a reconnect follows even when the dead socket never reports its close', () => {
    // On a dead network the browser fires `close` only when its closing handshake times out (about a
    // minute in Chrome); D8 asks for a reconnect once nothing arrived within 10 s.
    const t = setup({ random: () => 0.5 });
    const s = t.online();
    t.client.wake();
    t.clock.advance(PONG_TIMEOUT_MS);
    expect(s.closeCalls.map((c) => c.code)).toEqual([4000]);
    t.clock.advance(BACKOFF_CAP_MS);
    expect(t.sockets).toHaveLength(2);
    // The old socket's close, when it finally comes, changes nothing.
    t.socket(1).open();
    t.socket(1).receive(WELCOME);
    s.fireClose(1006);
    expect(t.client.status).toBe('online');
    t.clock.advance(1_000);
    expect(t.sockets).toHaveLength(2);
  });

  it.each([
    ['a pong', PONG],
    ['another frame', ERROR_FRAME],
    ['even an unparseable one', 'garbage'],
  ])('D8: %s arriving cancels the pong deadline', (_name, frame) => {
    const t = setup();
    const s = t.online();
    t.client.wake();
    t.clock.advance(PONG_TIMEOUT_MS - 1);
    s.receive(frame);
    t.clock.advance(PONG_TIMEOUT_MS);
    expect(s.closeCalls).toEqual([]);
    expect(t.client.status).toBe('online');
  });

  it('D8: a second wake while a ping is outstanding sends no second ping and keeps the first deadline', () => {
    const t = setup();
    const s = t.online();
    t.client.wake();
    t.clock.advance(5_000);
    t.client.wake();
    expect(t.pings()).toHaveLength(1);
    t.clock.advance(PONG_TIMEOUT_MS - 5_000);
    expect(s.closeCalls.map((c) => c.code)).toEqual([4000]);
  });

  it('D8: pings every PING_EVERY_MS after the welcome, and not before it', () => {
    const t = setup();
    t.socket(0).open();
    t.clock.advance(PONG_TIMEOUT_MS - 1); // before the welcome: no ping (and still within the welcome deadline)
    expect(t.pings()).toEqual([]);
    t.socket(0).receive(WELCOME);
    t.clock.advance(PING_EVERY_MS - 1);
    expect(t.pings()).toEqual([]);
    t.clock.advance(1);
    expect(t.pings()).toEqual([{ type: 'ping' }]);
    t.socket(0).receive(PONG);
    t.clock.advance(PING_EVERY_MS);
    expect(t.pings()).toHaveLength(2);
    t.socket(0).receive(PONG);
    t.clock.advance(PING_EVERY_MS);
    expect(t.pings()).toHaveLength(3);
    expect(t.socket(0).closeCalls).toEqual([]);
  });

  it('D8: an unanswered periodic ping closes the socket PONG_TIMEOUT_MS later', () => {
    const t = setup();
    const s = t.online();
    t.clock.advance(PING_EVERY_MS + PONG_TIMEOUT_MS - 1);
    expect(s.closeCalls).toEqual([]);
    t.clock.advance(1);
    expect(s.closeCalls.map((c) => c.code)).toEqual([4000]);
  });

  it('D8: the ping and pong timers stop with the socket that closed', () => {
    const t = setup({ random: () => 0.5 });
    const s = t.online();
    t.client.wake(); // a ping outstanding
    s.fireClose(1006);
    t.clock.advance(250); // reconnecting
    expect(t.sockets).toHaveLength(2);
    t.socket(1).open();
    // Past the old socket's pong deadline, short of the new one's welcome deadline: nothing of s may fire.
    t.clock.advance(PONG_TIMEOUT_MS - 1);
    expect(t.pings()).toHaveLength(1); // only the one wake() sent
    expect(s.closeCalls).toEqual([]);
    expect(t.socket(1).closeCalls).toEqual([]);
  });

  it('D8: a socket that opens but gets no welcome within PONG_TIMEOUT_MS is given up on and replaced', () => {
    const t = setup({ random: () => 0.5 });
    t.socket(0).open();
    t.clock.advance(PONG_TIMEOUT_MS - 1);
    expect(t.sockets).toHaveLength(1);
    t.clock.advance(1);
    expect(t.socket(0).closeCalls).toEqual([{ code: 4000, reason: 'no answer' }]);
    t.clock.advance(250); // backoff of attempt 0 with random 0.5
    expect(t.sockets).toHaveLength(2);
    expect(t.client.status).toBe('connecting');
  });

  it('D8: pings resume on the next connection after its welcome', () => {
    const t = setup({ random: () => 0.5 });
    t.online();
    t.client.wake(); // unanswered when the socket drops
    t.socket(0).fireClose(1006);
    t.clock.advance(250);
    const s = t.online();
    t.clock.advance(PING_EVERY_MS);
    expect(s.frames().filter((f) => f.type === 'ping')).toHaveLength(1);
  });
});

describe('stop()', () => {
  it('closes the socket with 1000, removes the online and visibilitychange listeners and goes offline', () => {
    const t = setup();
    const s = t.online();
    expect(t.listeners.online.size).toBe(1);
    expect(t.listeners.visibilitychange.size).toBe(1);
    t.client.stop();
    expect(s.closeCalls).toEqual([{ code: 1000, reason: expect.any(String) }]);
    expect(t.listeners.online.size).toBe(0);
    expect(t.listeners.visibilitychange.size).toBe(0);
    expect(t.client.status).toBe('offline');
    expect(t.client.send({ type: 'ping' })).toBe(false);
  });

  it('no reconnect after stop(): not from the socket closing, nor timers, nor wake()', () => {
    const t = setup();
    const s = t.online();
    t.client.stop();
    s.fireClose(1000, 'bye');
    t.client.wake();
    t.clock.advance(10 * 60_000);
    expect(t.sockets).toHaveLength(1);
    expect(t.pings()).toEqual([]);
    expect(t.clock.pending()).toEqual([]);
    expect(t.client.status).toBe('offline');
  });

  it('stop() while waiting for a reconnect cancels it', () => {
    const t = setup();
    t.online();
    t.socket(0).fireClose(1006);
    expect(t.clock.pending()).toHaveLength(1);
    t.client.stop();
    expect(t.clock.pending()).toEqual([]);
    t.clock.advance(10 * 60_000);
    expect(t.sockets).toHaveLength(1);
  });

  it('stop() while a pong is awaited cancels the deadline', () => {
    const t = setup();
    const s = t.online();
    t.client.wake();
    t.client.stop();
    t.clock.advance(PONG_TIMEOUT_MS);
    expect(s.closeCalls.map((c) => c.code)).toEqual([1000]);
  });
});

describe('old sockets', () => {
  it('a late onclose of an old socket after a new one exists is ignored', () => {
    const t = setup({ random: () => 0.5 });
    const first = t.online();
    first.fireClose(1006);
    t.clock.advance(250);
    const second = t.online();
    expect(t.closes).toHaveLength(1);

    first.fireClose(1006); // again, late
    expect(t.closes).toHaveLength(1);
    expect(t.client.status).toBe('online');
    expect(second.closeCalls).toEqual([]);
    t.clock.advance(1_000);
    expect(t.sockets).toHaveLength(2);
    expect(t.client.send({ type: 'ping' })).toBe(true);
  });
});
