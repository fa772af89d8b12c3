/**
 * The PostgreSQL search's words (issue 14, migration 0002_search.sql): the database cuts and folds a text into
 * the same words as SPEC S2's rule (shared/search-text.ts foldedWords, which SQLite's unicode61 follows), so
 * both stores find the same texts; and a query's words are folded by the database as its texts were. Then the
 * two ways a page reads its matches (a walk of the newest documents, the GIN index for the rest) give the same
 * pages as one ordered read would. search.case.test.ts holds the search contract itself. Real PostgreSQL on 127.0.0.1:5432 (database papo_test).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldedWords, searchTerms } from '../../domain/search';
import type { SearchRequest } from '../search';
import { migratePg, openPool } from './driver';
import { pgSearch, WALK } from './search';

const URL = process.env.PAPO_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/papo_test';
const SCHEMA = `t_search_words_${randomBytes(6).toString('hex')}`;

describe('PostgreSQL search words', () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = openPool(URL, { schema: SCHEMA, max: 2 }, () => {}).pool;
    await migratePg(pool, { schema: SCHEMA });
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await pool.end();
  });

  const words = async (text: string) => (await pool.query<{ w: string[] }>('SELECT papo_words($1) AS w', [text])).rows[0]!.w;
  const matches = async (text: string, query: string, prefix: boolean) =>
    (await pool.query<{ m: boolean }>('SELECT coalesce(papo_vector($1) @@ papo_query($2, $3), false) AS m', [text, query, prefix])).rows[0]!.m;

  it.each([
    ['Preciso de uma AÇÃO urgente'],
    ['ÉLIO, José Álvares e Conceição'],
    ['ops@empresa.com e ana.souza@example.com.br'],
    ['e-mail, ar-condicionado; São João del-Rei'],
    ['R$ 1.299,90 em 3x; pedido #12345-A; 1.5'],
    ['https://loja.example/checkout/pagamento?id=42&x=y'],
    ['"NEAR" or AND not (text*) : ^foo'],
    ['pedido12 12pedido v2.0.1'],
    ['Ação decomposta: a\u0301gua, Sa\u0303o'],
    ['Ünïcödé Çà Ñandú ÀÉÎÕÜ'],
    ['日本語のテキスト 中文 한국어'],
    ['tab\there\nnew line\r\nand  spaces'],
    ['emoji 😀 between👍words'],
    [''],
  ])('cuts and folds %j as S2 does', async (text) => {
    expect(await words(text)).toEqual(foldedWords(text));
  });

  it('keeps a long word to 100 characters: no query word is longer than 64, so no match changes', async () => {
    const long = 'a'.repeat(3000);
    expect(await words(`x ${long} y`)).toEqual(['x', 'a'.repeat(100), 'y']);
    expect(await matches(`x ${long} y`, 'a'.repeat(64), true)).toBe(true);
    expect(await matches(`x ${long} y`, 'a'.repeat(64), false)).toBe(false);
  });

  it.each<[string, string, boolean, boolean]>([
    ['Preciso de uma AÇÃO urgente', 'acao urg', true, true],
    ['Preciso de uma AÇÃO urgente', 'acao urg', false, false],
    ['Preciso de uma AÇÃO urgente', 'urgente acao', false, true],
    ['Preciso de uma AÇÃO urgente', 'acao urgentissimo', true, false],
    ['ops@empresa.com', 'empresa com', true, true],
    // Folded by the database as the text was: unaccent spells ß "ss", in the query too.
    ['Rua Straße 10', 'straße', false, true],
    ['Rua Straße 10', 'strasse', false, true],
    // No stemming and no stop words: "pedidos" is not "pedido", and "de" is a word like any other.
    ['dois pedidos', 'pedido', false, false],
    ['dois pedidos', 'pedido', true, true],
    ['ação de graças', 'de', false, true],
    ["it's o'clock", "it s o'clock", false, true],
  ])('%j matches %j (prefix %s): %s', async (text, query, prefix, expected) => {
    expect(await matches(text, query, prefix)).toBe(expected);
  });

  describe('pages: the walk of the newest documents, then the GIN index', () => {
    /** Ids of documents whose text holds a word, oldest first; inserted straight into the index. */
    const ids: Record<'comum' | 'raro' | 'antigo', number[]> = { comum: [], raro: [], antigo: [] };
    const total = WALK + 500;

    beforeAll(async () => {
      const texts = Array.from({ length: total }, (_, i) =>
        ['comum', ...(i === 2 ? ['antigo'] : []), ...([4, 9, total - 100].includes(i) ? ['raro'] : [])].join(' '),
      );
      const { rows } = await pool.query<{ id: number; t: string }>(
        `INSERT INTO search_docs (kind, conversation_id, seq, words)
         SELECT 'message', 'c-none', o, papo_vector(t) FROM unnest($1::text[]) WITH ORDINALITY AS x(t, o) ORDER BY o
         RETURNING id, (SELECT x.t FROM unnest($1::text[]) WITH ORDINALITY AS x(t, o) WHERE x.o = search_docs.seq) AS t`,
        [texts],
      );
      for (const row of rows.sort((a, b) => a.id - b.id)) for (const w of row.t.split(' ')) ids[w as keyof typeof ids].push(row.id);
    });

    // No conversation row holds these documents: pages come back with no hits, and `read`, `last` and `more`
    // say which matches were read.
    const page = (q: string, overrides: Partial<SearchRequest> = {}) =>
      pgSearch(pool).query({ terms: searchTerms(q), scope: null, before: null, limit: 50, scan: 1000, ...overrides });

    it.each<[string, Partial<SearchRequest>, (ids: Record<'comum' | 'raro' | 'antigo', number[]>) => { read: number; last: number | null; more: boolean }]>([
      ['comum', { limit: 5 }, (i) => ({ read: 5, last: i.comum.at(-5)!, more: true })],
      ['comum', { limit: 5, before: 100 }, (i) => ({ read: 5, last: i.comum.filter((x) => x < 100).at(-5)!, more: true })],
      // Older than the walk's window only: found in the GIN index.
      ['antigo', {}, (i) => ({ read: 1, last: i.antigo[0]!, more: false })],
      // One match in the window, two below it.
      ['raro', { scan: 2 }, (i) => ({ read: 2, last: i.raro[1]!, more: true })],
      ['raro', { scan: 3 }, (i) => ({ read: 3, last: i.raro[0]!, more: false })],
      ['raro', { before: 0 }, () => ({ read: 0, last: null, more: false })],
      ['nenhum', {}, () => ({ read: 0, last: null, more: false })],
    ])('%s %j', async (q, overrides, expected) => {
      expect(await page(q, overrides)).toEqual({ hits: [], ...expected(ids) });
    });

    it('a page goes on from `last` across the window to the GIN index: every match once, newest first', async () => {
      const seen: number[] = [];
      let before: number | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const p = await page('raro', { scan: 1, before });
        if (p.last !== null) seen.push(p.last);
        if (!p.more) break;
        before = p.last;
      }
      expect(seen).toEqual([...ids.raro].reverse());
    });
  });
});
