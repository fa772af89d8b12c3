/**
 * Issue 11 F6: the bot webhook is no way into the server's own network (SPEC A1). Real HTTP servers on
 * 127.0.0.1 play the services an attacker would aim at (and, allowed by BOT_WEBHOOK_ALLOW, a bot the
 * operator runs beside Papo); no msw here, so every call below is a real connection or none. The same
 * local bot shows that a stopped server calls it no more (SPEC R12, D12).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, eventually, visitor, type Api } from './agents';
import { startTestServer, type TestServer } from './harness';
import { hashToken } from '../ids';
import { WEBHOOK_RETRY_MS } from '../services/bot';
import { ManualTimers } from './manual-timers';

/** A local HTTP server that records what reaches it and answers with `respond` (null: holds the request unanswered). */
async function listener(respond: (req: IncomingMessage, port: number) => { status: number; headers?: Record<string, string> } | null = () => ({ status: 200 })) {
  const hits: Array<{ method: string; url: string; body: string }> = [];
  let port = 0;
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body });
      const answer = respond(req, port);
      if (answer) res.writeHead(answer.status, answer.headers).end('{}');
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
  return {
    hits,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

type Listener = Awaited<ReturnType<typeof listener>>;

let internal: Listener;
/** Servers a test started; stopped after it. */
const started: TestServer[] = [];

beforeAll(async () => {
  internal = await listener();
});
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});
afterAll(async () => {
  await internal.close();
});

async function papo(env: Record<string, string> = {}, servers: TestServer[] = started) {
  const server = await startTestServer({ env });
  servers.push(server);
  const admin = await adminApi(server);
  const siteId: string = (await admin.get('/sites')).body.sites[0].id;
  return { server, admin, siteId };
}

/** A visitor writes in a new conversation of the bot's site: the message that fires the webhook. */
async function visitorWrites(server: TestServer, text: string) {
  const v = await visitor(server);
  await v.socket.say(text);
  return v;
}

/** Waits until the server's log has a line matching `pattern` (the failed delivery's warning). */
function logged(server: TestServer, pattern: RegExp) {
  return eventually(() => server.problems.find((line) => pattern.test(line)), `a log line matching ${pattern}`);
}

describe('A1: saving a bot webhook', () => {
  let admin: Api;
  let siteId: string;
  const shared: TestServer[] = [];
  beforeAll(async () => {
    ({ admin, siteId } = await papo({}, shared));
  });
  afterAll(async () => {
    for (const s of shared) await s.stop();
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    [`http://127.0.0.1:5432`, 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://10.0.0.7/hook', 'private'],
    ['http://192.168.1.1/hook', 'private'],
    ['http://172.16.0.1/hook', 'private'],
    ['http://100.64.0.1/hook', 'shared (CGNAT)'],
    ['http://[fd12:3456::1]/hook', 'private'],
    ['http://[fe80::1]/hook', 'link-local'],
    ['http://224.0.0.1/hook', 'multicast'],
    ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['http://[::ffff:a9fe:a9fe]/hook', 'link-local'],
    ['http://2130706433/hook', 'loopback'], // 127.0.0.1 in decimal
    ['http://0x7f.0.0.1/hook', 'loopback'], // hex
    ['http://0177.0.0.1/hook', 'loopback'], // octal
    ['http://127.1/hook', 'loopback'], // short form
    ['http://localhost:8080/hook', 'loopback'],
    ['http://api.localhost/hook', 'loopback'],
  ])('A1: %s is refused with 400 webhook_not_allowed naming why (%s), and the site keeps no bot', async (url, why) => {
    const res = await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: url });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('webhook_not_allowed');
    expect(res.body.error.message).toContain(why);
    expect(res.body.error.message).toContain('BOT_WEBHOOK_ALLOW');
    expect((await admin.get('/sites')).body.sites[0].botWebhookUrl).toBeNull();
  });

  it('A1: a public address and a host name are saved', async () => {
    for (const url of ['https://bot.example.com/hook', 'http://93.184.216.34/hook', 'https://[2606:4700::1111]/hook']) {
      const res = await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: url });
      expect(res.status, url).toBe(200);
      expect(res.body.botWebhookUrl).toBe(url);
    }
    expect((await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: null })).status).toBe(200);
  });
});

describe('A1: delivering to a bot webhook', () => {
  it('A1: a host name that resolves to a private address is not called: a failed delivery, logged once', async () => {
    const { server, siteId } = await papo();
    // As a URL saved before this rule existed: stored directly, past the check at saving.
    await server.papo.store.sites.update(siteId, { botWebhookUrl: `http://localhost:${internal.port}/internal`, botTokenHash: hashToken('bot_legacy') });
    const before = internal.hits.length;
    const v = await visitorWrites(server, 'primeira');
    await v.socket.say('segunda');
    await v.socket.say('terceira');
    await server.papo.bot.idle();
    await logged(server, /bot webhook not called.*loopback/);
    expect(internal.hits.length).toBe(before);
    expect(server.problems.filter((line) => /bot webhook not called/.test(line))).toHaveLength(1);
  });

  it('A1: a redirect is not followed: the bot answering 307 to a private address is a failed delivery', async () => {
    const bot = await listener(() => ({ status: 307, headers: { location: `http://127.0.0.1:${internal.port}/internal` } }));
    try {
      const { server, admin, siteId } = await papo({ BOT_WEBHOOK_ALLOW: `127.0.0.1:${bot.port}` });
      expect((await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: `http://127.0.0.1:${bot.port}/hook` })).status).toBe(200);
      const before = internal.hits.length;
      await visitorWrites(server, 'siga o redirecionamento');
      await server.papo.bot.idle();
      await logged(server, /bot webhook.*redirect/);
      expect(internal.hits.length).toBe(before);
      expect(bot.hits).toHaveLength(1); // not retried either: a redirect will not change by itself
    } finally {
      await bot.close();
    }
  });

  it.each([
    ['an address and port', (port: number) => `127.0.0.1:${port}`, (port: number) => `http://127.0.0.1:${port}/hook`],
    ['a host name and port', (port: number) => `localhost:${port}`, (port: number) => `http://localhost:${port}/hook`],
    ['a CIDR range', () => '127.0.0.0/8', (port: number) => `http://127.0.0.1:${port}/hook`],
  ])('A1: BOT_WEBHOOK_ALLOW with %s lets a bot beside Papo work', async (_what, allow, url) => {
    const bot = await listener();
    try {
      const { server, admin, siteId } = await papo({ BOT_WEBHOOK_ALLOW: `bot.internal, ${allow(bot.port)}` });
      expect((await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: url(bot.port) })).status).toBe(200);
      await visitorWrites(server, 'olá bot local');
      const hit = await eventually(() => bot.hits.find((h) => h.body.includes('olá bot local')), 'the local bot receiving the message');
      expect(hit).toMatchObject({ method: 'POST', url: '/hook' });
      // The allowance is that address and port only: another local port stays refused.
      const other = await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: `http://127.0.0.1:5432/` });
      if (allow(bot.port).includes('/')) expect(other.status).toBe(200);
      else expect(other.body.error?.code).toBe('webhook_not_allowed');
    } finally {
      await bot.close();
    }
  });

  it('A1: a malformed BOT_WEBHOOK_ALLOW stops the start with a message naming it', async () => {
    await expect(startTestServer({ env: { BOT_WEBHOOK_ALLOW: '10.0.0.0/99' } })).rejects.toThrow(/BOT_WEBHOOK_ALLOW/);
  });
});

describe('R12, D12: a stopped server calls the webhook no more', () => {

  it.each([
    ['the retry of a call the webhook answered 503 is cancelled', () => ({ status: 503 })],
    ['a call under way (the webhook has not answered) is aborted, not retried', () => null],
  ])('R12, D12: stopping the server: %s; no call reaches the webhook after it stopped', async (_what, respond) => {
    const bot = await listener(respond);
    try {
      const timers = new ManualTimers();
      const server = await startTestServer({ env: { BOT_WEBHOOK_ALLOW: `127.0.0.1:${bot.port}` }, timers });
      started.push(server);
      const admin = await adminApi(server);
      const siteId: string = (await admin.get('/sites')).body.sites[0].id;
      expect((await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: `http://127.0.0.1:${bot.port}/hook` })).status).toBe(200);
      await visitorWrites(server, 'tente outra vez');
      await eventually(() => (bot.hits.length === 1 ? true : undefined), 'the first call, answered 503');

      await server.stop();
      timers.elapse(WEBHOOK_RETRY_MS); // the retry's pause has passed
      await server.papo.bot.idle();
      expect(bot.hits).toHaveLength(1);
      expect(server.problems.filter((line) => /bot webhook/.test(line))).toEqual([]);
    } finally {
      await bot.close();
    }
  });
});
