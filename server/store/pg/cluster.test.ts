/**
 * Issue 14: Store.cluster on PostgreSQL, on a real database: `exclusive` runs one work of a name at a time
 * across stores (nodes), `lead` gives one leader at a time and hands over when the leader stops or its
 * database session dies; `ping` and a database that cannot be reached answer as /readyz and SPEC D15 need.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors';
import { testPgPool, testSchemaName, TEST_PG_URL } from '../store-fixture';
import { LEAD_IDLE_SESSION_TIMEOUT_MS } from './cluster';
import { createPgStore, type PgStore } from './store';

const schema = testSchemaName('cluster');
const stores: PgStore[] = [];

function node(name: string, schemaName = schema): PgStore {
  const store = createPgStore(TEST_PG_URL, { schema: schemaName, nodeId: name, max: 3 });
  stores.push(store);
  return store;
}

/** Waits until `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 8_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A campaign that records what it is told. */
function recorder() {
  const said: string[] = [];
  return { said, on: { gained: () => said.push('gained'), lost: () => said.push('lost') } };
}

beforeAll(async () => {
  await testPgPool();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await (await testPgPool()).query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

describe('PostgreSQL Store.cluster (issue 14)', () => {
  it('exclusive: works of one name on two nodes never overlap; other names do not wait', async () => {
    const [a, b] = [node('a'), node('b')];
    await Promise.all([a.ready(), b.ready()]);
    const log: string[] = [];
    const work = (who: string) => async () => {
      log.push(`${who} in`);
      await new Promise((r) => setTimeout(r, 150));
      log.push(`${who} out`);
      return who;
    };
    const results = await Promise.all([a.cluster.exclusive('seed', work('a')), b.cluster.exclusive('seed', work('b'))]);
    expect(results).toEqual(['a', 'b']);
    expect(log[1]).toMatch(/out$/);
    expect(log[3]).toMatch(/out$/);
    // Another name runs while `seed` is held.
    let release!: () => void;
    const held = a.cluster.exclusive('seed', () => new Promise<void>((r) => (release = r)));
    await until(() => release !== undefined);
    expect(await b.cluster.exclusive('other', async () => 'ran')).toBe('ran');
    release();
    await held;
  });

  it('exclusive: a work that throws releases the lock', async () => {
    const [a, b] = [node('a'), node('b')];
    await expect(a.cluster.exclusive('seed', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await b.cluster.exclusive('seed', async () => 'next')).toBe('next');
  });

  it('lead: one leader at a time; stop hands over to the other node within seconds', async () => {
    const [a, b] = [node('a'), node('b')];
    const [ra, rb] = [recorder(), recorder()];
    const ca = await a.cluster.lead('routing', ra.on);
    // A free lock is the first node's before lead() resolves, as on SQLite.
    expect(ra.said).toEqual(['gained']);
    const cb = await b.cluster.lead('routing', rb.on);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(rb.said).toEqual([]);
    await ca.stop();
    expect(ra.said).toEqual(['gained', 'lost']);
    await until(() => rb.said.length === 1);
    expect(rb.said).toEqual(['gained']);
    await cb.stop();
    expect(rb.said).toEqual(['gained', 'lost']);
  });

  it('lead: a leader whose database session is killed says lost at once, and one node leads again within seconds', async () => {
    const [a, b] = [node('leader-a'), node('leader-b')];
    const [ra, rb] = [recorder(), recorder()];
    await a.cluster.lead('routing', ra.on);
    await b.cluster.lead('routing', rb.on);
    expect(ra.said).toEqual(['gained']);
    const leading = (r: { said: string[] }) => r.said.at(-1) === 'gained';
    // What a failover looks like from PostgreSQL's side: the leader's session ends (its node died, or an operator).
    const admin = await testPgPool();
    const killed = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.application_name = 'papo:leader-a'",
    );
    expect(killed.rowCount).toBe(1);
    await until(() => ra.said.includes('lost'));
    // Either node may win the next campaign (the old leader's process lives on and campaigns again), never both.
    await until(() => leading(ra) || leading(rb));
    await new Promise((r) => setTimeout(r, 1_500));
    expect([leading(ra), leading(rb)].filter(Boolean)).toHaveLength(1);
    expect(ra.said.slice(0, 2)).toEqual(['gained', 'lost']);
    expect(rb.said.length + ra.said.length).toBe(3);
  });

  it('lead: a leader frozen without closing its socket (SIGSTOP) loses its lock to the server; another node leads', async () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    // A real node in its own process: it leads, says so, and is then frozen (no heartbeat, socket left open).
    const code = `import { createPgStore } from './server/store/pg/store';
      const store = createPgStore(${JSON.stringify(TEST_PG_URL)}, { schema: ${JSON.stringify(schema)}, nodeId: 'frozen' });
      await store.cluster.lead('routing', { gained: () => console.log('gained'), lost: () => {} });`;
    // node itself (tsx as a loader): the tsx command would run the code in a grandchild that SIGSTOP misses.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('gained') && resolve());
        child.on('exit', (c) => reject(new Error(`child exited ${c}`)));
      });
      child.kill('SIGSTOP');
      const r = recorder();
      const started = Date.now();
      await node('b').cluster.lead('routing', r.on);
      expect(r.said).toEqual([]);
      await until(() => r.said.length === 1, LEAD_IDLE_SESSION_TIMEOUT_MS + 8_000);
      expect(r.said).toEqual(['gained']);
      expect(Date.now() - started).toBeLessThan(LEAD_IDLE_SESSION_TIMEOUT_MS + 5_000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);

  it('lead: leaderships of different schemas (installations) do not exclude each other', async () => {
    const other = testSchemaName('cluster_other');
    try {
      const [a, b] = [node('a'), node('b', other)];
      const [ra, rb] = [recorder(), recorder()];
      await a.cluster.lead('routing', ra.on);
      await b.cluster.lead('routing', rb.on);
      expect([ra.said, rb.said]).toEqual([['gained'], ['gained']]);
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await (await testPgPool()).query(`DROP SCHEMA IF EXISTS ${other} CASCADE`);
    }
  });

  it('ping answers while the database does; close ends every campaign', async () => {
    const a = node('a');
    await a.cluster.ping();
    const r = recorder();
    await a.cluster.lead('routing', r.on);
    await a.close();
    stores.splice(stores.indexOf(a), 1);
    expect(r.said).toEqual(['gained', 'lost']);
  });

  it('a node whose every database session was ended serves again at once: the pool opens new ones', async () => {
    const a = node('reconnect');
    expect(await a.sites.count()).toBe(0);
    const admin = await testPgPool();
    const killed = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'papo:reconnect'");
    expect(killed.rowCount).toBeGreaterThan(0);
    // A pooled connection that was idle is dropped when its end is noticed; a query on one not yet noticed
    // fails once as storage_unavailable (never the driver's error), and the next one is served.
    await until(async () => (await a.sites.count().catch((err: unknown) => (isAppError(err) && err.code === 'storage_unavailable' ? -1 : Promise.reject(err)))) === 0);
  });

  it('D15: a database that cannot be reached answers storage_unavailable, never the driver error', async () => {
    // Port 1 has no server: ECONNREFUSED at once.
    const store = createPgStore('postgres://postgres@127.0.0.1:1/papo_test', { schema: 't_unreachable' });
    try {
      const err = await store.sites.count().catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('storage_unavailable');
      await expect(store.cluster.ping()).rejects.toMatchObject({ code: 'storage_unavailable' });
    } finally {
      await store.close();
    }
  });
});
