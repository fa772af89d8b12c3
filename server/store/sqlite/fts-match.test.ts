import { describe, expect, it } from 'vitest';
import { searchTerms } from '../../domain/search';
import { ftsMatch } from './fts-match';

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
