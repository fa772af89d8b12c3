/**
 * Routing against the real server (SPEC R1-R4): several real agent sockets, queues made through the admin
 * API, offers with short timers. Each test starts its own server so queues, loads and round-robin cursors
 * of one test never steer another.
 */
import { describe, expect, it } from 'vitest';
import type { AgentPresence } from '../../shared/protocol';
import {
  adminApi,
  createAgent,
  gone,
  makeQueue,
  onlineAgent,
  routed,
  send,
  startConversation,
  earlyTimers,
  expectVisitorSafe,
  visitor,
  stored,
  storedEvent,
  storedEvents,
  summary,
  waitFrames,
  wrapUpReason,
  type OnlineAgent,
} from './agents';
import { openAgent } from './clients';
import { serverForEach, startTestServer } from './harness';

const server = serverForEach();

/** Waits for a presence frame about `agentId` in `state` on this agent's socket. */
function presence(agent: Pick<OnlineAgent, 'socket'>, agentId: string, state: AgentPresence['state']) {
  return waitFrames(
    agent.socket,
    (frames) => frames.find((f) => f.type === 'presence' && f.agent.id === agentId && f.agent.state === state),
    `presence ${state} of ${agentId}`,
  );
}

/** Waits until the conversation holds an offer, and answers it. */
async function offerOf(conversationId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const c = await stored(server, conversationId);
    if (c.offer) return c.offer;
    if (Date.now() > deadline) throw new Error(`${conversationId} was never offered`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('R3 broadcast', () => {
  async function threeAgentsAndOneWaiting() {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const agents = await Promise.all([0, 1, 2].map(() => onlineAgent(server, { queues: [queue.id] })));
    const { conversationId, socket: visitorSocket } = await startConversation(server, queue.name);
    // Every member sees it under New before the race starts.
    for (const a of agents) await summary(a.socket, conversationId, (c) => c.assignedAgentId === null && c.queueId === queue.id);
    return { queue, agents, conversationId, visitorSocket };
  }

  it('R3: three agents pressing Take at the same instant get exactly one owner; the others hear conversation_taken and get gone', async () => {
    const { agents, conversationId } = await threeAgentsAndOneWaiting();

    const answers = await Promise.all(agents.map((a) => a.api.post(`/conversations/${conversationId}/take`)));

    const winners = answers.flatMap((r, i) => (r.status === 200 ? [i] : []));
    expect(winners).toHaveLength(1);
    const winner = agents[winners[0]!]!;
    for (const [i, r] of answers.entries()) {
      if (i === winners[0]) continue;
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('conversation_taken');
    }
    const events = await storedEvents(server, conversationId);
    expect(events.filter((e) => e.kind === 'assigned')).toEqual([expect.objectContaining({ author: expect.objectContaining({ id: winner.id }), data: { via: 'take' } })]);
    expect((await stored(server, conversationId)).assignedAgentId).toBe(winner.id);
    // It leaves the losers' lists.
    for (const loser of agents.filter((a) => a !== winner)) await gone(loser.socket, conversationId);
    expect(winner.socket.all('gone').some((g) => g.conversationId === conversationId)).toBe(false);
  });

  it('R3/C4: three agents replying at the same instant: one reply claims it, the others get conversation_taken and nothing is stored for them', async () => {
    const { agents, conversationId, visitorSocket } = await threeAgentsAndOneWaiting();

    const answers = await Promise.all(agents.map((a, i) => send(a.socket, conversationId, `Oi, aqui é ${i}`)));

    const acked = answers.flatMap((f, i) => (f.type === 'ack' ? [i] : []));
    expect(acked).toHaveLength(1);
    const winner = agents[acked[0]!]!;
    const refused = answers.filter((f) => f.type === 'error');
    expect(refused.map((f) => f.type === 'error' && f.code)).toEqual(['conversation_taken', 'conversation_taken']);

    const events = await storedEvents(server, conversationId);
    expect(events.filter((e) => e.kind === 'assigned')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'message' && e.author.kind === 'agent').map((e) => e.author.id)).toEqual([winner.id]);
    for (const loser of agents.filter((a) => a !== winner)) await gone(loser.socket, conversationId);
    // The visitor hears the one owner.
    await visitorSocket.next('event', (f) => f.event.kind === 'message' && f.event.author.id === winner.id);
  });
});

describe('R3 queues', () => {
  it("R3: a conversation enters the queue the widget names, by name or id, else the site's default queue", async () => {
    const sales = await makeQueue(server, { strategy: 'broadcast', name: 'Sales' });
    const support = (await (await adminApi(server)).get('/queues')).body.queues.find((q: { name: string }) => q.name === 'Support');
    const cases: Array<[string | undefined, string]> = [
      ['sales', sales.id],
      [sales.id, sales.id],
      ['No such queue', support.id],
      [undefined, support.id],
    ];
    for (const [named, expected] of cases) {
      const v = await visitor(server, named === undefined ? {} : { queue: named });
      const { conversationId } = await v.socket.say('oi');
      expect([named, (await stored(server, conversationId)).queueId]).toEqual([named, expected]);
      expect((await storedEvents(server, conversationId)).find((e) => e.kind === 'queued')?.data).toEqual({ queueId: expected, queueName: expected === sales.id ? 'Sales' : 'Support' });
    }
  });

  it('R3: only members of its queue see a waiting conversation', async () => {
    const sales = await makeQueue(server, { strategy: 'broadcast' });
    const other = await makeQueue(server, { strategy: 'broadcast' });
    const member = await onlineAgent(server, { queues: [sales.id] });
    const outsider = await onlineAgent(server, { queues: [other.id] });
    const { conversationId } = await startConversation(server, sales.name);
    await summary(member.socket, conversationId);
    expect((await member.api.get('/conversations')).body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    expect((await outsider.api.get('/conversations')).body.conversations).toEqual([]);
    const take = await outsider.api.post(`/conversations/${conversationId}/take`);
    expect(take.status).toBe(404);
    expect(take.body.error.code).toBe('conversation_not_found');
  });

  it('R3: the waiting conversations of a deleted queue move to the site\'s default queue, keeping their waiting time', async () => {
    const doomed = await makeQueue(server, { strategy: 'broadcast' });
    const [support] = await server.papo.store.queues.list();
    const agent = await onlineAgent(server, { queues: [support!.id] });
    const { conversationId } = await startConversation(server, doomed.name);
    const before = await stored(server, conversationId);
    expect(before.queueId).toBe(doomed.id);
    expect((await (await adminApi(server)).delete(`/queues/${doomed.id}`)).status).toBe(204);

    const requeued = await stored(server, conversationId);
    expect(requeued).toMatchObject({ queueId: support!.id, queuedAt: before.queuedAt });
    expect((await storedEvents(server, conversationId)).at(-1)).toMatchObject({ kind: 'queued', data: { queueId: support!.id, queueName: support!.name } });
    expect((await agent.api.get('/conversations')).body.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
    expect((await agent.api.post(`/conversations/${conversationId}/take`)).status).toBe(200);
  });
});

describe('R4 offers', () => {
  it('R4: an offer the agent lets run out gives no_answer, puts the agent in RONA and moves to the next agent, who accepts', async () => {
    const queue = await makeQueue(server, { strategy: 'round_robin', offerTimeoutMs: 500 });
    const pair = await Promise.all([0, 1].map(() => onlineAgent(server, { queues: [queue.id] })));
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const { conversationId, socket: visitorSocket } = await startConversation(server, queue.name);

    const first = await offerOf(conversationId);
    const a = pair.find((x) => x.id === first.agentId)!;
    const b = pair.find((x) => x !== a)!;
    // The offer popover: A's console gets the summary with the offer made to A.
    const offered = await summary(a.socket, conversationId, (c) => c.offer?.agentId === a.id);
    expect(offered.offer).toMatchObject({ agentId: a.id, agentName: a.name });
    expect(offered.firstMessage).toBe('Olá, preciso de ajuda');
    // The next offer gets a long timer, so B's Accept never races its own clock (A's 500 ms offer stands).
    expect((await (await adminApi(server)).patch(`/queues/${queue.id}`, { offerTimeoutMs: 60_000 })).status).toBe(200);

    // A does not accept: the timer ends.
    const noAnswer = await storedEvent(server, conversationId, 'no_answer');
    expect(noAnswer.data).toMatchObject({ agentId: a.id });
    await presence(a, a.id, 'rona');
    await presence(supervisor, a.id, 'rona'); // supervisors see it live
    await summary(b.socket, conversationId, (c) => c.offer?.agentId === b.id);

    const accepted = await b.api.post(`/conversations/${conversationId}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.conversation).toMatchObject({ assignedAgentId: b.id, offer: null });
    const events = await storedEvents(server, conversationId);
    expect(events.map((e) => e.kind)).toEqual(['created', 'queued', 'message', 'offered', 'no_answer', 'offered', 'accepted', 'assigned']);
    expect(events.at(-1)!.data).toEqual({ via: 'accept' });
    // A late Accept from A is refused: the offer went to another agent.
    const late = await a.api.post(`/conversations/${conversationId}/accept`);
    expect(late.status).toBe(409);

    // A stays in RONA (routing does not lift it) until A chooses Available.
    await server.papo.router.idle();
    expect((await a.api.get('/me')).body.presence.state).toBe('rona');
    const back = await a.api.put('/me/availability', { state: 'available' });
    expect(back.status).toBe(200);
    expect(back.body.presence.state).toBe('available');
    await presence(a, a.id, 'available');
    await presence(supervisor, a.id, 'available');
    // The visitor saw who took it, never the offers or the no-answer (SPEC D11).
    await visitorSocket.next('event', (f) => f.event.kind === 'assigned');
    expect(expectVisitorSafe(visitorSocket, conversationId).map((e) => e.kind)).toEqual(['created', 'message', 'assigned']);
  });

  it('R4: an agent back from RONA is offered the conversation again when nobody else can take it', async () => {
    const queue = await makeQueue(server, { strategy: 'round_robin', offerTimeoutMs: 300 });
    const a = await onlineAgent(server, { queues: [queue.id] });
    const { conversationId } = await startConversation(server, queue.name);
    await summary(a.socket, conversationId, (c) => c.offer?.agentId === a.id);
    await storedEvent(server, conversationId, 'no_answer');
    await presence(a, a.id, 'rona');
    expect((await adminApi(server).then((x) => x.patch(`/queues/${queue.id}`, { offerTimeoutMs: 60_000 }))).status).toBe(200);

    await a.api.put('/me/availability', { state: 'available' });

    // The conversation must not wait for ever while an Available member with room exists.
    await summary(a.socket, conversationId, (c) => c.offer?.agentId === a.id && c.offer.expiresAt > Date.now() + 30_000);
    expect((await a.api.post(`/conversations/${conversationId}/accept`)).status).toBe(200);
  });

  it('R4: least-busy offers to the agent holding fewer open conversations, whoever was idle longer', async () => {
    const side = await makeQueue(server, { strategy: 'broadcast' });
    const queue = await makeQueue(server, { strategy: 'least_busy' });
    const agents = await Promise.all([0, 1].map(() => onlineAgent(server, { queues: [side.id, queue.id] })));
    // `busy` has the lower id (round-robin and id ties would pick it) and was assigned earlier (longest idle).
    const [busy, free] = [...agents].sort((x, y) => (x.id < y.id ? -1 : 1)) as [OnlineAgent, OnlineAgent];
    const held = await startConversation(server, side.name);
    expect((await busy.api.post(`/conversations/${held.conversationId}/take`)).status).toBe(200);
    const later = await startConversation(server, side.name);
    expect((await free.api.post(`/conversations/${later.conversationId}/take`)).status).toBe(200);
    const reason = await wrapUpReason(server);
    expect((await free.api.post(`/conversations/${later.conversationId}/close`, { reasonId: reason.id })).status).toBe(200);

    const { conversationId } = await startConversation(server, queue.name);

    expect((await offerOf(conversationId)).agentId).toBe(free.id);
    await summary(free.socket, conversationId, (c) => c.offer?.agentId === free.id);
  });

  it('R4: an agent has at most one offer waiting; the second conversation goes to the other agent', async () => {
    const queue = await makeQueue(server, { strategy: 'round_robin' });
    const agents = await Promise.all([0, 1].map(() => onlineAgent(server, { queues: [queue.id] })));
    const one = await startConversation(server, queue.name, 'primeira');
    const two = await startConversation(server, queue.name, 'segunda');
    const offers = [await offerOf(one.conversationId), await offerOf(two.conversationId)];
    expect(new Set(offers.map((o) => o.agentId))).toEqual(new Set(agents.map((a) => a.id)));
  });
});

describe('R1 availability and capacity', () => {
  it('R1: a full agent gets no offer and take answers at_capacity; an Unavailable one hears not_available; an Offline one is offered only once connected', async () => {
    const queue = await makeQueue(server, { strategy: 'round_robin' });
    const full = await onlineAgent(server, { queues: [queue.id], capacity: 1 });
    const first = await startConversation(server, queue.name, 'primeira');
    await summary(full.socket, first.conversationId, (c) => c.offer?.agentId === full.id);
    expect((await full.api.post(`/conversations/${first.conversationId}/accept`)).status).toBe(200);

    const away = await onlineAgent(server, { queues: [queue.id] });
    expect((await away.api.put('/me/availability', { state: 'unavailable' })).body.presence.state).toBe('unavailable');
    const offline = await createAgent(server, { queues: [queue.id] });

    const second = await startConversation(server, queue.name, 'segunda');
    await routed(server);
    expect((await stored(server, second.conversationId)).offer).toBeNull();
    for (const agent of [full, away]) {
      expect(agent.socket.frames.some((f) => (f.type === 'conversation' || f.type === 'event') && f.conversation?.id === second.conversationId && f.conversation.offer)).toBe(false);
    }

    const atCapacity = await full.api.post(`/conversations/${second.conversationId}/take`);
    expect(atCapacity.status).toBe(409);
    expect(atCapacity.body.error.code).toBe('at_capacity');
    const notAvailable = await away.api.post(`/conversations/${second.conversationId}/take`);
    expect(notAvailable.status).toBe(409);
    expect(notAvailable.body.error.code).toBe('not_available');
    expect((await stored(server, second.conversationId)).assignedAgentId).toBeNull();

    // The Offline member was never offered it; connecting makes it Available, and the offer follows.
    const connected = await openAgent(server, offline.cookie);
    await summary(connected.socket, second.conversationId, (c) => c.offer?.agentId === offline.id);
  });

  it('R1: an agent who filled its capacity while an offer waited cannot also accept it: it never holds more than its capacity', async () => {
    const offers = await makeQueue(server, { strategy: 'round_robin' });
    const side = await makeQueue(server, { strategy: 'broadcast' });
    const agent = await onlineAgent(server, { queues: [offers.id, side.id], capacity: 1 });
    const offered = await startConversation(server, offers.name, 'oferecida');
    await summary(agent.socket, offered.conversationId, (c) => c.offer?.agentId === agent.id);
    const other = await startConversation(server, side.name, 'outra');

    const took = await agent.api.post(`/conversations/${other.conversationId}/take`);
    const accepted = await agent.api.post(`/conversations/${offered.conversationId}/accept`);

    const answers = [took, accepted].map((r) => r.status);
    expect(answers.filter((s) => s === 200)).toHaveLength(1);
    const refused = [took, accepted].find((r) => r.status !== 200)!;
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('at_capacity');
    expect((await (await adminApi(server)).get('/agents')).body.agents.find((a: { id: string }) => a.id === agent.id).load).toBe(1);
  });

  it('R1: supervisors steering are exempt from availability on take', async () => {
    const queue = await makeQueue(server, { strategy: 'broadcast' });
    const supervisor = await onlineAgent(server, { role: 'supervisor', queues: [queue.id] });
    await supervisor.api.put('/me/availability', { state: 'unavailable' });
    const { conversationId } = await startConversation(server, queue.name);
    const took = await supervisor.api.post(`/conversations/${conversationId}/take`);
    expect(took.status).toBe(200);
    expect(took.body.conversation.assignedAgentId).toBe(supervisor.id);
  });

  it('R1: a supervisor sets an agent Unavailable, and the agent and the supervisor both get the presence frame', async () => {
    const agent = await onlineAgent(server);
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    const steer = await supervisor.api.put(`/agents/${agent.id}/availability`, { state: 'unavailable' });
    expect(steer.status).toBe(200);
    expect(steer.body.agent).toMatchObject({ id: agent.id, state: 'unavailable' });
    await presence(agent, agent.id, 'unavailable');
    await presence(supervisor, agent.id, 'unavailable');
    // A plain agent hears only about itself.
    const other = await onlineAgent(server);
    await other.api.put('/me/availability', { state: 'unavailable' });
    await presence(other, other.id, 'unavailable');
    await presence(supervisor, other.id, 'unavailable');
    expect(agent.socket.all('presence').some((p) => p.agent.id === other.id)).toBe(false);
    // Closing the last console makes it Offline.
    await other.socket.close();
    await presence(supervisor, other.id, 'offline');
  });
});

describe('R2 serving order', () => {
  it('R2: with one agent and two waiting conversations, the urgent one is offered first, then the other', async () => {
    const queue = await makeQueue(server, { strategy: 'round_robin' });
    const agent = await onlineAgent(server, { queues: [queue.id] });
    await agent.api.put('/me/availability', { state: 'unavailable' });
    const older = await startConversation(server, queue.name, 'cheguei primeiro');
    const urgent = await startConversation(server, queue.name, 'urgente!');
    const raised = await agent.api.put(`/conversations/${urgent.conversationId}/priority`, { priority: 3 });
    expect(raised.status).toBe(200);
    expect(raised.body.conversation.priority).toBe(3);
    await routed(server);
    expect((await stored(server, older.conversationId)).offer).toBeNull();

    await agent.api.put('/me/availability', { state: 'available' });

    await summary(agent.socket, urgent.conversationId, (c) => c.offer?.agentId === agent.id);
    await routed(server);
    expect((await stored(server, older.conversationId)).offer).toBeNull(); // one offer at a time
    expect((await agent.api.post(`/conversations/${urgent.conversationId}/accept`)).status).toBe(200);
    await summary(agent.socket, older.conversationId, (c) => c.offer?.agentId === agent.id);
  });
});

describe('R4 timers that fire early', () => {
  it('R4: an offer timer that fires a moment before the offer expires still ends it with no_answer (the offer is never stuck)', async () => {
    const early = await startTestServer({ timers: earlyTimers(40) });
    try {
      const queue = await makeQueue(early, { strategy: 'round_robin', offerTimeoutMs: 300 });
      const a = await onlineAgent(early, { queues: [queue.id] });
      const { conversationId } = await startConversation(early, queue.name);
      await summary(a.socket, conversationId, (c) => c.offer?.agentId === a.id);
      const noAnswer = await storedEvent(early, conversationId, 'no_answer');
      expect(noAnswer.data).toMatchObject({ agentId: a.id });
      expect((await a.api.get('/me')).body.presence.state).toBe('rona');
    } finally {
      await early.stop();
    }
  });
});
