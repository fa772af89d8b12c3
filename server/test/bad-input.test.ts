import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/errors';
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS } from '../../shared/limits';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { signVisitorToken } from '../domain/visitor-token';
import { uuidv7 } from '../ids';
import { expectStillServing, openAgent, openVisitor, TestSocket, UpgradeRefused } from './clients';
import { serverForAll, TEST_SECRET } from './harness';

const server = serverForAll();
/** An honest visitor and agent who keep chatting while others misbehave. */
let bystander: { visitor: Awaited<ReturnType<typeof openVisitor>>; agent: Awaited<ReturnType<typeof openAgent>>; conversationId: string };

beforeAll(async () => {
  const visitor = await openVisitor(server);
  const agent = await openAgent(server);
  const { conversationId } = await visitor.socket.say('estou aqui desde o início');
  bystander = { visitor, agent, conversationId };
});

afterEach(() => expectStillServing(server, bystander));

async function countEvents(): Promise<number> {
  const list = await server.papo.store.conversations.list({ limit: 1000 });
  return list.reduce((n, c) => n + c.lastSeq, 0);
}

/** Sends a bad frame on a ready visitor socket; expects an error frame, an open socket and nothing stored. */
async function expectRefused(frame: string, code: string) {
  const { socket } = await openVisitor(server);
  const { conversationId } = await socket.say('mensagem válida');
  const before = await countEvents();
  socket.send(frame.replace('$CONVERSATION', conversationId));
  const error = await socket.next('error');
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  // The socket stays usable.
  socket.send({ type: 'ping', id: 7 });
  expect(await socket.next('pong')).toEqual({ type: 'pong', id: 7 });
  expect(await countEvents()).toBe(before);
  return error;
}

describe('D9: bad frames get a typed error and change nothing', () => {
  it('malformed JSON answers invalid_json', async () => {
    await expectRefused('{"type": "message.send", "text": ', 'invalid_json');
  });

  it('an unknown frame type answers unknown_frame_type', async () => {
    await expectRefused('{"type":"message.delete","id":1}', 'unknown_frame_type');
  });

  it('a frame that is not an object answers invalid_frame', async () => {
    await expectRefused('[1,2,3]', 'invalid_frame');
  });

  it('a message over 1000 characters answers message_too_long with its client id', async () => {
    const clientId = randomUUID();
    const text = 'a'.repeat(MAX_MESSAGE_CHARS + 1);
    const error = await expectRefused(JSON.stringify({ type: 'message.send', clientId, conversationId: '$CONVERSATION', text }), 'message_too_long');
    expect(error.clientId).toBe(clientId);
  });

  it('exactly 1000 characters, emoji counted once, is accepted', async () => {
    const { socket } = await openVisitor(server);
    const text = '👍'.repeat(MAX_MESSAGE_CHARS); // 2000 UTF-16 units, 1000 characters
    const ack = await socket.say(text);
    const stored = await server.papo.store.events.after(ack.conversationId, 0, { limit: 10 });
    expect(stored.find((e) => e.seq === ack.seq)?.text).toBe(text);
  });

  it('an empty or blank message answers message_empty', async () => {
    await expectRefused(JSON.stringify({ type: 'message.send', clientId: randomUUID(), text: ' \n\t ' }), 'message_empty');
  });

  it('a client id that is not a UUID answers invalid_frame', async () => {
    await expectRefused(JSON.stringify({ type: 'message.send', clientId: 'abc', text: 'oi' }), 'invalid_frame');
  });

  it('__proto__ keys pollute nothing and change nothing', async () => {
    const { socket } = await openVisitor(server);
    const clientId = randomUUID();
    // The server runs in this process: a polluted Object.prototype would show here.
    socket.send(`{"type":"message.send","clientId":"${clientId}","text":"real","__proto__":{"text":"injected","polluted":true}}`);
    const ack = await socket.next('ack', (a) => a.clientId === clientId);
    const stored = await server.papo.store.events.after(ack.conversationId, 0, { limit: 10 });
    expect(stored.find((e) => e.clientId === clientId)?.text).toBe('real');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('a frame before hello answers hello_required', async () => {
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
    socket.send({ type: 'message.send', clientId: randomUUID(), text: 'sem hello' });
    expect((await socket.next('error')).code).toBe('hello_required');
    await socket.close();
  });

  it('a frame over 64 KiB closes that socket with 1009 and stores nothing', async () => {
    const { socket } = await openVisitor(server);
    const before = await countEvents();
    socket.send(JSON.stringify({ type: 'message.send', clientId: randomUUID(), text: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect((await socket.closed).code).toBe(CLOSE.frame_too_large);
    expect(await countEvents()).toBe(before);
  });

  it('an unsupported protocol version answers unsupported_version and closes with 4002', async () => {
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
    socket.send({ type: 'hello', v: PROTOCOL_VERSION + 1 });
    expect((await socket.next('error')).code).toBe('unsupported_version');
    expect((await socket.closed).code).toBe(CLOSE.unsupported_version);
  });
});

describe('D10: who may connect', () => {
  async function refusedUpgrade(url: string, headers: Record<string, string>) {
    const err = await TestSocket.open(url, headers).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpgradeRefused);
    const refused = err as UpgradeRefused;
    return { status: refused.status, body: JSON.parse(refused.body) as { error: { code: string; message: string } } };
  }

  it('an unknown site key is refused at the upgrade with 404 site_not_found', async () => {
    const { status, body } = await refusedUpgrade(`${server.wsUrl}?role=visitor&site=pk_nope`, { origin: server.origin });
    expect(status).toBe(404);
    expect(body.error.code).toBe('site_not_found');
  });

  it('an Origin not allowed for the site is refused with 403 origin_not_allowed', async () => {
    const { status, body } = await refusedUpgrade(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: 'https://evil.example' });
    expect(status).toBe(403);
    expect(body.error.code).toBe('origin_not_allowed');
  });

  it('a visitor upgrade without Origin is refused', async () => {
    const { status } = await refusedUpgrade(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, {});
    expect(status).toBe(403);
  });

  it.each([
    ['a forged token', () => signVisitorToken({ siteId: 'x', visitorId: uuidv7(), exp: Date.now() + 60_000 }, 'not-the-secret-not-the-secret-123456'), 'token_invalid'],
    ['garbage', () => 'v1.garbage.more', 'token_invalid'],
    ['an expired token', async () => signVisitorToken({ siteId: await siteId(), visitorId: uuidv7(), exp: Date.now() - 1 }, TEST_SECRET), 'token_expired'],
    ['a token for another site', () => signVisitorToken({ siteId: uuidv7(), visitorId: uuidv7(), exp: Date.now() + 60_000 }, TEST_SECRET), 'token_invalid'],
  ])('%s answers a typed error and closes with 4001', async (_name, makeToken, code) => {
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
    socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: await makeToken() });
    expect((await socket.next('error')).code).toBe(code);
    expect((await socket.closed).code).toBe(CLOSE.auth_failed);
  });

  it('an agent upgrade without a session is refused with 401', async () => {
    const { status, body } = await refusedUpgrade(`${server.wsUrl}?role=agent`, { origin: server.origin });
    expect(status).toBe(401);
    expect(body.error.code).toBe('not_authenticated');
  });

  it('an agent upgrade from a foreign Origin is refused with 403 even with a valid cookie', async () => {
    const agent = await openAgent(server);
    await agent.socket.close();
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'correct horse battery staple' }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const { status } = await refusedUpgrade(`${server.wsUrl}?role=agent`, { origin: 'https://evil.example', cookie });
    expect(status).toBe(403);
  });

  it('an upgrade whose path is not a URL path (//) is refused with 404, not a 500', async () => {
    const { createConnection } = await import('node:net');
    const port = new URL(server.url).port;
    const answer = await new Promise<string>((resolve, reject) => {
      const tcp = createConnection(Number(port), '127.0.0.1', () =>
        tcp.write(
          'GET // HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        ),
      );
      let data = '';
      tcp.on('data', (d) => (data += d.toString()));
      tcp.on('end', () => resolve(data));
      tcp.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"code":"not_found"');
  });

  it('an upgrade on another path or role is refused', async () => {
    expect((await refusedUpgrade(`${server.url.replace('http', 'ws')}/other`, { origin: server.origin })).status).toBe(404);
    expect((await refusedUpgrade(`${server.wsUrl}?role=root`, { origin: server.origin })).status).toBe(400);
  });
});

async function siteId(): Promise<string> {
  return (await server.papo.store.sites.byKey(server.siteKey))!.id;
}
