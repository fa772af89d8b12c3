import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { searchTerms } from '../../domain/search';
import { ftsMatch } from './fts-match';
import { siteRecord } from '../store-fixture';
import { createSqliteStore } from './store';

describe('no input is an FTS5 error (SPEC S2)', () => {
  it('2,000 generated queries of operators, quotes, marks, emoji and other scripts all run', async () => {
    const Sqlite = (await import('better-sqlite3')).default;
    const db = new Sqlite(':memory:');
    db.exec("CREATE VIRTUAL TABLE f USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')");
    db.prepare('INSERT INTO f (rowid, text) VALUES (1, ?)').run('Olá, preciso de uma ação: NEAR AND OR NOT "x" 42');
    const count = db.prepare<[string], number>('SELECT count(*) FROM f WHERE f MATCH ?').pluck();
    const pool = [...'"\'*:^-+(){}[],.;!?#@$%&|~`/\\ \t\n', 'AND', 'OR', 'NOT', 'NEAR', 'text', 'ação', 'ÇÃO', 'a', 'zz', '42', '\u0301', '\u0327', '\u200b', '\ufeff', '😀', '👩\u200d💻', '東京', 'Привет', 'مرحبا', '\ue000', '\u{16fe4}', '\u{1e030}', 'ǅ', 'ﬁ', 'İ', 'ß', '\u0000', '\ud800'];
    let seed = 12;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let ran = 0;
    for (let i = 0; i < 2_000; i++) {
      const query = Array.from({ length: 1 + Math.floor(next() * 8) }, () => pool[Math.floor(next() * pool.length)]).join('');
      const match = ftsMatch(searchTerms(query));
      if (match === null) continue;
      expect(() => count.get(match), query).not.toThrow();
      ran++;
    }
    expect(ran).toBeGreaterThan(1_000);
    db.close();
  });
});

describe('query plans: search reads the matches, never every row (issue 12)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'papo-search-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A store whose statements that read the index are kept, to be explained. */
  function storeKeepingStatements() {
    const statements: string[] = [];
    let connection!: Database.Database;
    const store = createSqliteStore(join(dir, `${statements.length}-${Date.now()}.db`), {
      onOpen: (sqlite) => {
        connection = sqlite;
        const prepare = sqlite.prepare.bind(sqlite);
        sqlite.prepare = ((source: string) => {
          if (/search_\w*fts\b/.test(source)) statements.push(source);
          return prepare(source);
        }) as typeof sqlite.prepare;
      },
    });
    const plan = (source: string, ...params: unknown[]) =>
      connection.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${source}`).all(...params).map((r) => r.detail);
    return { store, statements, plan, sqlite: () => connection };
  }

  it('the index keeps prefixes of 2 to 4 characters (a query\'s last word reads one posting list, not every word it starts) and merges at 8 segments', async () => {
    const { store, sqlite } = storeKeepingStatements();
    try {
      const sql = sqlite().prepare<[], string>("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").pluck().get()!;
      expect(sql).toMatch(/prefix='2 3 4'/);
      // Fewer, larger merges: no commit pays for a level's merge as often (0007's measurement).
      expect(sqlite().prepare("SELECT v FROM search_fts_config WHERE k = 'automerge'").pluck().get()).toBe(8);
    } finally {
      await store.close();
    }
  });

  it('no trigger writes the FTS tables (they queue); the queue is applied before COMMIT and left empty', async () => {
    // FTS5 flushes its pending terms at every statement savepoint: written from triggers, each message of a
    // group commit after the first paid a flush and its merges (9-14 ms at 240,000 texts; 0007's comment).
    const { store, sqlite } = storeKeepingStatements();
    try {
      const bodies = sqlite().prepare<[], string>("SELECT sql FROM sqlite_master WHERE type = 'trigger'").pluck().all();
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) expect(body).not.toMatch(/search_(tickets_)?fts\b/);
      const site = siteRecord();
      await store.sites.create(site);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.write({
            conversationId: null,
            visitor: { siteId: site.id, visitorId: `visitor-${i}` },
            clientId: `c-${i}`,
            at: 1,
            authorize: () => true,
            decide: () => ({ ok: true, events: [{ kind: 'message', author: { kind: 'visitor', id: `visitor-${i}`, name: null }, clientId: `c-${i}`, text: `fila ${i}` }], patch: null }),
          } as never),
        ),
      );
      expect(sqlite().prepare('SELECT count(*) FROM search_queue').pluck().get()).toBe(0);
      expect(sqlite().prepare("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'fila'").pluck().get()).toBe(10);
    } finally {
      await store.close();
    }
  });

  it('the ticket list\'s text filter starts from the tickets\' own index and reads each match by its key', async () => {
    const { store, statements, plan } = storeKeepingStatements();
    try {
      await store.tickets.list({ text: 'boleto', status: ['open', 'pending'], limit: 10 });
      const source = statements.find((s) => s.includes('FROM tickets') || s.includes('tickets t'))!;
      // Only the tickets' own index: never the postings of every message that holds the word.
      expect(source).toMatch(/FROM search_tickets_fts f/);
      expect(source).not.toMatch(/\bsearch_fts\b/);
      const steps = plan(source, '"boleto"*', 'open', 'pending', 10);
      // The matches (a co-routine over the index), each read by its key; never a scan of the tickets.
      expect(steps.some((s) => /^SCAN f VIRTUAL TABLE/.test(s))).toBe(true);
      expect(steps.some((s) => /SEARCH t USING INDEX sqlite_autoindex_tickets_1 \(id=\?\)/.test(s))).toBe(true);
      expect(steps.filter((s) => /^SCAN (t|tickets)\b/.test(s))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a search reads the newest matches from the index, unsorted, and documents and conversations by their keys', async () => {
    const { store, statements, plan } = storeKeepingStatements();
    try {
      await store.search.query({ terms: ['x'], scope: { agentId: 'a', queueIds: ['q'] }, before: null, limit: 10, scan: 1000 });
      const scans = statements.filter((s) => s.includes('ORDER BY f.rowid DESC'));
      expect(scans).toHaveLength(2); // everything, and an agent's scope
      for (const source of scans) {
        // Keyset, not OFFSET: however deep the cursor, the scan starts at its position.
        expect(source).not.toMatch(/OFFSET/i);
        expect(source).toMatch(/f\.rowid < @before/);
        // No bm25: FTS5's rank reads every row holding each word.
        expect(source).not.toMatch(/\brank\b|bm25/i);
        const steps = plan(source, { match: '"x"', before: 10, limit: 10, agent: 'a', queues: '["q"]' });
        expect(steps[0]).toMatch(/^SCAN f VIRTUAL TABLE/);
        expect(steps).toContain('SEARCH d USING INTEGER PRIMARY KEY (rowid=?)');
        expect(steps.filter((s) => /^SCAN (d|c)\b/.test(s))).toEqual([]);
        // FTS5 gives the newest first itself, so the LIMIT stops the scan: no sort of every match.
        expect(steps.filter((s) => s.includes('TEMP B-TREE'))).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });
});
