/**
 * The routing leader (issue 14) on a real store (SQLite, and PostgreSQL on 127.0.0.1), with two "nodes" on it: each its own bus (control
 * messages linked between them, as Redis would), directory, conversation service and router, with injected
 * clocks and timers. A router that was never started is a follower; two started at once are a leader and a
 * stale one that has not yet noticed it lost the lock. The rules it checks: each offer ends exactly once, no
 * agent ever holds two offers (R4, the database's one-offer index), a rating is stored once (T5), a router
 * that lost leadership stops its timers, a follower's commit reaches the leader, and a RONA cut off by the
 * old leader's death is restored by the next.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import type { Bus, ControlMessage } from '../bus/bus';
import { createMemoryBus } from '../bus/memory';
import { type AgentActor, type StatePatch } from '../domain/conversation';
import { decideRate } from '../domain/tickets';
import { decideOfferTimeout, decideRequest, decideRequeue } from '../domain/workflow';
import { silentLogger } from '../log';
import { databasePerTest, patchedConversation, pgStoreFixtures, siteRecord, sqliteStoreFixture, type StoreFixture } from '../store/store-fixture';
import type { Store } from '../store/store';
import { ManualTimers } from '../test/manual-timers';
import { createConversationService, type ConversationService } from './conversations';
import { createDirectory, type Directory } from './directory';
import { createRouter, type Router } from './router';

const T0 = 1_750_000_000_000;
const OFFER_MS = 30_000;
const AGENTS = ['a1', 'a2', 'a3'];
const SYSTEM = { kind: 'system' } as const;


type Handler = (message: ControlMessage, fromNode: string) => void;

interface TestNode {
  nodeId: string;
  timers: ManualTimers;
  directory: Directory;
  conversations: ConversationService;
  router: Router;
}

/**
 * The control channel of several nodes: a node's own handlers hear its messages at once, the others' a
 * moment later (a microtask), as on Redis. `drop` loses every message to other nodes (a Redis blip).
 */
function controlHub() {
  const handlers = new Map<string, Set<Handler>>();
  const hub = {
    drop: false,
    control(nodeId: string): Bus['control'] {
      const own = new Set<Handler>();
      handlers.set(nodeId, own);
      return {
        publish(message) {
          for (const [id, set] of handlers) {
            for (const h of set) {
              if (id === nodeId) h(message, nodeId);
              else if (!hub.drop) queueMicrotask(() => h(message, nodeId));
            }
          }
        },
        subscribe(h) {
          own.add(h);
          return () => own.delete(h);
        },
      };
    },
  };
  return hub;
}

describe.each([
  ['SQLite', () => sqliteStoreFixture('papo-router-')],
  ['PostgreSQL', pgStoreFixtures('router')],
] as const)('issue 14: the routing leader on %s', (storeName, makeStore: () => StoreFixture) => {
  const db = databasePerTest(makeStore);
  let store: Store;
  let clock: number;
  const now = () => clock;
  let hub: ReturnType<typeof controlHub>;
  const nodes: TestNode[] = [];

  /** What every node's writes answered: refusals by the database's indexes show here. */
  let outcomes: string[] = [];
  const counted = (): Store => ({
    ...store,
    write: async (request) => {
      const outcome = await store.write(request);
      outcomes.push(outcome.kind === 'refused' ? `refused ${outcome.code}` : outcome.kind);
      return outcome;
    },
  });

  /**
   * A stale leader's reads: each routing read answers what the one before it did, so it plans on the offers
   * and waiting chats of a moment ago while another leader has moved on.
   */
  function lagging(): Store {
    const last = new Map<string, Promise<ConversationSummary[]>>();
    const lag = (name: 'waiting' | 'withTimers') => () => {
      const fresh = store.conversations[name]();
      const answer = last.get(name) ?? fresh;
      last.set(name, fresh);
      return answer;
    };
    return { ...store, conversations: { ...store.conversations, waiting: lag('waiting'), withTimers: lag('withTimers') } };
  }

  /** One node on the shared store: its own bus, directory (every agent's console connected), services. */
  async function node(nodeId: string, { stale = false }: { stale?: boolean } = {}): Promise<TestNode> {
    const timers = new ManualTimers();
    const bus: Bus = { ...createMemoryBus(silentLogger, nodeId), control: hub.control(nodeId) };
    const directory = await createDirectory(store, now);
    for (const id of AGENTS) directory.connected(id);
    const conversations = createConversationService({ store: counted(), bus, now, agents: directory });
    const router = createRouter({ store: stale ? lagging() : store, directory, conversations, log: silentLogger, now, timers, bus, sweepMs: 3_600_000 });
    const n = { nodeId, timers, directory, conversations, router };
    nodes.push(n);
    return n;
  }

  beforeEach(async () => {
    store = db.reopen();
    clock = T0;
    hub = controlHub();
    outcomes = [];
    await store.sites.create(siteRecord({ id: 's1', key: 'key-s1' }));
    await store.queues.create({ id: 'q1', siteId: 's1', name: 'Vendas', strategy: 'round_robin', offerTimeoutMs: OFFER_MS, createdAt: T0 });
    for (const id of AGENTS) await store.agents.create({ id, name: id, email: `${id}@example.com`, role: 'agent', passwordHash: 'h', createdAt: T0, capacity: 5 });
    await store.queues.setMembers('q1', AGENTS);
  });

  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.router.stop();
  });

  const waiting = (patch: StatePatch = { queueId: 'q1', queuedAt: T0 }) => patchedConversation(store, 's1', patch, T0);
  const quiet = async () => {
    // Passes, then the commits they caused and the passes those asked for, until nothing moves.
    for (let i = 0; i < 5; i++) {
      for (const n of nodes) await n.router.idle();
      await store.flush();
      await new Promise((r) => setImmediate(r));
    }
  };
  const offers = async () => new Map((await store.conversations.withTimers()).filter((c) => c.offer).map((c) => [c.id, c.offer!.agentId]));
  const eventsOf = async (id: string) => store.events.after(id, 0, { limit: 1000 });

  /**
   * Replays every commit of every node, in commit order (one store, one committer: promises settle in commit
   * order), and fails the test at the first moment an agent holds two offers.
   */
  function watchOffers(...watched: TestNode[]) {
    const holder = new Map<string, string>();
    const violations: string[] = [];
    for (const n of watched) {
      n.conversations.onCommit((_events: readonly ConversationEvent[], c: ConversationSummary) => {
        for (const [agent, id] of holder) if (id === c.id && c.offer?.agentId !== agent) holder.delete(agent);
        if (!c.offer) return;
        const other = holder.get(c.offer.agentId);
        if (other !== undefined && other !== c.id) violations.push(`${c.offer.agentId} holds ${other} and ${c.id}`);
        holder.set(c.offer.agentId, c.id);
      });
    }
    return violations;
  }

  it('R4: two routers acting as leader at once (a stale leader): no agent ever holds two offers, and every offer ends exactly once', async () => {
    const a = await node('a', { stale: true });
    const b = await node('b');
    const violations = watchOffers(a, b);
    const conversations: ConversationSummary[] = [];
    for (let i = 0; i < 7; i++) conversations.push(await waiting({ queueId: 'q1', queuedAt: T0 + i }));

    for (let round = 0; round < 4; round++) {
      // Both run a full pass at the same moment, then both fire every offer timer they armed.
      if (round === 0) await Promise.all([a.router.start(), b.router.start()]);
      else {
        // Every agent chooses Available again (the other node's directory rereads it, as presence would).
        for (const id of AGENTS) await a.directory.setState(id, 'available');
        await b.directory.reload();
      }
      await quiet();
      const offered = await offers();
      expect(new Set(offered.values()).size).toBe(offered.size);
      expect(offered.size).toBe(AGENTS.length);
      // The current leader armed a timer for every offer: its own from the write, the other's from its commit
      // message. (The stale one may also have armed some from its old reads: they fire and change nothing.)
      expect(b.timers.pending.size).toBe(AGENTS.length);
      expect(a.timers.pending.size).toBeGreaterThanOrEqual(AGENTS.length);

      // Every offer runs out, both routers' timers fire at the same moment. Each directory hears of the other
      // node's RONA a moment later (cluster presence does that); until then a router may offer a RONA agent
      // once more, which runs out the same way.
      for (let i = 0; i < 5 && (await offers()).size > 0; i++) {
        clock += OFFER_MS;
        const fired = [...a.timers.pending.keys()];
        const firedB = [...b.timers.pending.keys()];
        a.timers.fire(fired);
        b.timers.fire(firedB);
        await quiet();
        await a.directory.reload();
        await b.directory.reload();
        await quiet();
      }
      expect(await offers()).toEqual(new Map());
      // Each agent let its offer expire: RONA.
      for (const id of AGENTS) expect((await store.agents.byId(id))!.availability).toBe('rona');
    }

    expect(violations).toEqual([]);
    let offeredCount = 0;
    for (const c of conversations) {
      const kinds = (await eventsOf(c.id)).map((e) => e.kind).filter((k) => k === 'offered' || k === 'no_answer');
      // Every offer is followed by exactly one end before the next offer.
      for (let i = 0; i < kinds.length; i += 2) expect(kinds.slice(i, i + 2)).toEqual(['offered', 'no_answer']);
      offeredCount += kinds.length / 2;
    }
    expect(offeredCount).toBeGreaterThanOrEqual(4 * AGENTS.length);
    // The stale leader's plans did collide with the other's offers, and the database refused them. On SQLite
    // the two passes interleave the same way every run; on PostgreSQL they are two asynchronous passes over a
    // real connection and may, in a given run, never pick the same agent at once (CI saw such a run), so
    // there the invariants above are the check and the index's refusal is proven by the store contract's
    // "one waiting offer per agent" case under concurrent writes, which runs on both stores.
    if (storeName === 'SQLite') expect(outcomes).toContain('refused conflict');
  });

  it('R4: an offer the database refuses (the agent holds another leader\'s offer) goes to the next agent at once, with one refusal', async () => {
    const a = await node('a');
    const first = await waiting({ queueId: 'q1', queuedAt: T0 });
    const second = await waiting({ queueId: 'q1', queuedAt: T0 + 1 });
    // Another node's leader offered the first conversation to a1 after this router read the offers: this
    // router's reads of the offers miss it, so its plan gives a1 the second conversation.
    const written: string[] = [];
    const stale: Store = {
      ...store,
      conversations: { ...store.conversations, withTimers: async () => [], waiting: async () => [await store.conversations.byId(second.id)].filter((c) => c !== null) },
      write: async (request) => {
        const outcome = await store.write(request);
        written.push(outcome.kind === 'refused' ? `refused ${outcome.code}` : outcome.kind);
        return outcome;
      },
    };
    await store.write({ conversationId: first.id, visitor: null, clientId: null, at: clock, authorize: () => true, decide: () => ({ ok: true, events: [], patch: { offer: { agentId: 'a1', agentName: 'a1', expiresAt: clock + OFFER_MS } } }) });
    const conversations = createConversationService({ store: stale, bus: createMemoryBus(silentLogger, 'stale'), now, agents: a.directory });
    const router = createRouter({ store: stale, directory: a.directory, conversations, log: silentLogger, now, timers: a.timers, sweepMs: 3_600_000 });
    nodes.push({ ...a, router, conversations });

    await router.start();
    await quiet();

    expect(await offers()).toEqual(new Map([[first.id, 'a1'], [second.id, 'a2']]));
    expect(written).toEqual(['refused conflict', 'appended']);
    // Nothing of the refused offer was stored.
    expect((await eventsOf(second.id)).filter((e) => e.kind === 'offered').map((e) => e.data?.agentId)).toEqual(['a2']);
  });

  it('issue 14: a router that loses leadership clears its timers at once and runs no pass; the next leader re-arms them and ends each offer once', async () => {
    const a = await node('a');
    const b = await node('b');
    const first = await waiting();
    await a.router.start();
    await quiet();
    expect((await offers()).size).toBe(1);
    expect(a.timers.pending.size).toBe(1);
    expect(b.timers.pending.size).toBe(0);

    a.router.resign();
    expect(a.router.leading()).toBe(false);
    expect(a.timers.pending.size).toBe(0);
    // No pass on a follower: a new waiting conversation stays unoffered until a leader looks.
    const later = await waiting({ queueId: 'q1', queuedAt: T0 + 5 });
    a.router.kick();
    await quiet();
    expect([...(await offers()).keys()]).not.toContain(later.id);

    // The next leader: timers from the store, then a full pass (the new conversation is offered).
    await b.router.start();
    await quiet();
    expect((await offers()).size).toBe(2);
    expect(b.timers.pending.size).toBe(2);
    clock += OFFER_MS;
    b.timers.fire([...b.timers.pending.keys()]);
    await quiet();
    for (const c of [first, later]) expect((await eventsOf(c.id)).filter((e) => e.kind === 'no_answer')).toHaveLength(1);
    // The old leader armed nothing again meanwhile.
    expect(a.timers.pending.size).toBe(0);
  });

  it("issue 14: a follower's commits reach the leader: a chat queued on the follower is offered, a transfer requested there is timed", async () => {
    const leader = await node('leader');
    const follower = await node('follower');
    await leader.router.start();
    await quiet();

    // A chat enters the queue on the follower (here: requeued from no queue).
    const unqueued = await waiting({});
    await follower.conversations.apply(SYSTEM, unqueued.id, (s) => decideRequeue(s, { id: 'q1', name: 'Vendas' }));
    await quiet();
    expect((await offers()).get(unqueued.id)).toEqual(expect.any(String));
    expect(follower.timers.pending.size).toBe(0);

    // A transfer asked for on the follower: the leader arms its timer and abandons it when it runs out.
    const held = await waiting({ assignedAgentId: 'a3', assignedAgentName: 'a3' });
    const a3: AgentActor = { kind: 'agent', id: 'a3', name: 'a3', role: 'agent', queueIds: new Set(['q1']) };
    await follower.conversations.apply(a3, held.id, (s, at) => decideRequest(s, a3, 'transfer', { agentId: 'a2', queueId: null, name: 'a2' }, at + 60_000));
    await quiet();
    expect(leader.timers.armed(60_000)).toHaveLength(1);
    clock += 60_000;
    leader.timers.elapse(60_000);
    await quiet();
    expect((await store.conversations.byId(held.id))!.request).toBeNull();
    expect((await eventsOf(held.id)).map((e) => e.kind)).toContain('transfer_abandoned');
    expect(follower.timers.pending.size).toBe(0);
  });

  it("issue 14: a follower's commit message lost on the way (a Redis blip) is caught by the leader's next full pass", async () => {
    const leader = await node('leader');
    const follower = await node('follower');
    await leader.router.start();
    await quiet();
    const held = await waiting({ assignedAgentId: 'a3', assignedAgentName: 'a3' });
    const a3: AgentActor = { kind: 'agent', id: 'a3', name: 'a3', role: 'agent', queueIds: new Set(['q1']) };
    hub.drop = true;
    await follower.conversations.apply(a3, held.id, (s, at) => decideRequest(s, a3, 'transfer', { agentId: 'a2', queueId: null, name: 'a2' }, at + 60_000));
    await quiet();
    expect(leader.timers.armed(60_000)).toHaveLength(0);
    // The sweep's full pass.
    leader.router.kick();
    await quiet();
    expect(leader.timers.armed(60_000)).toHaveLength(1);
  });

  it.each([
    ['the old leader died between no_answer and RONA', 'rona', null, true],
    ['the agent chose Available after the no_answer', 'available', 'available', false],
    ['the agent chose Unavailable after the no_answer', 'unavailable', 'unavailable', false],
  ] as const)('R4 after failover: %s: on gaining, the agent is %s', async (_, expected, chosenAfter, declined) => {
    const c = await waiting();
    // The old leader's offer to a1 ran out and its no_answer was committed; the old leader went no further.
    await store.write({ conversationId: c.id, visitor: null, clientId: null, at: clock, authorize: () => true, decide: () => ({ ok: true, events: [], patch: { offer: { agentId: 'a1', agentName: 'a1', expiresAt: clock + OFFER_MS } } }) });
    clock += OFFER_MS;
    const expired = await store.write({ conversationId: c.id, visitor: null, clientId: null, at: clock, authorize: () => true, decide: (s) => decideOfferTimeout(s, 'a1', clock) });
    expect(expired.kind).toBe('appended');
    clock += 1_000;
    if (chosenAfter) await store.agents.update('a1', { availability: chosenAfter, availabilitySince: clock });

    const b = await node('b');
    await b.directory.reload();
    await b.router.start();
    await quiet();
    expect((await store.agents.byId('a1'))!.availability).toBe(expected);
    expect(b.directory.presence('a1').state).toBe(expected);
    // R4: the conversation goes to someone else, not back to the agent that let it expire.
    const offeredTo = (await offers()).get(c.id);
    if (declined) expect(offeredTo).not.toBe('a1');
    else expect(offeredTo).toEqual(expect.any(String));
  });

  it('T5: two ratings of one conversation at once on two nodes: one is stored, the other is refused with conflict', async () => {
    const a = await node('a');
    const b = await node('b');
    const ended = await waiting({ status: 'closed' });
    const visitor = { kind: 'visitor', visitorId: ended.visitorId, siteId: 's1' } as const;
    // Neither saw a rating before its write (tickets.rate's early read), so the write decides.
    const results = await Promise.allSettled([a, b].map((n, i) => n.conversations.apply(visitor, ended.id, (s) => decideRate(s, visitor, 4 + i, null, false))));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
    expect((await eventsOf(ended.id)).filter((e) => e.kind === 'rated')).toHaveLength(1);
  });
});
