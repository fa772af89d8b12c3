import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../bus/memory';
import { createLogger } from '../log';
import { createSqliteStore } from '../store/sqlite/store';
import { createMetrics } from './metrics';
import { createReadiness } from './readiness';

const line = async (metrics: ReturnType<typeof createMetrics>, prefix: string) =>
  (await metrics.text()).split('\n').find((l) => l.startsWith(prefix));

describe('metrics hooks (issue 14)', () => {
  it('a leadership campaigned through the observed store sets papo_leader while it is held', async () => {
    const metrics = createMetrics({ nodeId: 'n1', now: Date.now, processMetrics: false });
    const sqlite = createSqliteStore(join(mkdtempSync(join(tmpdir(), 'papo-metrics-')), 'papo.db'));
    const store = metrics.observeStore(sqlite);
    try {
      const seen: string[] = [];
      const campaign = await store.cluster.lead('routing', { gained: () => seen.push('gained'), lost: () => seen.push('lost') });
      expect(await line(metrics, 'papo_leader{')).toBe('papo_leader{lease="routing",node="n1"} 1');
      await campaign.stop();
      expect(seen).toEqual(['gained', 'lost']);
      expect(await line(metrics, 'papo_leader{')).toBe('papo_leader{lease="routing",node="n1"} 0');
      // Every other member is the store's own.
      await expect(store.cluster.ping()).resolves.toBeUndefined();
      expect(await store.cluster.exclusive('seed', async () => 7)).toBe(7);
    } finally {
      await store.close();
    }
  });

  it('a write that throws counts as a failure and still throws', async () => {
    const metrics = createMetrics({ nodeId: 'n1', now: Date.now, processMetrics: false });
    const sqlite = createSqliteStore(join(mkdtempSync(join(tmpdir(), 'papo-metrics-')), 'papo.db'));
    const store = metrics.observeStore({ ...sqlite, write: () => Promise.reject(new Error('database is gone')) });
    try {
      await expect(store.write({} as never)).rejects.toThrow('database is gone');
      expect(await line(metrics, 'papo_write_failures_total')).toBe('papo_write_failures_total{node="n1"} 1');
    } finally {
      await sqlite.close();
    }
  });

  it('a message handed to many subscribers is timed once; resyncs are counted', async () => {
    let now = 1_000_000;
    const metrics = createMetrics({ nodeId: 'n1', now: () => now, processMetrics: false });
    const bus = metrics.observeBus(createMemoryBus(createLogger('silent'), 'n1'));
    let handed = 0;
    bus.subscribe('t', () => handed++);
    bus.subscribe('t', () => handed++);
    now += 20;
    const event = { conversationId: 'c', seq: 1, kind: 'message', author: { kind: 'visitor', id: 'v', name: null }, clientId: null, text: 'x', at: now - 20 };
    bus.publish('t', { siteId: 's', visitorId: 'v', event, conversation: {} } as never);
    expect(handed).toBe(2);
    expect(await line(metrics, 'papo_delivery_seconds_count')).toBe('papo_delivery_seconds_count{node="n1"} 1');
    expect(await line(metrics, 'papo_delivery_seconds_sum')).toBe('papo_delivery_seconds_sum{node="n1"} 0.02');
    bus.resync();
    expect(await line(metrics, 'papo_bus_resyncs_total')).toBe('papo_bus_resyncs_total{node="n1"} 1');
    expect(bus.nodeId).toBe('n1');
    expect(bus.subscriptions()).toBe(2);
  });
});

describe('readiness (issue 14)', () => {
  it('from stop() on it answers not ready (stopping), so a load balancer drains the node', async () => {
    const readiness = createReadiness({ nodeId: 'n1', store: { cluster: { ping: async () => undefined } as never } });
    expect(await readiness.check()).toEqual({ ready: true, node: 'n1', database: 'ok' });
    readiness.stopping();
    expect(await readiness.check()).toEqual({ ready: false, node: 'n1', reason: 'stopping', database: 'ok' });
  });

  it('Redis failing makes it not ready, naming redis', async () => {
    const readiness = createReadiness({ nodeId: 'n1', store: { cluster: { ping: async () => undefined } as never }, redis: { ping: () => Promise.reject(new Error('down')) } });
    expect(await readiness.check()).toEqual({ ready: false, node: 'n1', reason: 'redis', database: 'ok', redis: 'failed' });
  });
});
