/**
 * @module Search rules (issue 12, SPEC S1-S3), pure: what words a query asks for, where they are in a text
 * (the snippet's marks), and the opaque page cursor. The stores turn the words into their own full-text
 * expression (store/sqlite/search.ts for FTS5); these rules do not depend on one.
 *
 * The words themselves (cut and folded as the index tokenizer does) are shared/search-text.ts's, which the
 * console uses too; they are re-exported here for the server.
 */

import { foldedWords, matchMarks, prefixOf } from '../../shared/search-text';

export { foldedWords, foldWord, matchesAll, matchMarks, MAX_SEARCH_TERMS, MAX_TERM_LENGTH, MIN_PREFIX, prefixOf, searchTerms } from '../../shared/search-text';

/** A snippet's length, about; the whole text when it is not much longer. */
export const SNIPPET_CHARS = 160;

export interface Snippet {
  text: string;
  marks: Array<[number, number]>;
}

/**
 * A piece of `text` around its first match, whitespace collapsed, with the matched words marked. Cut at
 * spaces where it can (never inside a surrogate pair), with "…" where text was left out. Plain text: the
 * console renders it as text, never as HTML.
 *
 * @example snippetOf('Preciso de uma ação', ['acao']) // { text: 'Preciso de uma ação', marks: [[15, 19]] }
 */
export function snippetOf(text: string, terms: readonly string[], width = SNIPPET_CHARS): Snippet {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const all = matchMarks(flat, terms);
  if (flat.length <= width) return { text: flat, marks: all };

  const first = all[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + width);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    end = space > start + width / 2 ? space : end;
  }
  start = unsplit(flat, start);
  end = unsplit(flat, end);
  const lead = start > 0 ? '…' : '';
  const tail = end < flat.length ? '…' : '';
  const marks = all
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s - start + lead.length, e - start + lead.length]);
  return { text: lead + flat.slice(start, end) + tail, marks };
}

/** `at`, moved back one when it would split a surrogate pair. */
function unsplit(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return at > 0 && at < text.length && code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}

/** bm25's term-frequency saturation and length normalisation (FTS5's and Lucene's defaults). */
const BM25_K1 = 1.2;
const BM25_B = 0.75;

/**
 * SPEC S2: each text's bm25 score for the query's words, higher is better, with the term statistics (how many
 * texts hold each word, the mean length) taken among `texts` themselves, the page's hits, rather than the
 * whole index: the index's counts cost a read of every match. A word matches as in {@link matchMarks} (the
 * last one also as the start of a word); a text's length is its number of words.
 *
 * @example rankScores(['frete frete', 'frete e mais nada'], ['frete']) // [0.53.., 0.38..]: the first is better
 */
export function rankScores(texts: readonly string[], terms: readonly string[]): number[] {
  const prefix = prefixOf(terms);
  const counted = texts.map((text) => {
    const words = foldedWords(text);
    const tf = terms.map((t) => words.filter((w) => w === t || (t === prefix && w.startsWith(t))).length);
    return { length: words.length, tf };
  });
  const n = texts.length;
  const mean = counted.reduce((sum, c) => sum + c.length, 0) / Math.max(n, 1) || 1;
  const idf = terms.map((_, i) => {
    const df = counted.filter((c) => c.tf[i]! > 0).length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  });
  return counted.map(({ length, tf }) =>
    tf.reduce((score, f, i) => score + (idf[i]! * f * (BM25_K1 + 1)) / (f + BM25_K1 * (1 - BM25_B + (BM25_B * length) / mean)), 0),
  );
}

/**
 * Where the next page starts: a keyset position, the last document the previous page stopped at (its last hit,
 * or the last match it read when it came back short). Only older documents follow it, so documents indexed
 * later never shift the pages, and reading on from it costs the same however deep it is. It says nothing
 * about the matches a page left out (SPEC S3).
 */
export interface SearchCursor {
  before: number;
}

/** Opaque to clients: base64url of a small JSON. */
export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify({ b: cursor.before })).toString('base64url');
}

/** The cursor, or null when `text` is not one this server made. */
export function decodeCursor(text: string): SearchCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const { b } = value as { b?: unknown };
    if (!Number.isSafeInteger(b) || (b as number) < 1 || Object.keys(value).length !== 1) return null;
    return { before: b as number };
  } catch {
    return null;
  }
}
