/**
 * The presence grace against the real server (SPEC R13, with R1, T1, T2): an agent whose consoles all
 * dropped still counts as someone who can answer for PRESENCE_GRACE_MS, is offered no new work meanwhile,
 * and is Offline (with T2's tickets) only when the grace ends with no console back. The grace's timers are
 * the test's own: it ends a grace by firing them, so nothing here waits for the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/api';
import { ManualTimers } from './manual-timers';
import { adminApi, makeQueue, onlineAgent, routed, startConversation, stored, summary, type OnlineAgent } from './agents';
import { openAgent, type TestSocket } from './clients';
import { startTestServer, type TestServer } from './harness';
import { allTickets } from './tickets-helpers';

/** The grace these tests configure; its timers are told apart from the router's by this delay. */
const GRACE_MS = 45_000;

let server: TestServer;
let timers: ManualTimers;

afterEach(async () => {
  await server.stop();
});

async function start(): Promise<void> {
  timers = new ManualTimers();
  // T2 as the product ships it: a waiting chat nobody can take becomes a ticket.
  server = await startTestServer({ ticketing: 'product', env: { PRESENCE_GRACE_MS: String(GRACE_MS) }, timers });
}

/**
 * Closes the agent's only console and answers the grace timer the server armed for it. Waiting for that
 * timer is how the test knows the server has seen the close (nothing visible changes during a grace).
 */
async function drop(agent: Pick<OnlineAgent, 'socket'>): Promise<number> {
  const before = new Set(timers.armed(GRACE_MS));
  await agent.socket.close();
  const deadline = Date.now() + 5_000;
  for (;;) {
    const armed = timers.armed(GRACE_MS).filter((id) => !before.has(id));
    if (armed.length === 1) return armed[0]!;
    if (Date.now() > deadline) throw new Error('the server armed no presence grace for the closed console');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const ticketsOf = async (ids: readonly string[]): Promise<Ticket[]> => (await allTickets(server)).filter((t) => ids.includes(t.conversationId ?? ''));

/** One agent on duty in a broadcast queue of its own, and `n` visitors waiting there. */
async function waitingChats(n: number, strategy: 'broadcast' | 'round_robin' = 'broadcast') {
  const queue = await makeQueue(server, { strategy });
  const agent = await onlineAgent(server, { queues: [queue.id], capacity: 50 });
  const visitors: Array<{ socket: TestSocket; conversationId: string }> = [];
  for (let i = 0; i < n; i++) {
    const v = await startConversation(server, queue.name, `espera ${i}`);
    expect(v.session.site.online).toBe(true);
    visitors.push(v);
  }
  await routed(server);
  return { queue, agent, visitors, ids: visitors.map((v) => v.conversationId) };
}

describe('R13 presence grace', () => {
  it('R13: one agent on duty, 10 visitors waiting; its console drops and reconnects a few ms later: no ticket, all 10 still waiting, no visitor told nobody is available', async () => {
    await start();
    const { agent, visitors, ids } = await waitingChats(10);

    const grace = await drop(agent);
    const back = await openAgent(server, agent.cookie);
    // The console came back: its grace timer is gone, and a pass finds nothing to ticket.
    expect(timers.armed(GRACE_MS)).not.toContain(grace);
    server.papo.router.kick();
    await routed(server);

    expect(await ticketsOf(ids)).toEqual([]);
    for (const id of ids) expect(await stored(server, id)).toMatchObject({ status: 'open', assignedAgentId: null });
    expect(back.session.role === 'agent' && back.session.conversations.map((c) => c.id)).toEqual(expect.arrayContaining(ids));

    // The first availability change each visitor hears is the one that really happens next (the agent
    // going Unavailable): nothing told them "offline" during the blip. Frames come in order (SPEC T1).
    expect((await agent.api.put('/me/availability', { state: 'unavailable' })).status).toBe(200);
    for (const v of visitors) {
      await v.socket.next('availability', (f) => !f.online);
      expect(v.socket.all('availability').map((f) => f.online)).toEqual([false]);
    }
  });

  it('R13/T2: when the grace ends with no console back, the agent is Offline and the waiting chats become tickets', async () => {
    await start();
    const { agent, visitors, ids } = await waitingChats(3);

    const grace = await drop(agent);
    server.papo.router.kick();
    await routed(server);
    // During the grace the agent still counts: nothing is ticketed yet, and a new visitor hears "online".
    expect(await ticketsOf(ids)).toEqual([]);
    const late = await startConversation(server, (await stored(server, ids[0]!)).queueId!, 'cheguei durante a queda');
    expect(late.session.site.online).toBe(true);

    timers.fire([grace]);
    for (const v of [...visitors, late]) {
      await v.socket.next('event', (f) => f.event.conversationId === v.conversationId && f.event.kind === 'ticket_created', 10_000);
      await v.socket.next('availability', (f) => !f.online, 10_000);
    }
    expect((await ticketsOf([...ids, late.conversationId])).map((t) => t.source)).toEqual(['auto', 'auto', 'auto', 'auto']);
  });

  it.each([
    ['signs out', (agent: OnlineAgent) => agent.api.post('/auth/logout')],
    ['is disabled by an admin', async (agent: OnlineAgent) => (await adminApi(server)).put(`/agents/${agent.id}/disabled`, { disabled: true })],
  ])('R13: an agent who %s leaves at once, with no grace: visitors hear nobody is there and the waiting chats become tickets', async (_, leave) => {
    await start();
    const { agent, visitors, ids } = await waitingChats(2);

    const before = timers.armed(GRACE_MS);
    expect((await leave(agent)).status).toBeLessThan(300);
    await agent.socket.closed;
    for (const v of visitors) {
      await v.socket.next('event', (f) => f.event.conversationId === v.conversationId && f.event.kind === 'ticket_created', 10_000);
      await v.socket.next('availability', (f) => !f.online, 10_000);
    }
    expect(timers.armed(GRACE_MS)).toEqual(before);
    expect((await ticketsOf(ids)).map((t) => t.source)).toEqual(['auto', 'auto']);
  });

  it('R13/R4: an agent in its grace is offered nothing (round-robin), is no transfer target, and is offered the chat once its console is back', async () => {
    await start();
    const queue = await makeQueue(server, { strategy: 'round_robin' });
    // Created first: round-robin's first pick while both can take work.
    const away = await onlineAgent(server, { queues: [queue.id], name: 'Aline' });
    const other = await onlineAgent(server, { queues: [queue.id], name: 'Bruno' });
    await drop(away);

    const first = await startConversation(server, queue.name, 'primeira');
    expect(first.session.site.online).toBe(true);
    await summary(other.socket, first.conversationId, (c) => c.offer?.agentId === other.id);
    expect((await other.api.post(`/conversations/${first.conversationId}/accept`)).status).toBe(200);
    // Not a transfer target while it has no console.
    const targets = await other.api.get(`/conversations/${first.conversationId}/targets`);
    expect(targets.body.agents.map((a: { id: string }) => a.id)).not.toContain(away.id);

    // Bruno's only offer slot is free again, but give him none: Unavailable. Aline, in her grace, is the
    // only one who counts: the next chat waits (no ticket, no offer) until her console is back.
    expect((await other.api.put('/me/availability', { state: 'unavailable' })).status).toBe(200);
    const second = await startConversation(server, queue.name, 'segunda');
    expect(second.session.site.online).toBe(true);
    await routed(server);
    expect(await stored(server, second.conversationId)).toMatchObject({ status: 'open', offer: null, assignedAgentId: null });
    expect(await ticketsOf([second.conversationId])).toEqual([]);

    const back = await openAgent(server, away.cookie);
    await summary(back.socket, second.conversationId, (c) => c.offer?.agentId === away.id);
    const again = await other.api.get(`/conversations/${first.conversationId}/targets`);
    expect(again.body.agents.map((a: { id: string }) => a.id)).toContain(away.id);
  });
});
