/**
 * Issue 14, SPEC D2, D5, D6 across nodes: with a bus that reorders and drops messages (a test double of the
 * Bus port, as Redis pub/sub behaves with several publishers and reconnects), every client still ends with
 * the store's log: no gap, no repeat, nothing sent out of order. Real conversation service on a real SQLite
 * store; the clients are delivery states with recording outboxes, routed as the role handlers route them,
 * and a reconciler run as a resync runs it.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/protocol';
import { topics, type Bus, type BusMessage } from '../bus/bus';
import { visibleToVisitor, type AgentActor, type VisitorActor } from '../domain/conversation';
import { uuidv7 } from '../ids';
import { silentLogger } from '../log';
import { createConversationService } from '../services/conversations';
import { createMaskingPolicy } from '../services/masking-policy';
import { databasePerTest, siteRecord, sqliteStoreFixture } from '../store/store-fixture';
import { catchUp, deliverToAgent, deliverToVisitor, reconcile, routeToAgent, routeToVisitor, type AgentDeliveryState, type DeliveryState } from './delivery';
import { Reconciler } from './reconcile';
import { Client, random } from './test-client';

/**
 * Holds what is published; `deliver` hands out some of it in random order and drops a share, each message
 * to all of a topic's subscribers before the next (as the Redis bus dispatches a decoded message).
 */
class LossyBus implements Bus {
  readonly nodeId = 'lossy';
  readonly lossless = false;
  readonly held: Array<{ topic: string; message: BusMessage }> = [];
  readonly #subscribers = new Map<string, Set<(m: BusMessage) => void>>();
  readonly #resyncs = new Set<() => void>();
  dropped = 0;

  constructor(
    private readonly rand: () => number,
    private readonly dropRate: number,
  ) {}

  publish(topic: string, message: BusMessage): void {
    this.held.push({ topic, message });
  }
  subscribe(topic: string, handler: (m: BusMessage) => void): () => void {
    let set = this.#subscribers.get(topic);
    if (!set) this.#subscribers.set(topic, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  /** Delivers (or drops) a random `share` of what is held, in random order; the rest waits. */
  deliver(share: number): void {
    const n = Math.ceil(this.held.length * share);
    for (let i = 0; i < n; i++) {
      const [{ topic, message }] = this.held.splice(Math.floor(this.rand() * this.held.length), 1) as [{ topic: string; message: BusMessage }];
      if (this.rand() < this.dropRate) {
        this.dropped++;
        continue;
      }
      for (const handler of this.#subscribers.get(topic) ?? []) handler(message);
    }
  }
  control = { publish: () => undefined, subscribe: () => () => undefined };
  onResync(handler: () => void): () => void {
    this.#resyncs.add(handler);
    return () => this.#resyncs.delete(handler);
  }
  resync(): void {
    for (const handler of this.#resyncs) handler();
  }
  async close(): Promise<void> {}
}

const db = databasePerTest(() => sqliteStoreFixture('papo-lossy-'));

async function idle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('issue 14: delivery over a bus that reorders and drops', () => {
  it.each([1, 2, 3, 4])('D2, D5, D6: every client ends with the store log, no gap, no repeat (seed %i)', async (seed) => {
    const rand = random(seed);
    const store = db.reopen();
    const site = siteRecord();
    await store.sites.create(site);
    await store.agents.create({ id: 'a1', name: 'Ana', email: 'ana@example.com', role: 'admin', passwordHash: 'h', createdAt: 1_750_000_000_000 });
    const bus = new LossyBus(rand, 0.3);
    const conversations = createConversationService({ store, bus, now: () => 1_750_000_000_000 });
    const deps = { conversations, bus, log: silentLogger, masking: await createMaskingPolicy(store) };
    const admin: AgentActor = { kind: 'agent', id: 'a1', name: 'Ana', role: 'admin', queueIds: new Set() };

    // Three visitors, each with its conversation and a socket watching it; one console watching all three.
    const visitors = Array.from({ length: 3 }, () => ({ kind: 'visitor', visitorId: uuidv7(), siteId: site.id }) as VisitorActor);
    const ids: string[] = [];
    for (const v of visitors) ids.push((await conversations.sendMessage(v, { clientId: uuidv7(), text: 'oi' })).conversationId);
    bus.held.length = 0; // published before anyone listened
    const sockets: Array<{ client: Client; live: DeliveryState; deliver: typeof deliverToVisitor }> = [];
    for (const [i, v] of visitors.entries()) {
      const client = new Client();
      const live: DeliveryState = { actor: v, watches: null };
      bus.subscribe(topics.visitor(v.visitorId), (m) => routeToVisitor(client, live, m, null, deps));
      await catchUp(client, live, deps, (await conversations.load(v, ids[i]!)), 0, deliverToVisitor);
      sockets.push({ client, live, deliver: deliverToVisitor });
    }
    const consoleClient = new Client();
    const consoleLive: AgentDeliveryState = { actor: admin, known: null, watches: null };
    bus.subscribe(topics.site(site.id), (m) => routeToAgent(consoleClient, consoleLive, m, null, deps));
    for (const id of ids) await catchUp(consoleClient, consoleLive, deps, await conversations.load(admin, id), 0, deliverToAgent);
    sockets.push({ client: consoleClient, live: consoleLive, deliver: deliverToAgent });

    // Messages, replies and notes from all sides, with the bus delivering part of what it holds between them.
    for (let step = 0; step < 80; step++) {
      const i = Math.floor(rand() * visitors.length);
      const r = rand();
      const sent =
        r < 0.45
          ? conversations.sendMessage(visitors[i]!, { clientId: uuidv7(), text: `v${step}` })
          : conversations.sendMessage(admin, { clientId: uuidv7(), conversationId: ids[i]!, text: `a${step}`, note: r > 0.8 });
      await sent;
      if (rand() < 0.4) bus.deliver(rand());
      if (rand() < 0.3) await idle();
    }
    bus.deliver(1);
    await idle();

    // What no later event showed (the last ones, dropped): the resync's reconcile finds it.
    const reconciler = new Reconciler({ ...deps, reconcileMs: 60_000 });
    for (const { client, live, deliver } of sockets) {
      reconciler.add({ watching: () => live.watches?.keys() ?? [], reconcile: (current) => reconcile(client, live, deps, current, deliver) });
    }
    bus.resync();
    await idle();

    expect(bus.dropped).toBeGreaterThan(0);
    for (const [i, id] of ids.entries()) {
      const stored = await store.events.after(id, 0, { limit: 10_000 });
      const line = (e: ConversationEvent) => `${e.seq}:${e.kind}:${e.text ?? ''}`;
      expect(sockets[i]!.client.log(id), `visitor ${i}`).toEqual(stored.filter((e) => visibleToVisitor(e.kind)).map(line));
      expect(consoleClient.log(id), `console, conversation ${i}`).toEqual(stored.map(line));
    }
    for (const { client } of sockets) expect(client.violations).toEqual([]);
  });
});
