/**
 * Issue 6 against the real server: blocks (block and end, admins' list and lift, expiry, CIDR ranges, every
 * HTTP route and the WebSocket upgrade), X-Forwarded-For believed only with TRUST_PROXY, the abuse limits
 * (connection attempts, sockets per address, messages per second, new conversations, sign-ins) and slow
 * readers. Every test client really comes from 127.0.0.1: the servers that trust one proxy let a test
 * speak for other addresses with X-Forwarded-For, and the limits are set low per server through env.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../shared/errors';
import { PROTOCOL_VERSION, type ServerFrame } from '../../shared/protocol';
import { signVisitorToken } from '../domain/visitor-token';
import { adminApi, eventually, makeQueue, onlineAgent, send, stored, storedEvents, waitFrames, type Api } from './agents';
import { closedWithin, login, openAgent, TestSocket } from './clients';
import { startTestServer, TEST_SECRET, type TestServer } from './harness';

// ---------------------------------------------------------------------------------------------------------
// Helpers

type Refusal = { status: number; retryAfter: string | undefined; body: { error: { code: string; message: string; retryAfterMs?: number } } };

/** An upgrade the server is expected to refuse: its HTTP status, Retry-After and JSON body. */
function refusedUpgrade(url: string, headers: Record<string, string>): Promise<Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`the upgrade of ${url} was accepted`));
    });
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        try {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: JSON.parse(text) });
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    ws.once('error', (err) => reject(err));
  });
}

const xff = (ip: string | null): Record<string, string> => (ip ? { 'x-forwarded-for': ip } : {});
const visitorUrl = (server: TestServer) => `${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`;

/** A visitor socket that says it comes from `ip` (believed only where TRUST_PROXY says so); hello sent. */
async function visitorFrom(server: TestServer, ip: string | null, hello: { token?: string | null; queue?: string } = {}) {
  const socket = await TestSocket.open(visitorUrl(server), { origin: server.origin, ...xff(ip) });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: hello.token ?? null, resume: null, ...(hello.queue ? { queue: hello.queue } : {}) });
  return socket;
}

/** The same, after its welcome. */
async function welcomedVisitor(server: TestServer, ip: string | null, hello: { token?: string | null; queue?: string } = {}) {
  const socket = await visitorFrom(server, ip, hello);
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'visitor') throw new Error('expected a visitor session');
  return { socket, session: welcome.session };
}

function visitorRefused(server: TestServer, ip: string | null): Promise<Refusal> {
  return refusedUpgrade(visitorUrl(server), { origin: server.origin, ...xff(ip) });
}

/** A plain HTTP request "from" `ip`; answers status, Retry-After and the parsed body (if JSON). */
async function http(server: TestServer, method: string, path: string, ip: string | null, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...xff(ip), ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json', origin: server.origin }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: json, text };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function blockList(admin: Api) {
  const res = await admin.get('/blocks');
  expect(res.status).toBe(200);
  return res.body.blocks as Array<{ id: string; kind: string; value: string; reason: string | null; expiresAt: number | null; createdBy: string | null; active: boolean }>;
}

/** One message from a visitor socket: its ack or its error frame (the first one after it was sent). */
async function attempt(socket: TestSocket, text: string, conversationId?: string, clientId: string = randomUUID()) {
  const from = socket.frames.length;
  socket.send({ type: 'message.send', clientId, text, ...(conversationId ? { conversationId } : {}) });
  return answerTo(socket, clientId, from);
}

/** The first ack or error frame naming `clientId` received at or after index `from` (frames are not consumed). */
function answerTo(socket: TestSocket, clientId: string, from = 0) {
  return waitFrames(
    socket,
    (frames) =>
      frames.slice(from).find((f) => (f.type === 'ack' || f.type === 'error') && f.clientId === clientId) as Extract<ServerFrame, { type: 'ack' | 'error' }> | undefined,
    `ack or error for ${clientId}`,
  );
}

// ---------------------------------------------------------------------------------------------------------

describe('issue 6: blocks (TRUST_PROXY=1: the test speaks for other addresses)', () => {
  let server: TestServer;
  let admin: Api;

  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1' } });
    admin = await adminApi(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('block and end by the holder: open sockets get `blocked` + 4004, the address and the visitor are refused, the chat is closed "Blocked"', async () => {
    const holder = await onlineAgent(server, { name: 'Holder' });
    const member = await onlineAgent(server, { name: 'Member' });
    const queue = await makeQueue(server, { agentIds: [holder.id, member.id] });
    const IP = '198.51.100.10';

    const tab1 = await welcomedVisitor(server, IP, { queue: queue.name });
    const { conversationId } = await tab1.socket.say('compre bitcoin barato aqui');
    const tab2 = await welcomedVisitor(server, IP, { queue: queue.name, token: tab1.session.token });
    expect(tab2.session.visitorId).toBe(tab1.session.visitorId);
    const visitorId = tab1.session.visitorId;

    // Unassigned: a member of the queue sees it but does not hold it.
    const notHolder = await member.api.post(`/conversations/${conversationId}/block`, { reason: 'spam' });
    expect(notHolder.status).toBe(403);
    expect(notHolder.body.error.code).toBe('not_holder');

    // The holder claims it by replying; then the member no longer even sees it (SPEC D11/R10).
    expect((await send(holder.socket, conversationId, 'Olá!')).type).toBe('ack');
    const hidden = await member.api.post(`/conversations/${conversationId}/block`, {});
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('conversation_not_found');

    // A plain agent may not block a range, not even in its own conversation.
    const range = await holder.api.post(`/conversations/${conversationId}/block`, { cidr: '198.51.100.0/24' });
    expect(range.status).toBe(403);
    expect(range.body.error.code).toBe('forbidden');

    // None of the refusals blocked anything or closed anything.
    expect((await blockList(admin)).filter((b) => b.value === visitorId || b.value === IP || b.value.startsWith('198.51.100.'))).toEqual([]);
    expect((await stored(server, conversationId)).status).toBe('open');
    expect((await tab1.socket.say('ainda aqui', conversationId)).conversationId).toBe(conversationId);

    // Block and end.
    const blocked = await holder.api.post(`/conversations/${conversationId}/block`, { reason: 'spam' });
    expect(blocked.status).toBe(200);
    expect(blocked.body.conversation).toMatchObject({ id: conversationId, status: 'closed', wrapUpReason: 'Blocked' });

    for (const tab of [tab1, tab2]) {
      expect(await closedWithin(tab.socket)).toEqual({ code: CLOSE.blocked, error: 'blocked' });
    }
    const events = await storedEvents(server, conversationId);
    expect(events.at(-1)).toMatchObject({ kind: 'closed', data: { reason: 'Blocked' } });
    expect((await stored(server, conversationId)).status).toBe('closed');
    // The visitor heard that its chat closed (the widget's "chat ended"), before its socket went.
    expect(tab1.socket.all('event').some((f) => f.event.kind === 'closed')).toBe(true);

    // The blocks: the visitor and its address, with the reason and who blocked, without expiry.
    const list = await blockList(admin);
    expect(list.find((b) => b.kind === 'visitor' && b.value === visitorId)).toMatchObject({ reason: 'spam', createdBy: holder.id, expiresAt: null, active: true });
    expect(list.find((b) => b.kind === 'ip' && b.value === IP)).toMatchObject({ reason: 'spam', createdBy: holder.id, expiresAt: null, active: true });

    // Reconnecting from the same address: refused at the upgrade, and so is every HTTP route.
    const again = await visitorRefused(server, IP);
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('blocked');
    expect((await http(server, 'GET', '/healthz', IP)).status).toBe(403);

    // From another address, with a fresh token for the same visitor (the renewed one, and one signed
    // now): the upgrade passes, the hello is refused with 4004.
    const site = await server.papo.store.sites.byKey(server.siteKey);
    const signed = signVisitorToken({ siteId: site!.id, visitorId, exp: Date.now() + 3_600_000 }, TEST_SECRET);
    for (const token of [tab2.session.token, signed]) {
      const moved = await visitorFrom(server, '198.51.100.11', { token });
      expect(await closedWithin(moved)).toEqual({ code: CLOSE.blocked, error: 'blocked' });
      expect(moved.all('welcome')).toEqual([]);
    }

    // Someone else on that other address is served; the holder keeps working.
    const honest = await welcomedVisitor(server, '198.51.100.11', { queue: queue.name });
    expect((await honest.socket.say('Olá, tudo bem?')).seq).toBeGreaterThan(0);
    expect((await holder.api.get('/auth/me')).status).toBe(200);
    await honest.socket.close();
  });

  it('block and end by a supervisor who does not hold it, with an expiry in minutes', async () => {
    const holder = await onlineAgent(server);
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const queue = await makeQueue(server, { agentIds: [holder.id] });
    const IP = '198.51.100.20';
    const v = await welcomedVisitor(server, IP, { queue: queue.name });
    const { conversationId } = await v.socket.say('oi');
    expect((await send(holder.socket, conversationId, 'Olá')).type).toBe('ack');

    const before = Date.now();
    const res = await supervisor.api.post(`/conversations/${conversationId}/block`, { reason: 'abuse', expiresInMinutes: 5 });
    expect(res.status).toBe(200);
    expect(res.body.conversation.status).toBe('closed');
    expect(await closedWithin(v.socket)).toEqual({ code: CLOSE.blocked, error: 'blocked' });
    const ipBlock = (await blockList(admin)).find((b) => b.kind === 'ip' && b.value === IP)!;
    expect(ipBlock).toMatchObject({ reason: 'abuse', createdBy: supervisor.id, active: true });
    expect(ipBlock.expiresAt).toBeGreaterThanOrEqual(before + 5 * 60_000);
    expect(ipBlock.expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect((await visitorRefused(server, IP)).status).toBe(403);
  });

  it('an admin blocking a conversation may add a CIDR range; an invalid range is refused and blocks nothing', async () => {
    const IP = '198.51.100.130';
    const v = await welcomedVisitor(server, IP);
    const { conversationId } = await v.socket.say('oi');

    const bad = await admin.post(`/conversations/${conversationId}/block`, { cidr: '198.51.100.128/99' });
    expect(bad.status).toBe(400);
    // (The visitor itself was blocked before the range was checked? It must not have been.)
    const afterBad = await blockList(admin);
    expect(afterBad.filter((b) => b.value === v.session.visitorId || b.value === IP)).toEqual([]);
    expect(v.socket.ws.readyState).toBe(WebSocket.OPEN);

    const res = await admin.post(`/conversations/${conversationId}/block`, { cidr: '198.51.100.128/25', reason: 'botnet' });
    expect(res.status).toBe(200);
    expect(await closedWithin(v.socket)).toEqual({ code: CLOSE.blocked, error: 'blocked' });
    expect((await visitorRefused(server, '198.51.100.200')).body.error.code).toBe('blocked');
    const outside = await welcomedVisitor(server, '198.51.100.30');
    await outside.socket.close();
  });

  it('admins list and lift blocks; a lifted address connects again; bad values are refused', async () => {
    const IP = '192.0.2.77';
    const created = await admin.post('/blocks', { kind: 'ip', value: IP, reason: 'flood' });
    expect(created.status).toBe(201);
    expect(created.body.block).toMatchObject({ kind: 'ip', value: IP, reason: 'flood', expiresAt: null, active: true });
    const id = created.body.block.id as string;

    expect((await visitorRefused(server, IP)).body.error.code).toBe('blocked');
    expect((await blockList(admin)).find((b) => b.id === id)).toMatchObject({ kind: 'ip', value: IP, active: true });

    expect((await admin.delete(`/blocks/${id}`)).status).toBe(204);
    expect((await blockList(admin)).find((b) => b.id === id)).toBeUndefined();
    const back = await welcomedVisitor(server, IP);
    expect((await back.socket.say('voltei')).seq).toBeGreaterThan(0);
    await back.socket.close();
    expect((await admin.delete(`/blocks/${id}`)).status).toBe(404);

    for (const body of [
      { kind: 'ip', value: 'not-an-address' },
      { kind: 'ip', value: '203.0.113.0/24' },
      { kind: 'cidr', value: '203.0.113.0/33' },
      { kind: 'cidr', value: '203.0.113.9' },
      { kind: 'country', value: 'BR' },
      { kind: 'ip', value: '' },
      { kind: 'ip', value: '192.0.2.1', expiresAt: 'tomorrow' },
    ]) {
      const res = await admin.post('/blocks', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('a visitor block added by an admin closes that visitor\'s open sockets with 4004', async () => {
    const v = await welcomedVisitor(server, '192.0.2.111');
    await v.socket.say('oi');
    const created = await admin.post('/blocks', { kind: 'visitor', value: v.session.visitorId });
    expect(created.status).toBe(201);
    expect(await closedWithin(v.socket)).toEqual({ code: CLOSE.blocked, error: 'blocked' });
    // Its address is not blocked: someone else there is served.
    const neighbour = await welcomedVisitor(server, '192.0.2.111');
    await neighbour.socket.close();
    expect((await admin.delete(`/blocks/${created.body.block.id}`)).status).toBe(204);
    // Lifted: the visitor itself is welcome again.
    const back = await welcomedVisitor(server, '192.0.2.111', { token: v.session.token });
    expect(back.session.visitorId).toBe(v.session.visitorId);
    await back.socket.close();
  });

  it('a block expires by itself (expiresAt ~1.5 s ahead); one already expired refuses nothing and lists as inactive', async () => {
    const IP = '192.0.2.88';
    const expiresAt = Date.now() + 1500;
    const created = await admin.post('/blocks', { kind: 'ip', value: IP, expiresAt });
    expect(created.status).toBe(201);
    expect(created.body.block).toMatchObject({ expiresAt, active: true });
    expect((await visitorRefused(server, IP)).status).toBe(403);
    expect((await http(server, 'GET', '/healthz', IP)).status).toBe(403);

    await sleep(Math.max(0, expiresAt - Date.now()));
    // The matcher is rebuilt at most once a second: within a second or so of the expiry it lets them in.
    const welcomed = await eventually(
      async () => {
        try {
          return await welcomedVisitor(server, IP);
        } catch {
          return undefined;
        }
      },
      'the expired block to stop refusing',
      5000,
    );
    await welcomed.socket.close();
    expect((await http(server, 'GET', '/healthz', IP)).status).toBe(200);
    expect((await blockList(admin)).find((b) => b.id === created.body.block.id)).toMatchObject({ active: false });

    const past = await admin.post('/blocks', { kind: 'ip', value: '192.0.2.89', expiresAt: Date.now() - 1000 });
    expect(past.status).toBe(201);
    expect(past.body.block.active).toBe(false);
    const fine = await welcomedVisitor(server, '192.0.2.89');
    await fine.socket.close();
  });

  it('a CIDR block of 203.0.113.0/24 refuses 203.0.113.9 (X-Forwarded-For, TRUST_PROXY=1) and nobody outside it', async () => {
    const created = await admin.post('/blocks', { kind: 'cidr', value: '203.0.113.0/24', reason: 'range' });
    expect(created.status).toBe(201);
    for (const ip of ['203.0.113.9', '203.0.113.0', '203.0.113.255', '::ffff:203.0.113.9']) {
      const refused = await visitorRefused(server, ip);
      expect(refused.status, ip).toBe(403);
      expect(refused.body.error.code, ip).toBe('blocked');
      expect((await http(server, 'GET', '/healthz', ip)).status, ip).toBe(403);
    }
    // A client-made prefix cannot dodge it: with one trusted proxy only the right-most entry counts.
    expect((await visitorRefused(server, '192.0.2.1, 203.0.113.9')).status).toBe(403);
    for (const ip of ['203.0.114.9', '203.0.112.255']) {
      const v = await welcomedVisitor(server, ip);
      await v.socket.close();
    }
    // A blocked client cannot shift the blame onto someone else's address by prefixing it either.
    const v = await welcomedVisitor(server, '203.0.113.9, 192.0.2.2');
    await v.socket.close();
    expect((await admin.delete(`/blocks/${created.body.block.id}`)).status).toBe(204);
    const lifted = await welcomedVisitor(server, '203.0.113.9');
    await lifted.socket.close();
  });

  it('every HTTP route answers 403 `blocked` to a blocked address, signed in or not', async () => {
    const IP = '192.0.2.99';
    const adminCookie = await login(server);
    type Probe = [method: string, path: string, headers?: Record<string, string>, body?: unknown];
    const probes: Probe[] = [
      ['GET', '/'],
      ['GET', '/demo/another-page.html'],
      ['GET', '/widget/papo.js'],
      ['GET', '/console/'],
      ['GET', '/console'],
      ['GET', '/favicon.ico'],
      ['GET', '/healthz'],
      ['GET', '/no-such-page'],
      ['GET', '/api/v1/auth/me', { cookie: adminCookie }],
      ['GET', '/api/v1/blocks', { cookie: adminCookie }],
      ['GET', '/api/v1/conversations', { cookie: adminCookie }],
      ['POST', '/api/v1/auth/login', {}, { email: 'admin@example.com', password: 'correct horse battery staple' }],
      ['POST', '/api/v1/auth/logout', { cookie: adminCookie }, {}],
      ['OPTIONS', '/api/v1/auth/login', { origin: 'https://evil.example', 'access-control-request-method': 'POST' }],
      ['POST', '/api/v1/bot/conversations/x/messages', { authorization: 'Bearer nope' }, { clientId: randomUUID(), text: 'oi' }],
    ];
    // Before the block the same requests are not refused as blocked.
    for (const [method, path, headers, body] of probes) {
      const res = await http(server, method, path, IP, headers, body);
      expect(res.body?.error?.code, `${method} ${path} before`).not.toBe('blocked');
    }
    // (The logout above ended that session: sign in again.)
    const adminCookie2 = await login(server);
    for (const p of probes) if (p[2]?.cookie) p[2].cookie = adminCookie2;

    const created = await admin.post('/blocks', { kind: 'ip', value: IP });
    expect(created.status).toBe(201);
    for (const [method, path, headers, body] of probes) {
      const res = await http(server, method, path, IP, headers, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body?.error?.code, `${method} ${path}`).toBe('blocked');
    }
    const head = await http(server, 'HEAD', '/healthz', IP);
    expect(head.status).toBe(403);
    // The same cookie from an address that is not blocked still works: the block is the address's.
    expect((await http(server, 'GET', '/api/v1/auth/me', null, { cookie: adminCookie2 })).status).toBe(200);
    expect((await admin.delete(`/blocks/${created.body.block.id}`)).status).toBe(204);
    expect((await http(server, 'GET', '/healthz', IP)).status).toBe(200);
  });
});

describe('issue 6: TRUST_PROXY=0 ignores X-Forwarded-For', () => {
  let server: TestServer;
  let admin: Api;

  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '0' } });
    admin = await adminApi(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a spoofed X-Forwarded-For cannot frame someone else: the blocked address it names is not applied', async () => {
    const created = await admin.post('/blocks', { kind: 'ip', value: '203.0.113.77' });
    expect(created.status).toBe(201);
    expect((await http(server, 'GET', '/healthz', '203.0.113.77')).status).toBe(200);
    const v = await welcomedVisitor(server, '203.0.113.77');
    expect((await v.socket.say('oi')).seq).toBeGreaterThan(0);
    await v.socket.close();
  });

  it('block and end records the real peer (127.0.0.1), not the spoofed address; a spoofed header cannot dodge that block', async () => {
    const v = await welcomedVisitor(server, '198.51.100.200');
    const { conversationId } = await v.socket.say('spam');
    const res = await admin.post(`/conversations/${conversationId}/block`, { reason: 'spam' });
    expect(res.status).toBe(200);
    expect(await closedWithin(v.socket)).toEqual({ code: CLOSE.blocked, error: 'blocked' });

    const blocks = await server.papo.store.blocks.list();
    expect(blocks.filter((b) => b.kind === 'ip').map((b) => b.value).sort()).toEqual(['127.0.0.1', '203.0.113.77']);
    expect(blocks.some((b) => b.value === '198.51.100.200')).toBe(false);

    // Every client of this server is 127.0.0.1: whatever X-Forwarded-For says, refused.
    for (const ip of [null, '198.51.100.201', '8.8.8.8', '127.0.0.2']) {
      const refused = await visitorRefused(server, ip);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('blocked');
      const res2 = await http(server, 'GET', '/healthz', ip);
      expect(res2.status).toBe(403);
      expect(res2.body.error.code).toBe('blocked');
    }
  });
});

describe('issue 6: connection attempts per minute (RATE_CONNECTIONS_PER_MIN=4)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', RATE_CONNECTIONS_PER_MIN: '4' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('the fifth upgrade in a minute from one address gets 429 `rate_limited` with Retry-After; others, and the open sockets, keep working', async () => {
    const IP = '192.0.2.10';
    const open = [];
    for (let i = 0; i < 4; i++) open.push(await welcomedVisitor(server, IP));
    const refused = await visitorRefused(server, IP);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    // perMinute(4): one attempt back every 15 s.
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(14_000);
    expect(refused.body.error.retryAfterMs).toBeLessThanOrEqual(15_000);
    expect(refused.retryAfter).toBe('15');
    // Refused attempts keep being refused (they do not reset anything).
    expect((await visitorRefused(server, IP)).status).toBe(429);

    // The sockets already open keep chatting; another address connects; the server is up.
    for (const v of open) expect((await v.socket.say('ainda aqui')).seq).toBeGreaterThan(0);
    const other = await welcomedVisitor(server, '192.0.2.11');
    expect((await other.socket.say('oi')).seq).toBeGreaterThan(0);
    expect((await http(server, 'GET', '/healthz', IP)).status).toBe(200);
    for (const v of [...open, other]) await v.socket.close();
  });
});

describe('issue 6: concurrent sockets per address (MAX_SOCKETS_PER_IP=2)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', MAX_SOCKETS_PER_IP: '2' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a third socket from one address is refused with 429; closing one makes room; other addresses are not affected', async () => {
    const IP = '192.0.2.20';
    const a = await welcomedVisitor(server, IP);
    const b = await welcomedVisitor(server, IP);
    const refused = await visitorRefused(server, IP);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);

    const other = await welcomedVisitor(server, '192.0.2.21');
    expect((await a.socket.say('oi')).seq).toBeGreaterThan(0);

    await a.socket.close();
    const c = await eventually(
      async () => {
        try {
          return await welcomedVisitor(server, IP);
        } catch {
          return undefined;
        }
      },
      'room for a socket after one closed',
      5000,
    );
    expect((await c.socket.say('entrei')).seq).toBeGreaterThan(0);
    for (const s of [b, c, other]) await s.socket.close();
  });
});

describe('L1 (issue 11 F10): socket limits count an IPv6 client by its /64 (MAX_SOCKETS_PER_IP=2, RATE_CONVERSATIONS_PER_MIN=2)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', MAX_SOCKETS_PER_IP: '2', RATE_CONVERSATIONS_PER_MIN: '2' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('L1: sockets and new conversations from addresses of one /64 share its budgets, closing frees its socket, the next /64 has its own', async () => {
    const a = await welcomedVisitor(server, '2001:db8:9:1::1');
    const b = await welcomedVisitor(server, '2001:db8:9:1:ffff::2');
    await a.socket.say('primeira');
    await b.socket.say('segunda');
    expect((await visitorRefused(server, '2001:db8:9:1::3')).status).toBe(429);
    expect(server.papo.sizes().addressesWithSockets).toBe(1);

    await a.socket.close();
    const c = await eventually(() => welcomedVisitor(server, '2001:db8:9:1:abcd::4').catch(() => undefined), 'room for a socket in the /64', 5000);
    expect(await attempt(c.socket, 'terceira')).toMatchObject({ type: 'error', code: 'rate_limited' });

    const next = await welcomedVisitor(server, '2001:db8:9:2::1');
    expect((await next.socket.say('outra rede')).seq).toBeGreaterThan(0);
    expect(server.papo.sizes().addressesWithSockets).toBe(2);
    for (const s of [b, c, next]) await s.socket.close();
    await eventually(async () => (server.papo.sizes().addressesWithSockets === 0 ? true : undefined), 'no address with a socket counted', 5000);
  });
});

describe('issue 6: messages per second (RATE_MESSAGES_PER_SEC=2: a burst of 4)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_MESSAGES_PER_SEC: '2' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('past the burst: `rate_limited` naming the clientId with retryAfterMs, nothing stored; after retryAfterMs it is accepted; others keep writing', async () => {
    const agent = await openAgent(server);
    const v = await welcomedVisitor(server, null);
    const { conversationId } = await v.socket.say('primeira');
    await sleep(2100); // the bucket is full again (4 tokens)

    const ids = Array.from({ length: 6 }, () => randomUUID());
    const from = v.socket.frames.length;
    for (const [i, clientId] of ids.entries()) v.socket.send({ type: 'message.send', clientId, conversationId, text: `rajada ${i}` });
    const answers = await Promise.all(ids.map((id) => answerTo(v.socket, id, from)));
    expect(answers.map((a) => a.type)).toEqual(['ack', 'ack', 'ack', 'ack', 'error', 'error']);
    const refused = answers.slice(4) as Array<Extract<ServerFrame, { type: 'error' }>>;
    for (const [i, e] of refused.entries()) {
      expect(e).toMatchObject({ code: 'rate_limited', clientId: ids[4 + i] });
      expect(e.retryAfterMs).toBeGreaterThan(0);
      expect(e.retryAfterMs).toBeLessThanOrEqual(500);
    }
    // Nothing stored for the refused ones.
    const texts = () => storedEvents(server, conversationId).then((es) => es.filter((e) => e.kind === 'message').map((e) => e.text));
    expect(await texts()).toEqual(['primeira', 'rajada 0', 'rajada 1', 'rajada 2', 'rajada 3']);

    // The agent is another actor: it writes into the same conversation meanwhile.
    expect((await send(agent.socket, conversationId, 'Olá, calma')).type).toBe('ack');

    // After waiting what it was told, the resend (same clientId) is accepted and stored once.
    await sleep(refused[0]!.retryAfterMs!);
    const retry = await attempt(v.socket, 'rajada 4', conversationId, ids[4]);
    expect(retry.type).toBe('ack');
    expect((await texts()).filter((t) => t === 'rajada 4')).toHaveLength(1);
    expect(v.socket.ws.readyState).toBe(WebSocket.OPEN);

    // Another visitor was never limited by this one.
    const other = await welcomedVisitor(server, null);
    expect((await other.socket.say('eu também')).seq).toBeGreaterThan(0);
    for (const s of [v, other]) await s.socket.close();
    await agent.socket.close();
  });
});

describe('issue 6: new conversations per address per minute (RATE_CONVERSATIONS_PER_MIN=2)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', RATE_CONVERSATIONS_PER_MIN: '2' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a third new conversation from one address is `rate_limited` with retryAfterMs and its clientId, and nothing is stored; existing chats go on', async () => {
    const IP = '192.0.2.40';
    const v1 = await welcomedVisitor(server, IP);
    const v2 = await welcomedVisitor(server, IP);
    const c1 = await v1.socket.say('primeira conversa');
    await v2.socket.say('segunda conversa');

    const v3 = await welcomedVisitor(server, IP);
    const clientId = randomUUID();
    const refused = await attempt(v3.socket, 'terceira conversa', undefined, clientId);
    expect(refused).toMatchObject({ type: 'error', code: 'rate_limited', clientId });
    const retryAfterMs = (refused as Extract<ServerFrame, { type: 'error' }>).retryAfterMs!;
    // perMinute(2): one back every 30 s.
    expect(retryAfterMs).toBeGreaterThan(25_000);
    expect(retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(await server.papo.store.conversations.list({ visitorId: v3.session.visitorId, status: ['open', 'ended', 'closed'], limit: 10 })).toEqual([]);
    // Asking again at once is refused again, and the socket stays open.
    expect(await attempt(v3.socket, 'terceira conversa', undefined, clientId)).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(v3.socket.ws.readyState).toBe(WebSocket.OPEN);

    // A visitor with an open conversation keeps writing in it; another address starts one.
    expect((await v1.socket.say('continuo', c1.conversationId)).conversationId).toBe(c1.conversationId);
    expect((await v1.socket.say('sem id também')).conversationId).toBe(c1.conversationId);
    const elsewhere = await welcomedVisitor(server, '192.0.2.41');
    const started = await elsewhere.socket.say('outra rede');
    expect(started.conversationId).not.toBe(c1.conversationId);
    for (const s of [v1, v2, v3, elsewhere]) await s.socket.close();
  });
});

describe('issue 6: sign-in attempts (RATE_LOGINS_PER_15_MIN=3, per address and per e-mail)', () => {
  let server: TestServer;
  let admin: Api;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '1', RATE_LOGINS_PER_15_MIN: '3' } });
    admin = await adminApi(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  const tryLogin = (ip: string, email: string, password: string) => http(server, 'POST', '/api/v1/auth/login', ip, {}, { email, password });

  it('per address: the fourth attempt is 429 with Retry-After, even with the right password', async () => {
    const IP = '192.0.2.60';
    for (let i = 0; i < 3; i++) expect((await tryLogin(IP, `nobody-${i}@example.com`, 'wrong-password')).status).toBe(401);
    const limited = await tryLogin(IP, 'admin@example.com', 'correct horse battery staple');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    // 3 per 15 minutes: one back every 300 s.
    expect(limited.body.error.retryAfterMs).toBeGreaterThan(290_000);
    expect(Number(limited.retryAfter)).toBeGreaterThan(290);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(300);
    // Another address signs in; signed-in agents keep working.
    expect((await tryLogin('192.0.2.61', 'admin@example.com', 'correct horse battery staple')).status).toBe(200);
    expect((await admin.get('/auth/me')).status).toBe(200);
  });

  it('per e-mail: guessing one account from many addresses locks that account\'s sign-in, not the others', async () => {
    const email = `target-${randomUUID().slice(0, 8)}@example.com`;
    const password = 'the-right-password';
    expect((await admin.post('/agents', { email, name: 'Alvo', password, role: 'agent' })).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await tryLogin(`192.0.2.${70 + i}`, email, 'wrong-password')).status).toBe(401);
    const limited = await tryLogin('192.0.2.80', email, password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.retryAfter).not.toBeNull();
    // The e-mail is compared without case.
    expect((await tryLogin('192.0.2.81', email.toUpperCase(), password)).status).toBe(429);
    // Another account from a fresh address is fine; the server is up.
    expect((await tryLogin('192.0.2.82', 'admin@example.com', 'correct horse battery staple')).status).toBe(200);
    expect((await http(server, 'GET', '/healthz', null)).status).toBe(200);
  });
});

describe('issue 6: slow readers (MAX_BUFFERED_BYTES=65536, the minimum)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { MAX_BUFFERED_BYTES: '65536' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('an agent socket that stops reading is closed (4005, or terminated) while a reading agent and the visitor keep going, even in bursts', async () => {
    const slow = await openAgent(server);
    const healthy = await openAgent(server);
    const v = await welcomedVisitor(server, null);
    const { conversationId } = await v.socket.say('começo');
    for (const a of [slow, healthy]) {
      a.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
      await a.socket.next('history', (h) => h.conversationId === conversationId);
    }
    // Stop reading: what the server sends piles up in the kernel's buffers, then in the server's.
    const tcp = (slow.socket.ws as unknown as { _socket: import('node:net').Socket })._socket;
    tcp.pause();
    let slowGone = false;
    void slow.socket.closed.then(() => (slowGone = true));

    const text = 'x'.repeat(1000);
    const BATCH = 60; // ~60 * 2.2 KB to each agent in one group commit: more than the bound in one turn
    let sent = 0;
    const started = Date.now();
    while (!slowGone && sent < 20_000 && Date.now() - started < 60_000) {
      const ids = Array.from({ length: BATCH }, () => randomUUID());
      for (const clientId of ids) v.socket.send({ type: 'message.send', clientId, conversationId, text });
      for (const clientId of ids) await v.socket.next('ack', (a) => a.clientId === clientId, 10_000);
      sent += BATCH;
      // A write from the paused client meets the server's reset once it has given the socket up.
      if (slow.socket.ws.readyState === WebSocket.OPEN) slow.socket.ws.ping();
      await new Promise((r) => setImmediate(r));
    }
    expect(slowGone, `the slow reader was still open after ${sent} messages`).toBe(true);
    tcp.resume();
    const { code } = await slow.socket.closed;
    expect([CLOSE.slow_reader, 1006]).toContain(code);

    // The reading agent got every message and is still open; the visitor too; the server serves.
    expect(healthy.socket.ws.readyState).toBe(WebSocket.OPEN);
    expect(v.socket.ws.readyState).toBe(WebSocket.OPEN);
    const last = await v.socket.say('fim', conversationId);
    const seen = await healthy.socket.next('event', (f) => f.event.seq === last.seq, 10_000);
    expect(seen.event.text).toBe('fim');
    const messages = healthy.socket.all('event').filter((f) => f.event.kind === 'message');
    expect(messages.length).toBe(sent + 1);
    const fresh = await openAgent(server);
    fresh.socket.send({ type: 'watch', conversationId, afterSeq: last.seq - 1 });
    expect((await fresh.socket.next('history', (h) => h.conversationId === conversationId)).events.at(-1)?.text).toBe('fim');
    for (const s of [healthy.socket, fresh.socket, v.socket]) await s.close();
  }, 90_000);
});

describe('issue 6: block and end never locks the team out', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: '0' } });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('when an agent console uses the visitor\'s address (same office or NAT), only the visitor id is blocked', async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const v = await welcomedVisitor(server, null);
    const { conversationId } = await v.socket.say('spam');
    expect((await supervisor.api.post(`/conversations/${conversationId}/block`, { reason: 'spam' })).status).toBe(200);
    expect(await closedWithin(v.socket)).toEqual({ code: CLOSE.blocked, error: 'blocked' });
    const blocks = await server.papo.store.blocks.list();
    expect(blocks.map((b) => b.kind)).toEqual(['visitor']);
    // The team and other visitors on that address carry on.
    expect((await http(server, 'GET', '/healthz', null)).status).toBe(200);
    const other = await welcomedVisitor(server, null);
    expect((await other.socket.say('oi')).seq).toBeGreaterThan(0);
  });
});
