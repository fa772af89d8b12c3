/**
 * Issue 14: the committed migrations of both dialects are what drizzle-kit generates from the schemas (a schema
 * edited without `npm run db:generate` fails here), and PostgreSQL's hand edits are in the database they make:
 * fillfactor, the blobs' storage, the labels trigger, tables in the configured schema only. N nodes starting
 * together apply the migrations once.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../sqlite/driver';
import { testPgPool, testSchemaName, TEST_PG_URL } from '../store-fixture';
import { migratePg, openPool, PG_MIGRATIONS_DIR } from './driver';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DRIZZLE_KIT = join(ROOT, 'node_modules/.bin/drizzle-kit');

/** The files drizzle-kit leaves in a copy of `dir` after generating from `schema`: the committed ones when in sync. */
async function generateInto(dir: string, dialect: 'sqlite' | 'postgresql', schema: string): Promise<{ before: string[]; after: string[]; output: string }> {
  const out = mkdtempSync(join(tmpdir(), 'papo-generate-'));
  try {
    cpSync(dir, out, { recursive: true });
    const list = () => [...readdirSync(out), ...readdirSync(join(out, 'meta')).map((f) => `meta/${f}`)].sort();
    const before = list();
    // Relative: drizzle-kit puts './' before the folder it is given.
    const { stdout, stderr } = await promisify(execFile)(DRIZZLE_KIT, ['generate', '--dialect', dialect, '--schema', schema, '--out', relative(ROOT, out)], { cwd: ROOT });
    return { before, after: list(), output: stdout + stderr };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('committed migrations are what drizzle-kit generates', () => {
  it.each([
    ['sqlite', MIGRATIONS_DIR, './server/store/schema.ts'],
    ['postgresql', PG_MIGRATIONS_DIR, './server/store/pg/schema.ts'],
  ] as const)('%s: generating again adds nothing', async (dialect, dir, schema) => {
    const { before, after, output } = await generateInto(dir, dialect, schema);
    expect(after, output).toEqual(before);
    expect(output).toMatch(/No schema changes/);
  }, 30_000);

  it('no PostgreSQL migration names a schema: the tables go where DATABASE_SCHEMA says', () => {
    for (const file of readdirSync(PG_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))) {
      // drizzle-kit writes REFERENCES "public"."table": each generated migration is corrected by hand.
      expect(readFileSync(join(PG_MIGRATIONS_DIR, file), 'utf8'), file).not.toMatch(/"public"\./);
    }
  });
});

describe('PostgreSQL migrations', () => {
  const schema = testSchemaName('migrations');
  let pool: pg.Pool;

  beforeAll(async () => {
    await testPgPool();
    pool = openPool(TEST_PG_URL, { schema, max: 4 }, () => {}).pool;
    // Three nodes starting at once: the advisory lock lets one apply them; the others find nothing to do.
    await Promise.all([migratePg(pool, { schema }), migratePg(pool, { schema }), migratePg(pool, { schema })]);
  }, 60_000);

  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
  });

  it('N nodes starting together apply each migration once', async () => {
    const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const { rows } = await pool.query(`SELECT count(*) AS n FROM ${schema}.__drizzle_migrations`);
    expect(rows[0].n).toBe(journal.entries.length);
  });

  it("the tables are in the configured schema and none in public", async () => {
    const { rows } = await pool.query<{ schemaname: string; n: number }>(
      "SELECT schemaname, count(*) AS n FROM pg_tables WHERE tablename = 'conversations' AND schemaname IN ($1, 'public') GROUP BY schemaname",
      [schema],
    );
    expect(rows).toEqual([{ schemaname: schema, n: 1 }]);
  });

  it('conversations has fillfactor 70 (per-message updates stay HOT) and the blobs are stored EXTERNAL', async () => {
    const { rows } = await pool.query('SELECT reloptions FROM pg_class WHERE relname = $1 AND relnamespace = $2::regnamespace', ['conversations', schema]);
    expect(rows[0].reloptions).toEqual(['fillfactor=70']);
    const storage = await pool.query(
      "SELECT attstorage FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'bytes'",
      [`${schema}.attachment_blobs`],
    );
    expect(storage.rows[0].attstorage).toBe('e');
  });

  it('the labels trigger keeps conversation_labels to the closed conversations, as SQLite 0008 does', async () => {
    const q = (text: string, values: unknown[] = []) => pool.query(text, values);
    await q("INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s', 'k', 'Loja', '[]', 1)");
    await q("INSERT INTO visitors (id, site_id, created_at) VALUES ('v', 's', 1)");
    await q(`INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, labels_json)
             VALUES ('c1', 's', 'v', 'closed', 1, 5, '["vip","billing",3]'), ('c2', 's', 'v', 'open', 1, 6, '["vip"]')`);
    const labels = async () => (await q('SELECT label, archived, updated_at, conversation_id FROM conversation_labels ORDER BY conversation_id, label')).rows;
    expect(await labels()).toEqual([
      { label: 'billing', archived: false, updated_at: 5, conversation_id: 'c1' },
      { label: 'vip', archived: false, updated_at: 5, conversation_id: 'c1' },
    ]);
    await q("UPDATE conversations SET archived = true, updated_at = 7, labels_json = '[\"vip\"]' WHERE id = 'c1'");
    await q("UPDATE conversations SET status = 'closed', updated_at = 8 WHERE id = 'c2'");
    expect(await labels()).toEqual([
      { label: 'vip', archived: true, updated_at: 7, conversation_id: 'c1' },
      { label: 'vip', archived: false, updated_at: 8, conversation_id: 'c2' },
    ]);
    await q("UPDATE conversations SET status = 'open' WHERE id = 'c1'");
    await q("DELETE FROM conversations WHERE id = 'c2'");
    expect(await labels()).toEqual([]);
  });

  it('one waiting offer per agent and one rating per conversation are refused by the database (23505)', async () => {
    const q = (text: string) => pool.query(text);
    await q("INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s2', 'k2', 'Loja', '[]', 1)");
    await q("INSERT INTO visitors (id, site_id, created_at) VALUES ('v2', 's2', 1), ('v3', 's2', 1)");
    await q("INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, offer_agent_id) VALUES ('o1', 's2', 'v2', 'open', 1, 1, 'ana')");
    await expect(q("INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, offer_agent_id) VALUES ('o2', 's2', 'v3', 'open', 1, 1, 'ana')")).rejects.toMatchObject({ code: '23505' });
    await q("INSERT INTO events (conversation_id, seq, kind, author_kind, created_at) VALUES ('o1', 1, 'rated', 'visitor', 1)");
    await expect(q("INSERT INTO events (conversation_id, seq, kind, author_kind, created_at) VALUES ('o1', 2, 'rated', 'visitor', 1)")).rejects.toMatchObject({ code: '23505' });
  });
});
