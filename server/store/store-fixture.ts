/**
 * @module Test code only: the database each Store contract test runs on (store.case.test.ts,
 * tickets.case.test.ts and the other *.case.test.ts), SQLite's or PostgreSQL's, and a site to store in it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { uuidv7 } from '../ids';
import { migratePg, openPool } from './pg/driver';
import { createPgStore } from './pg/store';
import { createSqliteStore } from './sqlite/store';
import type { ConversationSummary } from '../../shared/protocol';
import { canView, decideMessage, type StatePatch, type VisitorActor } from '../domain/conversation';
import type { Site, Store } from './store';

const T0 = 1_750_000_000_000;

/**
 * A fresh, empty database. `open` answers a store on it; after that store's `close()`, `open` may be called
 * again and must see the same data. `destroy` removes the database once every store on it is closed.
 */
export interface StoreFixture {
  /** Awaited before the first `open` (PostgreSQL: the test database exists). */
  ready?(): Promise<void>;
  open(): Store;
  destroy(): void | Promise<void>;
  /** After the last test of the `describe` (a database the tests shared is removed). */
  dispose?(): Promise<void>;
}

/**
 * Inside a `describe`: a new database from `makeStore` before each test, and after it every store still
 * open on it closed and the database removed.
 *
 * @example const db = databasePerTest(makeStore); beforeEach(() => { store = db.reopen(); });
 */
export function databasePerTest(makeStore: () => StoreFixture): { reopen(): Store; close(s: Store): Promise<void> } {
  let fixture: StoreFixture;
  let open: Store[] = [];

  beforeEach(async () => {
    fixture = makeStore();
    open = [];
    await fixture.ready?.();
  });

  afterEach(async () => {
    for (const s of open) await s.close();
    await fixture.destroy();
  });

  afterAll(async () => {
    await fixture?.dispose?.();
  });

  return {
    /** Opens a store on this test's database and closes it after the test. */
    reopen() {
      const s = fixture.open();
      open.push(s);
      return s;
    },
    async close(s: Store) {
      await s.close();
      open = open.filter((o) => o !== s);
    },
  };
}

/** A SQLite database file in a new temporary folder whose name starts with `prefix`. */
export function sqliteStoreFixture(prefix: string): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'papo.db');
  return {
    open: () => createSqliteStore(path),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The PostgreSQL server tests use (issue 14): PAPO_TEST_PG_URL, else the one every development machine and CI
 * run have (127.0.0.1:5432, user postgres). Its database `papo_test` is created when missing.
 */
export const TEST_PG_URL = process.env.PAPO_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/papo_test';

let testDatabase: Promise<pg.Pool> | null = null;

/**
 * A small pool on the test database (created when missing: two test processes may race to create it), for the
 * fixtures' CREATE/DROP SCHEMA. It lets the process exit while idle.
 */
export function testPgPool(): Promise<pg.Pool> {
  testDatabase ??= (async () => {
    const url = new URL(TEST_PG_URL);
    const name = decodeURIComponent(url.pathname.slice(1));
    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
          // Another test process created it between our look and our CREATE.
          if (err.code !== '42P04' && err.code !== '23505') throw err;
        });
      }
    } finally {
      await admin.end();
    }
    return new pg.Pool({ connectionString: TEST_PG_URL, max: 2, allowExitOnIdle: true });
  })();
  return testDatabase;
}

/** A fresh schema name `t_<purpose>_<random hex>` (lower-case, as DATABASE_SCHEMA must be). */
export function testSchemaName(purpose: string): string {
  return `t_${purpose.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
}

/**
 * A new schema of the test database, named after `purpose` (`t_<purpose>_<hex>`): each store opened on it
 * creates and migrates it on first use; `destroy` drops it with everything in it.
 */
export function pgStoreFixture(purpose: string): StoreFixture {
  const schema = testSchemaName(purpose);
  return {
    ready: async () => void (await testPgPool()),
    open: () => createPgStore(TEST_PG_URL, { schema, nodeId: 'test', max: 4 }),
    async destroy() {
      await (await testPgPool()).query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

/**
 * The contract suites' PostgreSQL (issue 14): a `makeStore` for `databasePerTest` whose tests share one schema,
 * migrated once, and every row deleted before each test, so each still starts on an empty database. A schema
 * per test costs about 1.4 s here (migrate 0.9 s, drop 0.45 s, on this shared 2-core machine) against 20 ms to
 * empty one, and the store suites have about 150 tests each. The schema is dropped after the last test.
 *
 * @example storeContract('PostgreSQL', pgStoreFixtures('store'))
 */
export function pgStoreFixtures(purpose: string): () => StoreFixture {
  let shared: Promise<{ schema: string; empty: string }> | null = null;
  const prepare = async () => {
    const schema = testSchemaName(purpose);
    await testPgPool();
    const { pool } = openPool(TEST_PG_URL, { schema, max: 1 }, () => {});
    try {
      await migratePg(pool, { schema });
    } finally {
      await pool.end();
    }
    // Children before parents (by foreign keys), so plain DELETEs empty them; drizzle's journal stays.
    const { rows } = await (await testPgPool()).query<{ relname: string }>(
      `WITH RECURSIVE t AS (SELECT oid, relname FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r' AND relname <> '__drizzle_migrations'),
       fk AS (SELECT conrelid AS child, confrelid AS parent FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace AND conrelid <> confrelid),
       depth AS (SELECT oid, 0 AS d FROM t UNION ALL SELECT fk.child, depth.d + 1 FROM depth JOIN fk ON fk.parent = depth.oid)
       SELECT t.relname FROM t JOIN depth USING (oid) GROUP BY t.relname ORDER BY max(d) DESC, t.relname`,
      [schema],
    );
    return { schema, empty: rows.map((r) => `DELETE FROM ${schema}."${r.relname}";`).join(' ') };
  };
  return () => {
    let schema = '';
    return {
      async ready() {
        const first = shared === null;
        shared ??= prepare();
        const suite = await shared;
        schema = suite.schema;
        // One simple query: its statements run as one transaction.
        if (!first) await (await testPgPool()).query(suite.empty);
      },
      open: () => createPgStore(TEST_PG_URL, { schema, nodeId: 'test', max: 4 }),
      destroy: () => {},
      async dispose() {
        if (shared === null) return;
        const { schema: name } = await shared;
        shared = null;
        await (await testPgPool()).query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      },
    };
  };
}

/**
 * A new site named Loja with a fresh id and key, created at the contracts' T0, with no queue, bot, ticketing
 * or masking. A test names only the fields it is about.
 *
 * @example await store.sites.create(siteRecord({ allowedOrigins: ['self'] }))
 */
export function siteRecord(overrides: Partial<Site> = {}): Site {
  return {
    id: uuidv7(),
    key: `key-${uuidv7()}`,
    name: 'Loja',
    allowedOrigins: ['self'],
    createdAt: T0,
    defaultQueueId: null,
    botWebhookUrl: null,
    botTokenHash: null,
    ticketing: null,
    masking: 'off',
    widget: null,
    identitySecret: null,
    ...overrides,
  };
}

/**
 * A conversation a new visitor starts with `text` at `startedAt`, then given `patch` at `at` (its activity time,
 * which orders the lists), through the store as the services write it. For list and paging tests.
 *
 * @example const closed = await patchedConversation(store, site.id, { status: 'closed' }, T0 + 1_000)
 */
export async function patchedConversation(
  store: Store,
  siteId: string,
  patch: StatePatch,
  at: number,
  { text = 'Olá', startedAt = T0 }: { text?: string; startedAt?: number } = {},
): Promise<ConversationSummary> {
  const visitor: VisitorActor = { kind: 'visitor', visitorId: uuidv7(), siteId };
  const clientId = uuidv7();
  const first = await store.write({
    conversationId: null,
    visitor: { siteId, visitorId: visitor.visitorId },
    clientId,
    at: startedAt,
    authorize: (s) => canView(visitor, s),
    decide: (s) => decideMessage(s, visitor, text, clientId),
  });
  if (first.kind !== 'appended') throw new Error(first.kind);
  const out = await store.write({ conversationId: first.conversation.id, visitor: null, clientId: null, at, authorize: () => true, decide: () => ({ ok: true, events: [], patch }) });
  if (out.kind !== 'appended') throw new Error(out.kind);
  return out.conversation;
}
