/**
 * Claiming new work against the real server (SPEC R1, C2, C4): a first reply claims a waiting conversation
 * only for an agent who is Available and under its capacity, like take, accept, a transfer or an invitation
 * and a proactive chat; and because the rule is decided inside the write on committed load, no burst of
 * concurrent claims from one agent (many sockets, many requests at once) ever takes it past its capacity.
 * A refused claim is an error naming what was refused, and nothing is stored.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../shared/protocol';
import {
  adminApi,
  eventually,
  makeQueue,
  onlineAgent,
  routed,
  send,
  startConversation,
  stored,
  storedEvents,
  summary,
  visitor,
  waitFrames,
  type OnlineAgent,
} from './agents';
import type { Store } from '../store/store';
import { openAgent, type TestSocket } from './clients';
import { serverForEach } from './harness';

/**
 * Agents' loads read outside a write take their snapshot at once but answer late, as a remote database
 * would: a rule decided on such a read (instead of inside the write, SPEC C4) lets every one of a burst of
 * concurrent claims see the same room.
 */
function slowLoads(store: Store): Store {
  const late = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 100));
  return { ...store, conversations: { ...store.conversations, loads: () => store.conversations.loads().then(late) } };
}

const server = serverForEach({ wrapStore: slowLoads });

/** The agent's load as the admin API reports it (open conversations it holds). */
async function loadOf(agentId: string): Promise<number> {
  const agents = (await (await adminApi(server)).get('/agents')).body.agents as Array<{ id: string; load: number }>;
  return agents.find((a) => a.id === agentId)!.load;
}

/** `n` visitors waiting in a new broadcast queue of these agents. */
async function waiting(n: number, agents: OnlineAgent[] | ((queueId: string) => Promise<OnlineAgent[]>)) {
  const queue = await makeQueue(server, { strategy: 'broadcast' });
  const members = typeof agents === 'function' ? await agents(queue.id) : agents;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await startConversation(server, queue.name, `preciso de ajuda ${i}`)).conversationId);
  for (const a of members) for (const id of ids) await summary(a.socket, id);
  return { queue, ids, members };
}

/** Nothing of the agent's is stored in a conversation it was refused: still waiting, no assigned, no message. */
async function untouched(conversationId: string, agentId: string): Promise<void> {
  expect(await stored(server, conversationId)).toMatchObject({ status: 'open', assignedAgentId: null });
  expect((await storedEvents(server, conversationId)).filter((e) => e.author.id === agentId)).toEqual([]);
}

type Answer = Extract<ServerFrame, { type: 'ack' | 'error' }>;

/** Sends a reply now (no wait) and answers a promise of its ack or error frame. */
function reply(socket: TestSocket, conversationId: string, text: string): Promise<Answer> {
  const clientId = randomUUID();
  socket.send({ type: 'message.send', clientId, conversationId, text });
  return waitFrames(
    socket,
    (frames) => frames.find((f) => (f.type === 'ack' || f.type === 'error') && f.clientId === clientId) as Answer | undefined,
    `ack or error for ${clientId}`,
  );
}

describe('C2/R1 claim by first reply', () => {
  it('C2/R1: an agent of capacity 1 replying to 3 waiting conversations holds 1; the other 2 are refused with at_capacity, naming the clientId, and stay waiting', async () => {
    const { ids, members } = await waiting(3, async (queueId) => [await onlineAgent(server, { queues: [queueId], capacity: 1 })]);
    const agent = members[0]!;

    const answers: Answer[] = [];
    for (const id of ids) answers.push(await send(agent.socket, id, 'Olá! Posso ajudar.'));

    expect(answers.map((a) => a.type)).toEqual(['ack', 'error', 'error']);
    for (const refused of answers.slice(1)) {
      expect(refused).toMatchObject({ type: 'error', code: 'at_capacity', clientId: expect.any(String) });
      expect(refused.type === 'error' && refused.message).toMatch(/capacity/);
    }
    expect((await stored(server, ids[0]!)).assignedAgentId).toBe(agent.id);
    for (const id of ids.slice(1)) await untouched(id, agent.id);
    expect(await loadOf(agent.id)).toBe(1);
  });

  it('C2/R1: an agent who set itself Unavailable cannot claim by replying (not_available); nothing is stored and the conversation waits', async () => {
    const { ids, members } = await waiting(1, async (queueId) => [await onlineAgent(server, { queues: [queueId] })]);
    const agent = members[0]!;
    expect((await agent.api.put('/me/availability', { state: 'unavailable' })).status).toBe(200);

    const answer = await send(agent.socket, ids[0]!, 'Oi');
    expect(answer).toMatchObject({ type: 'error', code: 'not_available' });
    await untouched(ids[0]!, agent.id);

    // Available again, the same reply claims it.
    expect((await agent.api.put('/me/availability', { state: 'available' })).status).toBe(200);
    expect((await send(agent.socket, ids[0]!, 'Oi')).type).toBe('ack');
    expect((await stored(server, ids[0]!)).assignedAgentId).toBe(agent.id);
  });

  it('C2/R1: replying into a conversation the agent already holds is not a claim: at capacity it still writes there', async () => {
    const { ids, members } = await waiting(1, async (queueId) => [await onlineAgent(server, { queues: [queueId], capacity: 1 })]);
    const agent = members[0]!;
    expect((await send(agent.socket, ids[0]!, 'primeira')).type).toBe('ack');
    expect((await send(agent.socket, ids[0]!, 'segunda')).type).toBe('ack');
    expect((await send(agent.socket, ids[0]!, 'nota', { note: true })).type).toBe('ack');
  });

  it('C2/R1: supervisors and admins are exempt, as on take: an Unavailable supervisor at capacity claims by replying', async () => {
    const { ids, members } = await waiting(2, async (queueId) => [await onlineAgent(server, { role: 'supervisor', queues: [queueId], capacity: 1 })]);
    const supervisor = members[0]!;
    expect((await supervisor.api.put('/me/availability', { state: 'unavailable' })).status).toBe(200);
    for (const id of ids) expect((await send(supervisor.socket, id, 'Assumo eu')).type).toBe('ack');
    expect(await loadOf(supervisor.id)).toBe(2);
  });
});

describe('C4/R1 concurrent claims never pass capacity', () => {
  it('C4/R1: 12 first replies sent at once from 6 sockets of one agent of capacity 3: exactly 3 claim, 9 are refused with at_capacity', async () => {
    const { ids, members } = await waiting(12, async (queueId) => [await onlineAgent(server, { queues: [queueId], capacity: 3 })]);
    const agent = members[0]!;
    const sockets = [agent.socket];
    for (let i = 1; i < 6; i++) sockets.push((await openAgent(server, agent.cookie)).socket);

    // Every frame leaves in the same turn: the server reads them in one burst and decides them in one commit.
    const answers = await Promise.all(ids.map((id, i) => reply(sockets[i % sockets.length]!, id, `resposta ${i}`)));

    const acked = answers.filter((a) => a.type === 'ack');
    expect(acked).toHaveLength(3);
    expect(answers.filter((a) => a.type === 'error').map((a) => a.type === 'error' && a.code)).toEqual(Array(9).fill('at_capacity'));
    expect(await loadOf(agent.id)).toBe(3);
    const held = new Set(acked.map((a) => a.type === 'ack' && a.conversationId));
    for (const id of ids.filter((id) => !held.has(id))) await untouched(id, agent.id);
  });

  it('C4/R1: takes, a reply and a proactive chat fired at once by one agent of capacity 2 leave it holding 2', async () => {
    const guest = await visitor(server); // on the site: a proactive chat can start with it
    const { ids, members } = await waiting(4, async (queueId) => [await onlineAgent(server, { queues: [queueId], capacity: 2 })]);
    const agent = members[0]!;
    await eventually(async () => ((await agent.api.get('/visitors/live')).body.visitors as Array<{ id: string }>).find((v) => v.id === guest.session.visitorId), 'the guest in the live list');

    const [take1, take2, answer, proactive] = await Promise.all([
      agent.api.post(`/conversations/${ids[0]}/take`),
      agent.api.post(`/conversations/${ids[1]}/take`),
      reply(agent.socket, ids[2]!, 'posso ajudar'),
      agent.api.post(`/visitors/${guest.session.visitorId}/conversations`, { clientId: randomUUID(), text: 'Posso ajudar?' }),
    ]);

    const ok = [take1.status === 200, take2.status === 200, answer.type === 'ack', proactive.status === 200].filter(Boolean);
    expect(ok).toHaveLength(2);
    for (const refused of [take1, take2, proactive].filter((r) => r.status !== 200)) {
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('at_capacity');
    }
    if (answer.type === 'error') expect(answer.code).toBe('at_capacity');
    expect(await loadOf(agent.id)).toBe(2);
  });

  it('C4/R8: a sticky return decided on a pass\'s loads is refused inside the write when the agent claimed another meanwhile: capacity 1 holds 1', async () => {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const agent = await onlineAgent(server, { queues: [queue.id], capacity: 1 });
    const returning = await startConversation(server, queue.name, 'primeira');
    const other = await startConversation(server, queue.name, 'outra');
    await summary(agent.socket, other.conversationId);
    // The agent takes the first visitor's chat, and that visitor ends it: the agent has room again (an ended
    // chat waiting for its wrap-up takes none), and the visitor's next chat is sticky to it (R8).
    expect((await send(agent.socket, returning.conversationId, 'Olá!')).type).toBe('ack');
    returning.socket.send({ type: 'conversation.end', conversationId: returning.conversationId });
    await summary(agent.socket, returning.conversationId, (c) => c.status === 'ended');
    await routed(server);

    // The visitor writes again: the routing pass reads the loads (late, as a remote database answers) and
    // decides on them that the agent has room; meanwhile the agent claims the other chat by replying.
    const { conversationId: again } = await returning.socket.say('voltei');
    expect((await send(agent.socket, other.conversationId, 'Posso ajudar?')).type).toBe('ack');
    await routed(server);

    expect((await stored(server, other.conversationId)).assignedAgentId).toBe(agent.id);
    expect(await stored(server, again)).toMatchObject({ status: 'open', assignedAgentId: null });
    expect(await loadOf(agent.id)).toBe(1);
  });

  it('C4/R6: an agent of capacity 1 accepting two transfers at once holds one; the other is refused and stays with its sender', async () => {
    const target = await onlineAgent(server, { capacity: 1 });
    const queue = await makeQueue(server);
    const holders = await Promise.all([0, 1].map(() => onlineAgent(server, { queues: [queue.id] })));
    const held: string[] = [];
    for (const holder of holders) {
      const { conversationId } = await startConversation(server, queue.name, 'quero falar com alguém');
      expect((await holder.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
      expect((await holder.api.post(`/conversations/${conversationId}/transfer`, { agentId: target.id })).status).toBe(200);
      await summary(target.socket, conversationId, (c) => c.request?.toAgentId === target.id);
      held.push(conversationId);
    }

    const accepted = await Promise.all(held.map((id) => target.api.post(`/conversations/${id}/request/accept`)));

    expect(accepted.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = accepted.find((r) => r.status === 409)!;
    expect(refused.body.error.code).toBe('at_capacity');
    expect(await loadOf(target.id)).toBe(1);
    const stayed = held[accepted.indexOf(refused)]!;
    expect((await stored(server, stayed)).assignedAgentId).toBe(holders[accepted.indexOf(refused)]!.id);
  });
});
