import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { searchTerms } from '../../domain/search';
import { ftsMatch } from './search';
import { createSqliteStore } from './store';

describe('ftsMatch: user text -> FTS5 MATCH expression, never a syntax error (SPEC S2)', () => {
  it.each<[string, string | null]>([
    ['acao', '"acao"*'],
    ['pedido atrasado', '"pedido" "atrasado"*'],
    ['AND OR NOT', '"and" "or" "not"*'],
    ['text:segredo', '"text" "segredo"*'],
    ['"unbalanced', '"unbalanced"*'],
    ['a', '"a"'],
    ['ana b', '"ana" "b"'],
    ['*:"()', null],
    ['', null],
  ])('%j -> %j', (query, expected) => {
    expect(ftsMatch(searchTerms(query))).toBe(expected);
  });

  it('quotes a quote inside a term (terms from elsewhere)', () => {
    expect(ftsMatch(['a"b'])).toBe('"a""b"*');
  });
});

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
          if (source.includes('search_fts')) statements.push(source);
          return prepare(source);
        }) as typeof sqlite.prepare;
      },
    });
    const plan = (source: string, ...params: unknown[]) =>
      connection.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${source}`).all(...params).map((r) => r.detail);
    return { store, statements, plan };
  }

  it('the ticket list\'s text filter starts from the index and reads each match by its key', async () => {
    const { store, statements, plan } = storeKeepingStatements();
    try {
      await store.tickets.list({ text: 'boleto', status: ['open', 'pending'], limit: 10 });
      const source = statements.find((s) => s.includes('FROM tickets') || s.includes('tickets t'))!;
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
      await store.search.query({ terms: ['x'], scope: { agentId: 'a', queueIds: ['q'] }, upTo: null, offset: 0, limit: 10, window: 1000 });
      const ranked = statements.filter((s) => s.includes('ORDER BY f.rowid DESC'));
      expect(ranked).toHaveLength(2); // everything, and an agent's scope
      for (const source of ranked) {
        const steps = plan(source, { match: '"x"', upTo: 10, limit: 10, offset: 0, agent: 'a', queues: '["q"]' });
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
