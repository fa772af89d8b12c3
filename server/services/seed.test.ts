/**
 * First start: what `seed` creates on an empty database, and that a later start adds nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/store';
import { seed } from './seed';

const T0 = 1_750_000_000_000;
const config = { admin: { email: 'ana@example.com', password: 'correct horse battery staple', name: 'Ana' } };

describe('seed', () => {
  let dir: string;
  let store: Store;
  let clock: number;
  const now = () => clock++;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'papo-seed-'));
    store = createSqliteStore(join(dir, 'papo.db'));
    clock = T0;
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('first start: the demo site sends conversations to a broadcast "Support" queue the admin is in', async () => {
    const result = await seed(store, config, now);
    const [site] = await store.sites.list();
    const [admin] = await store.agents.list();
    const queues = await store.queues.list();
    expect(result.demoSiteKey).toBe(site!.key);
    expect(queues).toEqual([{ id: site!.defaultQueueId, siteId: site!.id, name: 'Support', strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt: expect.any(Number) }]);
    expect(admin).toMatchObject({ email: 'ana@example.com', role: 'admin' });
    expect(await store.queues.memberships()).toEqual(new Map([[admin!.id, [queues[0]!.id]]]));
  });

  it('R8: first start creates the default wrap-up reasons', async () => {
    await seed(store, config, now);
    expect((await store.wrapUpReasons.list()).map((r) => r.label)).toEqual(['Question answered', 'Resolved', 'Spam']);
  });

  it('a later start adds nothing when sites, agents and reasons exist', async () => {
    await seed(store, config, now);
    const before = {
      sites: await store.sites.list(),
      agents: await store.agents.list(),
      queues: await store.queues.list(),
      reasons: await store.wrapUpReasons.list(),
    };
    await store.wrapUpReasons.delete(before.reasons[0]!.id);
    const again = await seed(store, config, now);
    expect(again.generatedLogin).toBeNull();
    expect(again.adminFromEnv).toBeNull();
    expect(await store.sites.list()).toEqual(before.sites);
    expect(await store.agents.list()).toEqual(before.agents);
    expect(await store.queues.list()).toEqual(before.queues);
    expect(await store.wrapUpReasons.list()).toEqual(before.reasons.slice(1));
  });

  it('a list of wrap-up reasons an admin emptied stays empty after a restart', async () => {
    await seed(store, config, now);
    for (const r of await store.wrapUpReasons.list()) await store.wrapUpReasons.delete(r.id);
    await seed(store, config, now);
    expect(await store.wrapUpReasons.list()).toEqual([]);
    expect(await store.queues.list()).toHaveLength(1);
  });

  it('a database from before wrap-up reasons (sites and agents, no reasons) gets the defaults once', async () => {
    await store.agents.create({ id: 'a1', email: 'old@example.com', name: 'Old', role: 'admin', passwordHash: 'x', createdAt: 1 });
    await store.sites.create({ id: 's1', key: 'pk_old', name: 'Old site', allowedOrigins: ['self'], createdAt: 1 });
    await seed(store, config, now);
    expect((await store.wrapUpReasons.list()).map((r) => r.label)).toEqual(['Question answered', 'Resolved', 'Spam']);
  });
});
