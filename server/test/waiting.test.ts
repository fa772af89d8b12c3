/**
 * Issue 15, waiting feedback: a visitor whose conversation waits in a queue is told its place and the site's
 * usual first-response time (the `wait` frame), again each time either changes and never twice the same.
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../shared/protocol';
import { adminApi, makeQueue, onlineAgent, send, startConversation, visitor, waitFrames } from './agents';
import type { TestSocket } from './clients';
import { serverForEach } from './harness';

const server = serverForEach();

type Wait = Extract<ServerFrame, { type: 'wait' }>;
const waits = (socket: TestSocket, conversationId: string) =>
  socket.frames.filter((f): f is Wait => f.type === 'wait' && f.conversationId === conversationId);
/** Waits for the visitor's latest `wait` frame to match. */
const told = (socket: TestSocket, conversationId: string, match: (w: Wait) => boolean, what: string) =>
  waitFrames(socket, () => {
    const last = waits(socket, conversationId).at(-1);
    return last && match(last) ? last : undefined;
  }, what);

describe('issue 15: the waiting visitor is told its place in the queue and the usual wait', () => {
  it('places move up as others are taken, the measured first-response time follows, and no frame repeats', async () => {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const agent = await onlineAgent(server, { queues: [queue.id], capacity: 5 });
    const first = await startConversation(server, queue.name, 'primeiro');
    const second = await startConversation(server, queue.name, 'segundo');
    const third = await startConversation(server, queue.name, 'terceiro');

    // Nothing answered yet on this site: places, no usual time.
    await told(first.socket, first.conversationId, (w) => w.position === 1 && w.typicalMs === null, 'first: place 1');
    await told(second.socket, second.conversationId, (w) => w.position === 2 && w.typicalMs === null, 'second: place 2');
    await told(third.socket, third.conversationId, (w) => w.position === 3, 'third: place 3');

    // The agent answers the first (a first reply claims it): the others move up, and now a first response is known.
    await new Promise((r) => setTimeout(r, 50));
    const answer = await send(agent.socket, first.conversationId, 'Olá! Posso ajudar?');
    expect(answer.type).toBe('ack');
    const second2 = await told(second.socket, second.conversationId, (w) => w.position === 1 && w.typicalMs !== null, 'second: place 1');
    expect(second2.typicalMs).toBeGreaterThanOrEqual(50);
    await told(third.socket, third.conversationId, (w) => w.position === 2 && w.typicalMs !== null, 'third: place 2');

    // The second is answered too: the third is next.
    await send(agent.socket, second.conversationId, 'Oi!');
    await told(third.socket, third.conversationId, (w) => w.position === 1, 'third: place 1');

    // Never the same news twice in a row (no flooding), and a conversation taken hears no more places.
    for (const v of [first, second, third]) {
      const list = waits(v.socket, v.conversationId).map((w) => `${w.position}|${w.typicalMs}`);
      expect(list.every((w, i) => i === 0 || w !== list[i - 1]), list.join(', ')).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 200));
    const assignedAt = first.socket.frames.findIndex((f) => f.type === 'event' && f.event.kind === 'assigned');
    expect(assignedAt).toBeGreaterThan(-1);
    expect(first.socket.frames.slice(assignedAt).filter((f) => f.type === 'wait')).toEqual([]);
    for (const v of [first, second, third]) v.socket.ws.close();
    agent.socket.ws.close();
  });

  it('a returning visitor whose conversation still waits is told its place with its welcome', async () => {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const agent = await onlineAgent(server, { queues: [queue.id] });
    const waiting = await startConversation(server, queue.name, 'ainda esperando');
    await told(waiting.socket, waiting.conversationId, (w) => w.position === 1, 'place 1');
    await waiting.socket.close();
    const back = await visitor(server, { queue: queue.name, token: waiting.session.token, resume: { conversationId: waiting.conversationId, afterSeq: 0 } });
    await told(back.socket, waiting.conversationId, (w) => w.position === 1, 'place 1 again');
    back.socket.ws.close();
    agent.socket.ws.close();
  });
});

describe('issue 15: a conversation the bot hands to a queue waits there', () => {
  const HOOK = 'https://bot.example.test/waiting-hook';
  const webhook = setupServer(http.post(HOOK, () => HttpResponse.json({ ok: true })));
  beforeAll(() => webhook.listen({ onUnhandledRequest: 'bypass' }));
  afterAll(() => webhook.close());

  it('nothing while the bot holds it; its place once the bot hands it over', async () => {
    const admin = await adminApi(server);
    const siteId = (await admin.get('/sites')).body.sites[0].id as string;
    const token = (await admin.put(`/sites/${siteId}/bot`, { botWebhookUrl: HOOK })).body.botToken as string;
    const support = (await admin.get('/queues')).body.queues.find((q: { name: string }) => q.name === 'Support') as { id: string };
    const agent = await onlineAgent(server, { queues: [support.id] });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Quero falar com uma pessoa');
    await new Promise((r) => setTimeout(r, 200));
    expect(waits(v.socket, conversationId)).toEqual([]);

    const handoff = await fetch(`${server.url}/api/v1/bot/conversations/${conversationId}/handoff`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ queue: 'support' }),
    });
    expect(handoff.status).toBe(200);
    await told(v.socket, conversationId, (w) => w.position === 1, 'place 1 after the hand-off');
    v.socket.ws.close();
    agent.socket.ws.close();
  });
});
