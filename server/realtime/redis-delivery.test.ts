/**
 * Issue 14, SPEC D2, D5, D6 across two nodes on a real Redis: two conversation services (nodes A and B), each
 * publishing on its own Redis bus, write to one store; clients on both nodes follow the conversations as the
 * role handlers route them, with each node's reconciler. Writes race across the two publishers, and B's
 * subscriber connection is cut mid-stream (what Redis does to a slow or dropped client). Every client ends
 * with the store's log, with no frame out of order or repeated.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/protocol';
import { topics } from '../bus/bus';
import { createRedisBus, type RedisBus } from '../bus/redis';
import { visibleToVisitor, type AgentActor, type VisitorActor } from '../domain/conversation';
import { uuidv7 } from '../ids';
import { silentLogger } from '../log';
import { createConversationService } from '../services/conversations';
import { createMaskingPolicy } from '../services/masking-policy';
import { databasePerTest, siteRecord, sqliteStoreFixture } from '../store/store-fixture';
import { catchUp, deliverToAgent, deliverToVisitor, reconcile, routeToAgent, routeToVisitor, type AgentDeliveryState, type DeliveryState } from './delivery';
import { Reconciler } from './reconcile';
import { Client, random } from './test-client';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const db = databasePerTest(() => sqliteStoreFixture('papo-redis-delivery-'));
const buses: RedisBus[] = [];

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

/** Kills one named client connection (only this test's: other test files share the Redis). */
async function kill(name: string): Promise<void> {
  const admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await admin.connect();
    const line = ((await admin.client('LIST')) as string).split('\n').find((l) => l.includes(` name=${name} `));
    await admin.client('KILL', 'ID', /\bid=(\d+)/.exec(line!)![1]!);
  } finally {
    admin.disconnect();
  }
}

describe('issue 14: delivery across two nodes on Redis', () => {
  it('D2, D5, D6: writes racing on two nodes and a subscriber cut mid-stream: every client ends with the store log', async () => {
    const rand = random(14);
    const store = db.reopen();
    const site = siteRecord();
    await store.sites.create(site);
    await store.agents.create({ id: 'a1', name: 'Ana', email: 'ana@example.com', role: 'admin', passwordHash: 'h', createdAt: 1_750_000_000_000 });
    const prefix = `t_delivery_${randomBytes(6).toString('hex')}:`;
    const masking = await createMaskingPolicy(store);
    const nodes = [];
    for (const nodeId of ['A', 'B']) {
      const bus = await createRedisBus({ url: REDIS_URL, prefix, nodeId, log: silentLogger, retryDelayMs: () => 20 });
      buses.push(bus);
      const conversations = createConversationService({ store, bus, now: () => 1_750_000_000_000 });
      const deps = { conversations, bus, log: silentLogger, masking };
      nodes.push({ bus, conversations, deps, reconciler: new Reconciler({ ...deps, reconcileMs: 60_000 }) });
    }
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const admin: AgentActor = { kind: 'agent', id: 'a1', name: 'Ana', role: 'admin', queueIds: new Set() };
    const visitors = Array.from({ length: 3 }, () => ({ kind: 'visitor', visitorId: uuidv7(), siteId: site.id }) as VisitorActor);
    const ids: string[] = [];
    for (const v of visitors) ids.push((await a.conversations.sendMessage(v, { clientId: uuidv7(), text: 'oi' })).conversationId);

    // Each visitor's socket on B; a console on each node watching every conversation.
    const clients: Array<{ client: Client; visitor: number | null }> = [];
    for (const [i, v] of visitors.entries()) {
      const client = new Client();
      const live: DeliveryState = { actor: v, watches: null };
      b.bus.subscribe(topics.visitor(v.visitorId), (m) => routeToVisitor(client, live, m, null, b.deps));
      await catchUp(client, live, b.deps, await b.conversations.load(v, ids[i]!), 0, deliverToVisitor);
      b.reconciler.add({ watching: () => live.watches?.keys() ?? [], reconcile: (current) => reconcile(client, live, b.deps, current, deliverToVisitor) });
      clients.push({ client, visitor: i });
    }
    for (const node of [a, b]) {
      const client = new Client();
      const live: AgentDeliveryState = { actor: admin, known: null, watches: null };
      node.bus.subscribe(topics.site(site.id), (m) => routeToAgent(client, live, m, null, node.deps));
      for (const id of ids) await catchUp(client, live, node.deps, await node.conversations.load(admin, id), 0, deliverToAgent);
      node.reconciler.add({ watching: () => live.watches?.keys() ?? [], reconcile: (current) => reconcile(client, live, node.deps, current, deliverToAgent) });
      clients.push({ client, visitor: null });
    }

    // Bursts of writes on both nodes at once (their publishes race on Redis); B's subscriber cut in the middle.
    let step = 0;
    for (let burst = 0; burst < 12; burst++) {
      const writes = [];
      for (let k = 0; k < 6; k++, step++) {
        const node = rand() < 0.5 ? a : b;
        const i = Math.floor(rand() * visitors.length);
        writes.push(
          rand() < 0.5
            ? node.conversations.sendMessage(visitors[i]!, { clientId: uuidv7(), text: `v${step}` })
            : node.conversations.sendMessage(admin, { clientId: uuidv7(), conversationId: ids[i]!, text: `a${step}`, note: rand() < 0.3 }),
        );
      }
      if (burst === 5) await kill(`${prefix}sub:B`);
      await Promise.all(writes);
    }

    const stored = new Map<string, ConversationEvent[]>();
    for (const id of ids) stored.set(id, await store.events.after(id, 0, { limit: 10_000 }));
    const line = (e: ConversationEvent) => `${e.seq}:${e.kind}:${e.text ?? ''}`;
    const behind = () =>
      clients.flatMap(({ client, visitor }) =>
        (visitor === null ? ids : [ids[visitor]!]).filter((id) => {
          const want = stored.get(id)!.filter((e) => visitor === null || visibleToVisitor(e.kind));
          return JSON.stringify(client.log(id)) !== JSON.stringify(want.map(line));
        }),
      );
    // The cut's resync (B) and the last events' delivery are asynchronous: wait for them.
    const deadline = Date.now() + 5_000;
    while (behind().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(b.bus.reconnects()).toBe(1);
    expect(behind()).toEqual([]);
    for (const { client } of clients) expect(client.violations).toEqual([]);
  });
});
