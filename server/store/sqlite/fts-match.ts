/**
 * @module The FTS5 MATCH expression the search and the ticket list both build from folded words; a leaf,
 * so `search.ts` (which reads tickets) and `tickets.ts` (which searches) do not import each other.
 */
import { prefixOf } from '../../domain/search';

/**
 * The FTS5 MATCH expression for folded words: each a quoted string (so AND, OR, NEAR or a column name is a
 * word, never an operator), all required; the last one a prefix query when long enough. Null: no words.
 *
 * @example ftsMatch(['acao', 'entreg']) // '"acao" "entreg"*'
 */
export function ftsMatch(terms: readonly string[]): string | null {
  if (terms.length === 0) return null;
  const prefix = prefixOf(terms);
  return terms.map((t) => `"${t.replaceAll('"', '""')}"${t === prefix ? '*' : ''}`).join(' ');
}
