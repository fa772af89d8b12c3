/**
 * @module Real `ws` clients for integration tests, speaking the shared protocol: they record every frame
 * and let a test wait for the next one that matches.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { parseServerFrame, PROTOCOL_VERSION, type ServerFrame } from '../../shared/protocol';
import { ADMIN, type TestServer } from './harness';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}: ${body}`);
  }
}

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  /** Frames that did not parse as the protocol's ServerFrame: `next` fails while any is here. */
  readonly invalid: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Indexes of frames a `next` call already returned; each frame is returned once. */
  readonly #taken = new Set<number>();
  readonly #waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      // Every frame the server sends must be a valid frame of the shared protocol.
      const parsed = parseServerFrame(data.toString());
      if (parsed.ok) this.frames.push(parsed.value);
      else this.invalid.push(`${parsed.message}: ${data.toString().slice(0, 200)}`);
      this.#wakeAll();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#wakeAll();
      }),
    );
  }

  #wakeAll(): void {
    for (const wake of this.#waiters) wake();
  }

  /** Opens a socket; rejects with UpgradeRefused when the server answers the upgrade with an HTTP error. */
  static open(url: string, headers: Record<string, string> = {}, options: { autoPong?: boolean } = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, autoPong: options.autoPong ?? true });
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => reject(new UpgradeRefused(res.statusCode ?? 0, body)));
      });
      ws.once('error', (err) => reject(err));
    });
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame not yet returned by `next` that has this type and passes `match`; waits for it. */
  async next<T extends ServerFrame['type']>(
    type: T,
    match: (frame: FrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<FrameOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.invalid.length > 0) throw new Error(`the server sent frames outside the protocol: ${this.invalid.join('; ')}`);
      for (let i = 0; i < this.frames.length; i++) {
        const frame = this.frames[i]!;
        if (this.#taken.has(i) || frame.type !== type || !match(frame as FrameOf<T>)) continue;
        this.#taken.add(i);
        return frame as FrameOf<T>;
      }
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiters.add(wake);
      });
    }
  }

  /** Frames of this type received so far (taken or not). */
  all<T extends ServerFrame['type']>(type: T): FrameOf<T>[] {
    return this.frames.filter((f): f is FrameOf<T> => f.type === type);
  }

  /** Sends a message and waits for its ack. */
  async say(text: string, conversationId?: string | null, clientId: string = randomUUID()): Promise<FrameOf<'ack'>> {
    this.send({ type: 'message.send', clientId, text, ...(conversationId ? { conversationId } : {}) });
    return this.next('ack', (a) => a.clientId === clientId);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/**
 * The socket's close (by the server) within `ms`, else it fails: the close code and, before it, the code of
 * the last error frame.
 */
export async function closedWithin(socket: TestSocket, ms = 5_000): Promise<{ code: number; error: string | undefined }> {
  const closed = await Promise.race([
    socket.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${ms} ms`)), ms)),
  ]);
  return { code: closed.code, error: socket.all('error').at(-1)?.code };
}

export interface VisitorOptions {
  token?: string | null;
  resume?: { conversationId: string; afterSeq: number } | null;
  origin?: string;
  siteKey?: string;
}

/** A visitor socket after its welcome. */
export async function openVisitor(server: TestServer, options: VisitorOptions = {}) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(options.siteKey ?? server.siteKey)}`, {
    origin: options.origin ?? server.origin,
  });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: options.token ?? null, resume: options.resume ?? null });
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'visitor') throw new Error('expected a visitor session');
  return { socket, session: welcome.session };
}

/** Signs in over HTTP and answers the session cookie. */
export async function login(server: TestServer, email = ADMIN.email, password = ADMIN.password): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('papo_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

/** An agent socket after its welcome (with the inbox). */
export async function openAgent(server: TestServer, cookie?: string, resume?: { conversationId: string; afterSeq: number }) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=agent`, {
    origin: server.origin,
    cookie: cookie ?? (await login(server)),
  });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, ...(resume ? { resume } : {}) });
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'agent') throw new Error('expected an agent session');
  return { socket, session: welcome.session };
}

/** An honest visitor and agent in one conversation, kept while a test throws bad input at the server. */
export interface Bystanders {
  visitor: { socket: TestSocket };
  agent: { socket: TestSocket };
  conversationId: string;
}

/**
 * "The server keeps serving everyone else" (SPEC D9, T7): the honest pair still talks both ways, and the
 * server logged nothing at warn or above.
 */
export async function expectStillServing(server: TestServer, bystander: Bystanders): Promise<void> {
  const text = `ainda funciona ${randomUUID()}`;
  await bystander.visitor.socket.say(text, bystander.conversationId);
  await bystander.agent.socket.next('conversation', (f) => f.conversation.lastMessage?.text === text);
  const reply = `resposta ${randomUUID()}`;
  await bystander.agent.socket.say(reply, bystander.conversationId);
  await bystander.visitor.socket.next('event', (f) => f.event.text === reply);
  expect(server.problems).toEqual([]);
}
