/**
 * Issue 12 on PostgreSQL (issue 14): the store's reads that must not grow with history, by their query plans.
 * A database with thousands of closed conversations (analysed, so the planner chooses as it would in
 * production); each test makes the store run its own statement, captured with its arguments, and asks
 * PostgreSQL how it runs it: on an index, never a sequential scan of `conversations` or `conversation_labels`,
 * and the lists in their order without a sort of every matching row. Plans, not timings.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConversationFilter } from '../store';
import { testPgPool, testSchemaName, TEST_PG_URL } from '../store-fixture';
import { openPool } from './driver';
import { createPgStore, type PgStore } from './store';

const T0 = 1_750_000_000_000;
const CLOSED = 6_000;
const schema = testSchemaName('plans');
let store: PgStore;
let pool: pg.Pool;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

beforeAll(async () => {
  await testPgPool();
  store = createPgStore(TEST_PG_URL, { schema, max: 2 });
  await store.ready();
  pool = openPool(TEST_PG_URL, { schema, max: 1 }, () => {}).pool;
  // Closed history over 4 agents, 5 queues, 4 priorities, some archived, labelled, with guests; a few live rows.
  await pool.query(`
    INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s', 'k', 'Loja', '[]', ${T0});
    INSERT INTO agents (id, email, name, role, password_hash, created_at)
      SELECT 'a' || i, 'a' || i || '@example.com', 'A' || i, 'agent', 'h', ${T0} FROM generate_series(0, 3) i;
    INSERT INTO visitors (id, site_id, created_at, email) SELECT 'v' || i, 's', ${T0}, 'v' || i || '@example.com' FROM generate_series(0, 999) i;
    INSERT INTO conversations (id, site_id, visitor_id, status, assigned_agent_id, queue_id, priority, archived, labels_json, participants_json, created_at, updated_at)
      SELECT 'c' || lpad(i::text, 6, '0'), 's', 'v' || (i % 1000), 'closed', 'a' || (i % 4), 'q' || (i % 5), i % 4, i % 7 = 0,
             CASE WHEN i % 50 = 0 THEN '["vip"]' WHEN i % 3 = 0 THEN '["billing"]' ELSE '[]' END,
             CASE WHEN i % 40 = 0 THEN '[{"id":"a' || ((i + 1) % 4) || '","name":"G"}]' ELSE '[]' END,
             ${T0} + i, ${T0} + i * 10
      FROM generate_series(1, ${CLOSED}) i;
    INSERT INTO conversations (id, site_id, visitor_id, status, assigned_agent_id, queue_id, offer_agent_id, offer_agent_name, offer_expires_at, created_at, updated_at)
      SELECT 'o' || i, 's', 'v' || i, 'open', CASE WHEN i % 2 = 0 THEN 'a' || (i % 4) END, 'q1',
             CASE WHEN i = 1 THEN 'a1' END, CASE WHEN i = 1 THEN 'A1' END, CASE WHEN i = 1 THEN ${T0} END, ${T0}, ${T0}
      FROM generate_series(1, 30) i;
    INSERT INTO events (conversation_id, seq, kind, author_kind, text, created_at)
      SELECT c.id, s, CASE WHEN s = 1 THEN 'created' ELSE 'message' END, CASE WHEN s = 3 THEN 'agent' ELSE 'visitor' END, 'Olá', c.created_at
      FROM conversations c, generate_series(1, 3) s;
    ANALYZE;
  `);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool?.end();
});

/** The plan nodes of every statement `read` ran that names `table`. */
async function planOf(read: () => Promise<unknown>, table = 'conversations'): Promise<PlanNode[]> {
  const spy = vi.spyOn(pg.Pool.prototype, 'query');
  let calls: unknown[][];
  try {
    await read();
  } finally {
    // Restoring clears the record: copied first.
    calls = [...spy.mock.calls];
    spy.mockRestore();
  }
  const ran = (calls as [unknown, unknown][])
    .map(([text, values]) => ({ text: typeof text === 'string' ? text : (text as { text: string }).text, values: (Array.isArray(values) ? values : (text as { values?: unknown[] }).values) ?? [] }))
    .filter((r) => r.text.includes(table));
  expect(ran.length).toBeGreaterThan(0);
  const nodes: PlanNode[] = [];
  for (const r of ran) {
    const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${r.text}`, r.values);
    nodes.push(...flatten(rows[0]!['QUERY PLAN'][0].Plan));
  }
  return nodes;
}

/** No sequential scan of the history tables. */
function indexOnly(nodes: PlanNode[]): void {
  const scans = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']);
  expect(scans.filter((t) => t === 'conversations' || t === 'conversation_labels' || t === 'events' || t === 'visitors')).toEqual([]);
}

const indexes = (nodes: PlanNode[]) => nodes.map((n) => n['Index Name']).filter(Boolean);
const sorts = (nodes: PlanNode[]) => nodes.filter((n) => n['Node Type'] === 'Sort' || n['Node Type'] === 'Incremental Sort');
const list = (filter: Omit<ConversationFilter, 'limit'>) => () => store.conversations.list({ ...filter, limit: 101 });

describe('PostgreSQL: routing reads only what routing needs (issue 12)', () => {
  it.each([
    ['R4, R6: withTimers', () => store.conversations.withTimers(), ['conversations_timers']],
    ['R2: waiting', () => store.conversations.waiting(), ['conversations_waiting']],
    // Either index reads only live rows: the planner takes the open ones' when they are fewer than those held.
    ['R1: loads', () => store.conversations.loads(), ['conversations_assigned_active', 'conversations_status']],
  ] as const)('%s reads a partial index of live rows', async (_name, read, index) => {
    const nodes = await planOf(read);
    indexOnly(nodes);
    expect(indexes(nodes).some((name) => index.includes(name as never))).toBe(true);
  });

  it('R2: waiting comes in serving order from its index, not sorted', async () => {
    expect(sorts(await planOf(() => store.conversations.waiting()))).toEqual([]);
  });
});

describe('PostgreSQL: the closed lists read a page, not the history (issue 12)', () => {
  const AFTER = { updatedAt: T0 + 30_000, id: 'c003000' };
  it.each<[string, Omit<ConversationFilter, 'limit'>]>([
    ['closed', { status: 'closed', archived: false }],
    ['archived', { status: 'closed', archived: true }],
    ['closed, next page', { status: 'closed', archived: false, after: AFTER }],
    ['closed in a queue', { status: 'closed', archived: false, queueId: 'q2' }],
    ['closed of an agent', { status: 'closed', archived: false, agentId: 'a1' }],
    ['closed of an agent, next page', { status: 'closed', archived: false, agentId: 'a1', after: AFTER }],
    ['closed of a priority', { status: 'closed', archived: false, priority: 2 }],
    ['closed with a rare label', { status: 'closed', archived: false, label: 'vip' }],
    ['closed with a label, next page', { status: 'closed', archived: false, label: 'billing', after: AFTER }],
  ])('%s: on an index, in list order', async (_name, filter) => {
    const nodes = await planOf(list(filter));
    indexOnly(nodes);
    expect(sorts(nodes)).toEqual([]);
  });

  it('R10: held by an agent: what it holds on its index in order; what it joined on the conferences index', async () => {
    const nodes = await planOf(list({ status: 'closed', archived: false, heldBy: 'a2' }));
    indexOnly(nodes);
    expect(indexes(nodes)).toEqual(expect.arrayContaining(['conversations_closed_agent', 'conversations_closed_guests']));
    // The planner may sort the conferences it reads (only conferences: that index holds no other row, and
    // PostgreSQL's leaves the guest list out of its key, pg/schema.ts): never a sort over every closed row.
    for (const sort of sorts(nodes)) expect(indexes(flatten(sort))).toEqual(['conversations_closed_guests']);
  });

  it('live lists read the live rows only', async () => {
    indexOnly(await planOf(list({ status: ['open', 'ended'] })));
  });
});

describe("PostgreSQL: a visitor's reads", () => {
  it.each([
    ['C3: openForVisitor', () => store.conversations.openForVisitor('v7')],
    ['W7: forVisitor', () => store.conversations.forVisitor('s', 'v7', 50)],
    ['R8: stickyAgentFor', () => store.conversations.stickyAgentFor('v7', 'c000007')],
  ] as const)('%s: on the visitor index', async (_name, read) => {
    indexOnly(await planOf(read));
  });

  it('data rights: visitors by e-mail on lower(email)', async () => {
    const nodes = await planOf(() => store.visitors.byEmail('V7@example.com'), 'visitors');
    indexOnly(nodes);
    expect(indexes(nodes)).toContain('visitors_email');
  });
});
