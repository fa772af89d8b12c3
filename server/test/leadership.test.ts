/**
 * The real server as one node of several (issue 14): its store's routing leadership is held back, granted
 * and taken away by the test (a decorated Store.cluster.lead), to check the composition root's wiring:
 * a node that does not lead offers nothing and sweeps nothing; gaining leadership routes what waits and
 * sweeps, as a restart does; losing it stops its offer timers at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeQueue, onlineAgent, routed, startConversation, stored } from './agents';
import { startTestServer, type TestServer } from './harness';
import { ManualTimers } from './manual-timers';

const OFFER_MS = 45_000;

/** The offer timers armed now: by their delay, the offer's time left when armed (a little under OFFER_MS). */
const offerTimers = (timers: ManualTimers) => [...timers.pending.values()].filter((t) => t.ms > OFFER_MS - 5_000 && t.ms <= OFFER_MS);

describe('issue 14: routing and sweeps only on the routing leader', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it('a node without the leadership offers nothing and sweeps nothing; on gaining it does both; on losing, its offer timers stop', async () => {
    let campaign: { gained(): void; lost(): void } | null = null;
    const names: string[] = [];
    let sweeps = 0;
    const timers = new ManualTimers();
    server = await startTestServer({
      timers,
      wrapStore: (store) => ({
        ...store,
        sessions: {
          ...store.sessions,
          deleteExpired: (at) => {
            sweeps++;
            return store.sessions.deleteExpired(at);
          },
        },
        cluster: {
          ...store.cluster,
          // Another node holds the lock: this one campaigns and waits.
          async lead(name, on) {
            names.push(name);
            campaign = on;
            return { stop: async () => on.lost() };
          },
        },
      }),
    });
    expect(names).toEqual(['router']);
    expect(sweeps).toBe(0);

    const agent = await onlineAgent(server);
    const queue = await makeQueue(server, { strategy: 'round_robin', offerTimeoutMs: OFFER_MS, agentIds: [agent.id] });
    const { conversationId } = await startConversation(server, queue.name);
    server.papo.router.kick();
    await routed(server);
    await new Promise((r) => setTimeout(r, 100));
    await routed(server);
    expect((await stored(server, conversationId)).offer).toBeNull();
    expect(offerTimers(timers)).toEqual([]);

    // The leader died; this node takes over: the sweep runs, and what waits is routed.
    campaign!.gained();
    const deadline = Date.now() + 5_000;
    while ((await stored(server, conversationId)).offer === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await stored(server, conversationId)).offer).toMatchObject({ agentId: agent.id });
    expect(sweeps).toBe(1);
    expect(offerTimers(timers)).toHaveLength(1);

    // Its database session ends: the offer's timer goes at once, and the offer waits for the next leader.
    campaign!.lost();
    expect(offerTimers(timers)).toEqual([]);
    expect((await stored(server, conversationId)).offer).toMatchObject({ agentId: agent.id });
    agent.socket.close();
  });
});
