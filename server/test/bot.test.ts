/**
 * Bot hand-off against the real server (SPEC R12), with the bot's webhook played by msw: never a live
 * service. The server POSTs visitor messages to https://bot.example.test/hook; the test answers as the bot
 * through /api/v1/bot/* with the site's bearer token.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotWebhookPayload } from '../services/bot';
import { adminApi, createAgent, eventually, gone, makeQueue, onlineAgent, stored, storedEvents, summary, visitor, type Api } from './agents';
import { startTestServer, type TestServer } from './harness';

const HOOK = 'https://bot.example.test/hook';

/** What the webhook received, in arrival order, with each call's raw body and signature header. */
const received: BotWebhookPayload[] = [];
const calls: Array<{ body: string; signature: string | null }> = [];
const webhook = setupServer(
  http.post(HOOK, async ({ request }) => {
    const body = await request.text();
    calls.push({ body, signature: request.headers.get('x-papo-signature') });
    received.push(JSON.parse(body) as BotWebhookPayload);
    return HttpResponse.json({ ok: true });
  }),
);

/** The bot's own check, written from the README's description: HMAC-SHA256 of "<t>.<body>", key base64url(SHA-256(token)). */
function botAccepts(token: string, body: string, header: string | null): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const key = createHash('sha256').update(token).digest('base64url');
  const expected = createHmac('sha256', key).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

let server: TestServer;
let admin: Api;
let siteId: string;

beforeAll(() => webhook.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => webhook.close());
beforeEach(async () => {
  received.length = 0;
  calls.length = 0;
  server = await startTestServer();
  admin = await adminApi(server);
  siteId = (await admin.get('/sites')).body.sites[0].id;
});
afterEach(async () => {
  await server.stop();
});

/** Sets the site's bot: answers the bearer token (shown once). */
async function setBot(url: string | null = HOOK): Promise<string | null> {
  const res = await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: url });
  expect(res.status).toBe(200);
  return res.body.botToken;
}

/** The bot's own API: no cookie, no Origin, its bearer token. */
async function asBot(token: string | null, path: string, body: unknown) {
  const res = await fetch(`${server.url}/api/v1/bot${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Waits for the webhook to receive the visitor message with this text. */
function hookGot(text: string) {
  return eventually(() => received.find((p) => p.message.text === text), `the webhook receiving "${text}"`);
}

describe('R12 bot', () => {
  it('R12: setting a bot answers its token once; GET /sites shows the webhook but never the token', async () => {
    const token = await setBot();
    expect(token).toMatch(/^bot_\S{10,}$/);
    const sites = await admin.get('/sites');
    expect(sites.body.sites[0]).toMatchObject({ id: siteId, botWebhookUrl: HOOK });
    expect(JSON.stringify(sites.body)).not.toContain(token!);
    // A new token replaces the old one.
    const next = await setBot();
    expect(next).not.toBe(token);
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    expect((await asBot(token, `/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), text: 'velho' })).status).toBe(401);
    expect((await asBot(next, `/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), text: 'novo' })).status).toBe(200);
  });

  it('R12: a visitor message in a new conversation goes to the webhook; the bot replies through its API and the visitor sees a bot message', async () => {
    const token = await setBot();
    const v = await visitor(server, { page: { url: 'https://shop.example/' } });
    const { conversationId, seq } = await v.socket.say('Qual o horário de vocês?');
    expect(await stored(server, conversationId)).toMatchObject({ bot: true, assignedAgentId: null, offer: null });

    const payload = await hookGot('Qual o horário de vocês?');
    expect(payload).toEqual({
      type: 'message',
      siteId,
      conversationId,
      visitor: { id: v.session.visitorId, name: null },
      message: { seq, text: 'Qual o horário de vocês?', at: expect.any(Number) },
    });

    // R12: the call is signed with the site's bot token; a changed body or another token fails the check.
    const call = calls.find((c) => c.body.includes('Qual o horário de vocês?'))!;
    expect(token).toEqual(expect.any(String));
    expect(botAccepts(token!, call.body, call.signature)).toBe(true);
    expect(botAccepts(token!, call.body.replace('horário', 'horario'), call.signature)).toBe(false);
    expect(botAccepts(`${token}x`, call.body, call.signature)).toBe(false);
    expect(Math.abs(Number(/^t=(\d+)/.exec(call.signature!)![1]) - Date.now())).toBeLessThan(60_000);

    const clientId = crypto.randomUUID();
    const reply = await asBot(token, `/conversations/${conversationId}/messages`, { clientId, text: 'Das 9h às 18h.' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ conversationId, seq: expect.any(Number) });
    const seen = await v.socket.next('event', (f) => f.event.text === 'Das 9h às 18h.');
    expect(seen.event.author.kind).toBe('bot');
    // A resend with the same client id is stored once (SPEC D3).
    const again = await asBot(token, `/conversations/${conversationId}/messages`, { clientId, text: 'Das 9h às 18h.' });
    expect(again.body.seq).toBe(reply.body.seq);
    expect((await storedEvents(server, conversationId)).filter((e) => e.clientId === clientId)).toHaveLength(1);
    // The bot's own messages are not sent back to it.
    await v.socket.say('Obrigado');
    await hookGot('Obrigado');
    expect(received.map((p) => p.message.text)).toEqual(['Qual o horário de vocês?', 'Obrigado']);
  });

  it('R12: a wrong or missing bearer token answers 401 bot_token_invalid and stores nothing', async () => {
    await setBot();
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    const lastSeq = (await stored(server, conversationId)).lastSeq;
    for (const token of ['bot_not-the-token', null]) {
      const reply = await asBot(token, `/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), text: 'falso' });
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('bot_token_invalid');
      const handoff = await asBot(token, `/conversations/${conversationId}/handoff`, {});
      expect(handoff.status).toBe(401);
      expect(handoff.body.error.code).toBe('bot_token_invalid');
    }
    // An agent's session is no bot token either.
    const agentCall = await fetch(`${server.url}/api/v1/bot/conversations/${conversationId}/handoff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.origin, cookie: (await createAgent(server)).cookie },
      body: '{}',
    });
    expect(agentCall.status).toBe(401);
    expect((await stored(server, conversationId)).lastSeq).toBe(lastSeq);
  });

  it('R12: the bot hands off to a queue and agents see it under New; an agent returns it to the bot and the next visitor message goes to the webhook again', async () => {
    const token = await setBot();
    const support = (await admin.get('/queues')).body.queues.find((q: { name: string }) => q.name === 'Support');
    const agent = await onlineAgent(server, { queues: [support.id] });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Quero falar com uma pessoa');
    await hookGot('Quero falar com uma pessoa');
    // While the bot holds it, it is in nobody's New list and nobody takes it.
    expect((await agent.api.get(`/conversations/${conversationId}`)).status).toBe(404);
    expect((await agent.api.get('/conversations')).body.conversations).toEqual([]);

    const handoff = await asBot(token, `/conversations/${conversationId}/handoff`, { queue: 'support' });
    expect(handoff.status).toBe(200);
    expect(handoff.body.conversation).toMatchObject({ bot: false, queueId: support.id, assignedAgentId: null });
    expect((await storedEvents(server, conversationId)).slice(-2).map((e) => e.kind)).toEqual(['bot_handoff', 'queued']);
    // Agents see it under New, live and in the list.
    await summary(agent.socket, conversationId, (c) => !c.bot && c.assignedAgentId === null && c.queueId === support.id);
    expect((await agent.api.get('/conversations')).body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    // The bot no longer writes into it; the visitor's messages no longer go to the webhook.
    const late = await asBot(token, `/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), text: 'ainda eu' });
    expect(late.status).toBe(409);
    await v.socket.say('Alguém aí?', conversationId);

    expect((await agent.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
    await v.socket.next('event', (f) => f.event.kind === 'assigned');
    const back = await agent.api.post(`/conversations/${conversationId}/return-to-bot`);
    expect(back.status).toBe(200);
    expect(back.body.conversation).toMatchObject({ bot: true, assignedAgentId: null, participants: [] });
    await v.socket.next('event', (f) => f.event.kind === 'returned_to_bot');
    await gone(agent.socket, conversationId); // the agents' part is over

    await v.socket.say('Na verdade o bot resolve', conversationId);
    const again = await hookGot('Na verdade o bot resolve');
    expect(again.conversationId).toBe(conversationId);
    expect(received.map((p) => p.message.text)).toEqual(['Quero falar com uma pessoa', 'Na verdade o bot resolve']);
    expect((await asBot(token, `/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), text: 'Voltei!' })).status).toBe(200);
  });

  it('R12: a handoff to an unknown queue is refused; without a queue it goes to the site default', async () => {
    const token = await setBot();
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    expect((await asBot(token, `/conversations/${conversationId}/handoff`, { queue: 'Nenhuma' })).status).toBe(404);
    expect((await stored(server, conversationId)).bot).toBe(true);
    const handoff = await asBot(token, `/conversations/${conversationId}/handoff`, {});
    expect(handoff.status).toBe(200);
    const support = (await admin.get('/queues')).body.queues.find((q: { name: string }) => q.name === 'Support');
    expect(handoff.body.conversation.queueId).toBe(support.id);
    // Handed off once: a second hand-off is refused.
    expect((await asBot(token, `/conversations/${conversationId}/handoff`, {})).status).toBe(403);
  });

  it('R12: with the bot turned off, new conversations go to the queue and return-to-bot answers no_bot', async () => {
    const token = await setBot();
    expect(await setBot(null)).toBeNull();
    const support = (await admin.get('/queues')).body.queues.find((q: { name: string }) => q.name === 'Support');
    const agent = await onlineAgent(server, { queues: [support.id] });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('sem bot');
    expect(await stored(server, conversationId)).toMatchObject({ bot: false, queueId: support.id });
    expect((await asBot(token, `/conversations/${conversationId}/messages`, { clientId: crypto.randomUUID(), text: 'x' })).status).toBe(401);
    expect((await agent.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
    const refused = await agent.api.post(`/conversations/${conversationId}/return-to-bot`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('no_bot');
    expect(received).toEqual([]);
  });
});

describe('R12 bot hand-off to a named agent (issue 15)', () => {
  it('R12 (issue 15): the bot names an agent (by e-mail or id): it is offered to that agent first and the agent accepts', async () => {
    const token = await setBot();
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const named = await onlineAgent(server);
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Quero falar com a Ana');
    await hookGot('Quero falar com a Ana');

    const handoff = await asBot(token, `/conversations/${conversationId}/handoff`, { queue: queue.id, agent: named.email.toUpperCase() });
    expect(handoff.status).toBe(200);
    expect(handoff.body.conversation).toMatchObject({ bot: false, queueId: queue.id, assignedAgentId: null, offer: { agentId: named.id, agentName: named.name } });
    expect((await storedEvents(server, conversationId)).slice(-3).map((e) => [e.kind, e.data?.agentId ?? null])).toEqual([
      ['bot_handoff', named.id],
      ['queued', null],
      ['offered', named.id],
    ]);
    // The named agent's console shows the offer (it is in no queue of the conversation's).
    await summary(named.socket, conversationId, (c) => c.offer?.agentId === named.id);
    expect((await named.api.post(`/conversations/${conversationId}/accept`)).status).toBe(200);
    expect((await stored(server, conversationId)).assignedAgentId).toBe(named.id);
    await v.socket.next('event', (f) => f.event.kind === 'assigned');
  });

  it('R12 (issue 15): a named agent that is not available gets nothing: the conversation waits in the queue', async () => {
    const token = await setBot();
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const member = await onlineAgent(server, { queues: [queue.id] });
    const away = await onlineAgent(server);
    await away.api.put('/me/availability', { state: 'unavailable' });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    const handoff = await asBot(token, `/conversations/${conversationId}/handoff`, { queue: queue.name, agent: away.id });
    expect(handoff.status).toBe(200);
    expect(handoff.body.conversation).toMatchObject({ bot: false, queueId: queue.id, offer: null });
    await summary(member.socket, conversationId, (c) => !c.bot && c.assignedAgentId === null);
  });

  it('R12 (issue 15): a named agent that does not answer in time: the queue\'s routing offers it to someone else', async () => {
    const token = await setBot();
    const named = await onlineAgent(server);
    const queue = await makeQueue(server, { strategy: 'round_robin', offerTimeoutMs: 400 });
    const member = await onlineAgent(server, { queues: [queue.id] });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    expect((await asBot(token, `/conversations/${conversationId}/handoff`, { queue: queue.id, agent: named.id })).body.conversation.offer.agentId).toBe(named.id);
    await summary(member.socket, conversationId, (c) => c.offer?.agentId === member.id);
    const kinds = (await storedEvents(server, conversationId)).map((e) => [e.kind, e.data?.agentId ?? null]);
    expect(kinds).toContainEqual(['no_answer', named.id]);
    expect((await member.api.post(`/conversations/${conversationId}/accept`)).status).toBe(200);
  });

  it('R12 (issue 15): a named agent that declines the offer: it is offered to the queue at once, and the decliner stays Available', async () => {
    const token = await setBot();
    const named = await onlineAgent(server);
    const queue = await makeQueue(server, { strategy: 'round_robin', offerTimeoutMs: 60_000 });
    const member = await onlineAgent(server, { queues: [queue.id] });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    await asBot(token, `/conversations/${conversationId}/handoff`, { queue: queue.id, agent: named.id });
    await summary(named.socket, conversationId, (c) => c.offer?.agentId === named.id);
    // Only the offered agent declines.
    expect((await member.api.post(`/conversations/${conversationId}/decline`)).status).toBe(409);
    expect((await named.api.post(`/conversations/${conversationId}/decline`)).status).toBe(204);
    await summary(member.socket, conversationId, (c) => c.offer?.agentId === member.id);
    expect((await storedEvents(server, conversationId)).map((e) => e.kind)).toContain('offer_declined');
    expect((await named.api.get('/me')).body.presence.state).toBe('available');
  });

  it('R12 (issue 15): an unknown agent is refused with agent_not_found and changes nothing', async () => {
    const token = await setBot();
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('oi');
    const before = await stored(server, conversationId);
    for (const agent of ['nobody@example.com', 'no-such-id']) {
      const res = await asBot(token, `/conversations/${conversationId}/handoff`, { agent });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('agent_not_found');
    }
    expect(await stored(server, conversationId)).toEqual(before);
  });
});
