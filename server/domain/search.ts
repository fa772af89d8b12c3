/**
 * @module Search rules (issue 12, SPEC S1-S3), pure: what words a query asks for, where they are in a text
 * (the snippet's marks), and the opaque page cursor. The stores turn the words into their own full-text
 * expression (store/sqlite/search.ts for FTS5); these rules do not depend on one.
 *
 * The words themselves (cut and folded as the index tokenizer does) are shared/search-text.ts's, which the
 * console uses too; they are re-exported here for the server.
 */

import { matchMarks } from '../../shared/search-text';

export { foldWord, matchesAll, matchMarks, MAX_SEARCH_TERMS, MAX_TERM_LENGTH, MIN_PREFIX, prefixOf, searchTerms } from '../../shared/search-text';

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

/**
 * Where the next page starts: `offset` hits into the ranking of the documents indexed up to `upTo` (the
 * first page's mark). Documents indexed later do not shift the pages; one removed meanwhile may make a hit
 * move up a page, never appear twice in one page.
 */
export interface SearchCursor {
  upTo: number;
  offset: number;
}

/** Opaque to clients: base64url of a small JSON. */
export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify({ u: cursor.upTo, o: cursor.offset })).toString('base64url');
}

/** The cursor, or null when `text` is not one this server made. */
export function decodeCursor(text: string): SearchCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { u, o } = value as { u?: unknown; o?: unknown };
    if (!Number.isSafeInteger(u) || !Number.isSafeInteger(o) || (u as number) < 0 || (o as number) < 0) return null;
    return { upTo: u as number, offset: o as number };
  } catch {
    return null;
  }
}
