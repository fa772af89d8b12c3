/**
 * @module Search words (issue 12, SPEC S2), pure and shared: what words a query asks for and where they are in
 * a text. The server's search and snippets (server/domain/search.ts) and the console's marks in an opened
 * message use the same rules, so both mark the same words.
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
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** Lower case without accents: "Ação" -> "acao", "ÉLIO" -> "elio". */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** A text's words as the index holds them: cut by the tokenizer's rule and folded. */
export function foldedWords(text: string): string[] {
  return [...text.matchAll(WORD)].map((m) => foldWord(m[0]));
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
