/**
 * @module Helpers for the agent-workflow integration tests (issue 3): agents and queues made through the
 * admin API, an authenticated API client that sends the console's Origin, visitors whose hello names a
 * queue and a page, and waits on live summaries and on stored state with a deadline.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { AgentRole, ConversationEvent, ConversationSummary, RoutingStrategy, ServerFrame } from '../../shared/protocol';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import type { Timers } from '../services/timers';
import { VISITOR_VISIBLE_KINDS } from '../domain/conversation';
import { login, openAgent, TestSocket } from './clients';
import type { TestServer } from './harness';

/** Deadline for anything a test waits for: generous, so a loaded machine does not fail a correct server. */
export const WAIT_MS = 10_000;

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** The JSON API under /api/v1 as one signed-in agent, with the console's Origin on every request. */
export function api(server: TestServer, cookie: string) {
  async function call<T = any>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { origin: server.origin, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as T) : (null as T) };
  }
  return {
    call,
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    patch: <T = any>(path: string, body?: unknown) => call<T>('PATCH', path, body),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
  };
}
export type Api = ReturnType<typeof api>;

/** Keyed by the running server, not its TestServer: serverForEach's one object stands for a new one each test. */
const adminCookies = new WeakMap<TestServer['papo'], Promise<string>>();

/** The seeded admin's API client (one sign-in per server). */
export async function adminApi(server: TestServer): Promise<Api> {
  let cookie = adminCookies.get(server.papo);
  if (!cookie) adminCookies.set(server.papo, (cookie = login(server)));
  return api(server, await cookie);
}

export interface TestAgent {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
  cookie: string;
  api: Api;
}

let agentCount = 0;

/** Creates an agent through POST /api/v1/agents (as the admin) and signs it in. */
export async function createAgent(
  server: TestServer,
  options: { role?: AgentRole; capacity?: number; queues?: string[]; name?: string } = {},
): Promise<TestAgent> {
  const n = ++agentCount;
  const name = options.name ?? `Agent ${n}`;
  const email = `agent-${n}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `password-${n}-long-enough`;
  const role = options.role ?? 'agent';
  const admin = await adminApi(server);
  const created = await admin.post('/agents', { email, name, password, role, capacity: options.capacity ?? 3, queueIds: options.queues ?? [] });
  if (created.status !== 201) throw new Error(`could not create an agent: ${created.status} ${JSON.stringify(created.body)}`);
  const cookie = await login(server, email, password);
  return { id: created.body.agent.id, name, email, role, cookie, api: api(server, cookie) };
}

export type OnlineAgent = TestAgent & Awaited<ReturnType<typeof openAgent>>;

/** An agent with a console socket open (so not Offline), after its welcome. */
export async function onlineAgent(server: TestServer, options: Parameters<typeof createAgent>[1] = {}): Promise<OnlineAgent> {
  const agent = await createAgent(server, options);
  return { ...agent, ...(await openAgent(server, agent.cookie)) };
}

let queueCount = 0;

/** Creates a queue on the demo site through POST /api/v1/queues (as the admin). */
export async function makeQueue(
  server: TestServer,
  options: { strategy?: RoutingStrategy; offerTimeoutMs?: number; agentIds?: string[]; name?: string } = {},
): Promise<{ id: string; name: string }> {
  const name = options.name ?? `Queue ${++queueCount}`;
  const admin = await adminApi(server);
  const created = await admin.post('/queues', {
    name,
    strategy: options.strategy ?? 'broadcast',
    offerTimeoutMs: options.offerTimeoutMs ?? 30_000,
    agentIds: options.agentIds ?? [],
  });
  if (created.status !== 201) throw new Error(`could not create a queue: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: created.body.queue.id, name };
}

/** Puts agents in a queue (replacing its members), as the admin. */
export async function setMembers(server: TestServer, queueId: string, agentIds: string[]): Promise<void> {
  const res = await (await adminApi(server)).patch(`/queues/${queueId}`, { agentIds });
  if (res.status !== 200) throw new Error(`could not set members: ${res.status} ${JSON.stringify(res.body)}`);
}

export interface VisitorHello {
  /** `data-queue`: the queue's name or id. */
  queue?: string;
  page?: { url: string; title?: string; referrer?: string };
  token?: string | null;
  resume?: { conversationId: string; afterSeq: number } | null;
  userAgent?: string;
}

/** A visitor socket whose hello names a queue and a page (SPEC R3, R11), after its welcome. */
export async function visitor(server: TestServer, hello: VisitorHello = {}) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, {
    origin: server.origin,
    ...(hello.userAgent ? { 'user-agent': hello.userAgent } : {}),
  });
  socket.send({
    type: 'hello',
    v: PROTOCOL_VERSION,
    token: hello.token ?? null,
    resume: hello.resume ?? null,
    ...(hello.queue ? { queue: hello.queue } : {}),
    ...(hello.page ? { page: hello.page } : {}),
  });
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'visitor') throw new Error('expected a visitor session');
  return { socket, session: welcome.session };
}

/** A visitor that names `queue` and writes a first message: answers the new conversation's id. */
export async function startConversation(server: TestServer, queue: string | undefined, text = 'Olá, preciso de ajuda') {
  const v = await visitor(server, queue ? { queue } : {});
  const { conversationId } = await v.socket.say(text);
  return { ...v, conversationId };
}

/** The conversation summary a frame carries (agents get it with every event and `conversation` frame). */
export function summaryOf(frame: ServerFrame): ConversationSummary | undefined {
  if (frame.type === 'conversation') return frame.conversation;
  if (frame.type === 'event') return frame.conversation;
  return undefined;
}

/** Waits until `find` answers something for the frames received so far (each wait rescans them all). */
export async function waitFrames<T>(socket: TestSocket, find: (frames: ServerFrame[]) => T | undefined, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (socket.invalid.length > 0) throw new Error(`the server sent frames outside the protocol: ${socket.invalid.join('; ')}`);
    const found = find(socket.frames);
    if (found !== undefined) return found;
    if (socket.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed while waiting for ${what}`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; last frames: ${JSON.stringify(socket.frames.slice(-4))}`);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        socket.ws.off('message', done);
        socket.ws.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, left);
      socket.ws.on('message', done);
      socket.ws.on('close', done);
    });
  }
}

/** The newest summary of `conversationId` this agent socket has received that passes `match`; waits for one. */
export function summary(
  socket: TestSocket,
  conversationId: string,
  match: (c: ConversationSummary) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<ConversationSummary> {
  return waitFrames(
    socket,
    (frames) => {
      for (let i = frames.length - 1; i >= 0; i--) {
        const c = summaryOf(frames[i]!);
        if (c && c.id === conversationId && match(c)) return c;
      }
      return undefined;
    },
    `summary of ${conversationId} that matches`,
    timeoutMs,
  );
}

/** Waits for this socket's `gone` frame for a conversation. */
export function gone(socket: TestSocket, conversationId: string, timeoutMs = WAIT_MS) {
  return waitFrames(socket, (frames) => frames.find((f) => f.type === 'gone' && f.conversationId === conversationId), `gone ${conversationId}`, timeoutMs);
}

/** Polls until `probe` answers something other than undefined (state reached through the API or the store). */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every stored event of a conversation, all kinds, oldest first. */
export function storedEvents(server: TestServer, conversationId: string): Promise<ConversationEvent[]> {
  return server.papo.store.events.after(conversationId, 0, { limit: 10_000 });
}

export async function kinds(server: TestServer, conversationId: string): Promise<string[]> {
  return (await storedEvents(server, conversationId)).map((e) => e.kind);
}

/** Waits for a stored event of this kind (e.g. one a timer writes). */
export function storedEvent(server: TestServer, conversationId: string, kind: string, timeoutMs = WAIT_MS): Promise<ConversationEvent> {
  return eventually(async () => (await storedEvents(server, conversationId)).find((e) => e.kind === kind), `a ${kind} event in ${conversationId}`, timeoutMs);
}

/** The conversation as committed. */
export async function stored(server: TestServer, conversationId: string): Promise<ConversationSummary> {
  const c = await server.papo.store.conversations.byId(conversationId);
  if (!c) throw new Error(`no conversation ${conversationId}`);
  return c;
}

/** Waits until no routing pass runs, so "nothing was offered" is read after the router had its say. */
export async function routed(server: TestServer): Promise<void> {
  await server.papo.router.idle();
}

/** The wrap-up reasons the server has (seeded: Resolved, Question answered, Spam). */
export async function wrapUpReason(server: TestServer, label = 'Resolved'): Promise<{ id: string; label: string }> {
  const res = await (await adminApi(server)).get(`/wrap-up-reasons?q=${encodeURIComponent(label)}`);
  const reason = (res.body.reasons as Array<{ id: string; label: string }>).find((r) => r.label === label);
  if (!reason) throw new Error(`no wrap-up reason ${label}`);
  return reason;
}

/** A reply (or, with `note`, a private note) over an agent socket; answers the ack or the error frame. */
export async function send(socket: TestSocket, conversationId: string, text: string, options: { note?: boolean } = {}) {
  const clientId = randomUUID();
  socket.send({ type: 'message.send', clientId, conversationId, text, ...(options.note ? { note: true } : {}) });
  return waitFrames(
    socket,
    (frames) => frames.find((f) => (f.type === 'ack' || f.type === 'error') && f.clientId === clientId) as
      | Extract<ServerFrame, { type: 'ack' | 'error' }>
      | undefined,
    `ack or error for ${clientId}`,
  );
}

/** Timers that fire `earlyMs` before they are due (for harness.startTestServer's `timers`). */
export function earlyTimers(earlyMs: number): Timers {
  return {
    setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms - earlyMs)),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** The events of one conversation a visitor socket received, live and in history frames. */
export function visitorEvents(socket: TestSocket, conversationId: string) {
  return socket.frames.flatMap((f: ServerFrame) => {
    if (f.type === 'event' && f.event.conversationId === conversationId) return [f.event];
    if (f.type === 'history' && f.conversationId === conversationId) return f.events;
    return [];
  });
}

/** SPEC D11 / R9: what a visitor got holds only visitor-visible kinds and never any event's `data`. */
export function expectVisitorSafe(socket: TestSocket, conversationId: string) {
  const events = visitorEvents(socket, conversationId);
  expect(events.length).toBeGreaterThan(0);
  for (const e of events) {
    expect(VISITOR_VISIBLE_KINDS).toContain(e.kind);
    expect(e).not.toHaveProperty('data');
  }
  return events;
}
