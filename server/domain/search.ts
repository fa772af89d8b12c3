/**
 * @module Search rules (issue 12, SPEC S1-S3), pure: what words a query asks for, where they are in a text
 * (the snippet's marks), and the opaque page cursor. The stores turn the words into their own full-text
 * expression (store/sqlite/search.ts for FTS5); these rules do not depend on one.
 *
 * Words are cut and folded the way SQLite's `unicode61 remove_diacritics 2` tokenizer does it: a word is a
 * run of letters, digits and combining marks; case and accents are dropped ("Ação" -> "acao"). Everything
 * else separates words, so operators, quotes, colons, stars and brackets a user types can never reach the
 * full-text syntax.
 */

/** At most this many words count; more add little and cost a posting-list read each. */
export const MAX_SEARCH_TERMS = 8;
/** A longer "word" is noise (a pasted token or hash); it is cut to this. */
export const MAX_TERM_LENGTH = 64;
/** The last word matches as a prefix only from this length: "a*" would read most of the index. */
export const MIN_PREFIX = 2;
/** A snippet's length, about; the whole text when it is not much longer. */
export const SNIPPET_CHARS = 160;

const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** Lower case without accents: "Ação" -> "acao", "ÉLIO" -> "elio". */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * The words a query asks for, folded, in order, without repeats; empty when it holds none (only symbols or
 * spaces). Every word must match; the last one, from {@link MIN_PREFIX} letters, also matches as the start of a
 * word (typing "entreg" finds "entrega").
 *
 * @example searchTerms('"Ação" OR entreg*') // ['acao', 'or', 'entreg']
 */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  for (const [word] of query.matchAll(WORD)) {
    const term = foldWord(word).slice(0, MAX_TERM_LENGTH);
    if (term === '') continue; // a lone combining mark
    const at = terms.indexOf(term);
    // A repeated word counts once, at its last place: the last word is the one being typed (a prefix).
    if (at >= 0) terms.splice(at, 1);
    terms.push(term);
  }
  return terms.slice(-MAX_SEARCH_TERMS);
}

/**
 * Where the query's words are in `text`: [start, end) offsets of each matching word, in order. A word
 * matches a term when it folds to it, or to a word the last term starts.
 */
export function matchMarks(text: string, terms: readonly string[]): Array<[number, number]> {
  if (terms.length === 0) return [];
  const exact = new Set(terms);
  const prefix = prefixOf(terms);
  const marks: Array<[number, number]> = [];
  for (const m of text.matchAll(WORD)) {
    const word = foldWord(m[0]);
    if (exact.has(word) || (prefix !== null && word.startsWith(prefix))) marks.push([m.index, m.index + m[0].length]);
  }
  return marks;
}

/** Whether every term is found in `text` (as the search itself demands of a hit). */
export function matchesAll(text: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return false;
  const words = [...text.matchAll(WORD)].map((m) => foldWord(m[0]));
  const prefix = prefixOf(terms);
  return terms.every((t) => words.some((w) => w === t || (t === prefix && w.startsWith(t))));
}

/** The term that also matches as the start of a word: the last, when long enough; null: none. */
export function prefixOf(terms: readonly string[]): string | null {
  const last = terms[terms.length - 1];
  return last !== undefined && last.length >= MIN_PREFIX ? last : null;
}

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
