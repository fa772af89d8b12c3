/**
 * Issue 12: the SQLite store's reads that must not grow with history, by their query plans. Each test makes
 * the store run its own statement, captured as prepared with its arguments, and asks SQLite how it would run
 * it: on the index made for it, never a scan of `conversations` or a sort of every matching row (`USE TEMP
 * B-TREE FOR ORDER BY`). Plans, not timings: they hold on any machine.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids';
import type { ConversationFilter, Store } from '../store';
import { ManualTimers } from '../../test/manual-timers';
import { createSqliteStore, OPTIMIZE_EVERY_MS } from './store';

interface Run {
  text: string;
  args: unknown[];
}

let dir: string;
let store: Store;
let sqlite: Database.Database;
let prepare: Database.Database['prepare'];
let runs: Run[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'papo-plans-'));
  runs = [];
  store = createSqliteStore(join(dir, 'papo.db'), {
    onOpen: (db) => {
      sqlite = db;
      prepare = db.prepare.bind(db);
      // Every statement the store prepares records the arguments of each read it runs.
      db.prepare = ((text: string) => {
        const statement = prepare(text);
        for (const method of ['all', 'get', 'iterate'] as const) {
          const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
          (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
            runs.push({ text, args });
            return original(...args);
          };
        }
        return statement;
      }) as Database.Database['prepare'];
    },
  });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The plan of the one statement `read` ran (that names `table`), as SQLite's detail lines. */
async function planOf(read: () => Promise<unknown>, table = 'conversations'): Promise<string[]> {
  runs = [];
  await read();
  const ran = runs.filter((r) => r.text.includes(table));
  expect(ran.length).toBeGreaterThan(0);
  return ran.flatMap((r) => prepare(`EXPLAIN QUERY PLAN ${r.text}`).all(...r.args) as { detail: string }[]).map((row) => row.detail);
}

const list = (filter: Omit<ConversationFilter, 'limit'>) => () => store.conversations.list({ ...filter, limit: 101 });
const AFTER = { updatedAt: 1_750_000_000_000, id: uuidv7() };

describe('issue 12: routing reads only what routing needs', () => {
  it('R4, R6: withTimers reads the partial index of conversations with a timer, not every conversation', async () => {
    expect(await planOf(() => store.conversations.withTimers())).toEqual(['SCAN conversations USING INDEX conversations_timers']);
  });

  it('R2: waiting reads the partial index of waiting conversations, in serving order (no sort)', async () => {
    expect(await planOf(() => store.conversations.waiting())).toEqual(['SCAN conversations USING INDEX conversations_waiting']);
  });

  it('R1: loads reads the partial index of the conversations agents hold', async () => {
    const plan = await planOf(() => store.conversations.loads());
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatch(/^SEARCH conversations USING INDEX conversations_assigned_active /);
  });
});

describe('issue 12: the Closed and Archived lists page on an index in their order', () => {
  it.each<[string, Omit<ConversationFilter, 'limit'>, string]>([
    ['closed', { status: 'closed', archived: false }, 'conversations_closed'],
    ['archived', { status: 'closed', archived: true }, 'conversations_closed'],
    ['closed, next page', { status: 'closed', archived: false, after: AFTER }, 'conversations_closed'],
    ['closed by queue', { status: 'closed', archived: false, queueId: 'q' }, 'conversations_closed_queue'],
    ['archived by queue, next page', { status: 'closed', archived: true, queueId: 'q', after: AFTER }, 'conversations_closed_queue'],
    ['closed by agent', { status: 'closed', archived: false, agentId: 'a' }, 'conversations_closed_agent'],
    ['archived by agent, next page', { status: 'closed', archived: true, agentId: 'a', after: AFTER }, 'conversations_closed_agent'],
    ['closed by priority', { status: 'closed', archived: false, priority: 2 }, 'conversations_closed'],
    ['closed by label', { status: 'closed', archived: false, label: 'vip' }, 'conversations_closed'],
  ])('%s: %s, no sort', async (_name, filter, index) => {
    const plan = await planOf(list(filter));
    expect(plan[0]).toMatch(new RegExp(`^SEARCH conversations USING INDEX ${index} \\(`));
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN conversations/);
  });

  it.each<[string, Omit<ConversationFilter, 'limit'>]>([
    ['open and ended', { status: ['open', 'ended'] }],
    ['open in a queue', { status: 'open', queueId: 'q' }],
    ['open and ended in a queue', { status: ['open', 'ended'], queueId: 'q' }],
  ])('the live lists (%s) read only live conversations, never a queue\'s history', async (_name, filter) => {
    const plan = await planOf(list(filter));
    expect(plan[0]).toMatch(/^SEARCH conversations USING INDEX conversations_status \(status=\?\)/);
  });

  it("D11: a plain agent's closed list reads the index of what it holds and the index of conversations with guests, no sort", async () => {
    const plan = await planOf(list({ status: 'closed', archived: false, heldBy: 'a', after: AFTER }));
    expect(plan.filter((line) => line.startsWith('SEARCH conversations'))).toEqual([
      expect.stringMatching(/^SEARCH conversations USING INDEX conversations_closed_agent \(/),
      expect.stringMatching(/^SEARCH conversations USING INDEX conversations_closed_guests \(/),
    ]);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN conversations/);
  });

  it('the plans hold once the planner has statistics of a database with rows', async () => {
    const insert = prepare(
      `INSERT INTO conversations (id, site_id, visitor_id, status, assigned_agent_id, created_at, updated_at, queue_id, archived)
       VALUES (?, 's', ?, ?, NULL, 0, ?, ?, ?)`,
    );
    sqlite.pragma('foreign_keys = OFF');
    sqlite.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run(`c${i}`, `v${i}`, i < 1_990 ? 'closed' : 'open', i, `q${i % 4}`, i % 3 === 0 ? 1 : 0);
    })();
    sqlite.exec('ANALYZE');
    for (const filter of [{ status: 'closed', archived: false }, { status: 'closed', archived: true, queueId: 'q1' }] as const) {
      const plan = await planOf(list({ ...filter, after: AFTER }));
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN conversations/);
    }
    expect(await planOf(() => store.conversations.withTimers())).toEqual(['SCAN conversations USING INDEX conversations_timers']);
  });
});

describe('issue 12: lookups by e-mail read the index on the normalised address', () => {
  it('visitors.byEmail reads visitors_email', async () => {
    const plan = await planOf(() => store.visitors.byEmail('Ana@Example.com'), 'visitors');
    expect(plan[0]).toMatch(/^SEARCH visitors USING INDEX visitors_email \(<expr>=\?\)/);
  });

  it("tickets.list by requester e-mail reads tickets_requester_email", async () => {
    const plan = await planOf(() => store.tickets.list({ requesterEmail: 'Ana@Example.com', limit: 100 }), 'tickets');
    expect(plan[0]).toMatch(/^SEARCH tickets USING INDEX tickets_requester_email \(<expr>=\?\)/);
  });
});

describe('issue 12: the planner keeps its statistics', () => {
  it('PRAGMA optimize runs at open, then on the hourly timer, which close stops', async () => {
    const timers = new ManualTimers();
    let db!: Database.Database;
    const path = join(dir, 'optimized.db');
    const own = createSqliteStore(path, { timers, onOpen: (d) => (db = d) });
    const statsOf = () => db.prepare<[], string>("SELECT stat FROM sqlite_stat1 WHERE idx = 'conversations_closed'").pluck().get();
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get()).toBe(1);
    expect(timers.armed(OPTIMIZE_EVERY_MS)).toHaveLength(1);

    db.pragma('foreign_keys = OFF');
    const insert = db.prepare(`INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at) VALUES (?, 's', ?, 'closed', 0, ?)`);
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`c${i}`, `v${i}`, i);
    })();
    expect(statsOf()).toBeUndefined();
    timers.elapse(OPTIMIZE_EVERY_MS);
    expect(statsOf()).toMatch(/^500 /);
    expect(timers.armed(OPTIMIZE_EVERY_MS)).toHaveLength(1);

    await own.close();
    expect(timers.pending.size).toBe(0);
  });
});
