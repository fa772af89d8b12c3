import { describe, expect, it } from 'vitest';
import { foldWord, matchesAll, matchMarks, MAX_SEARCH_TERMS, searchTerms } from './search-text';

describe('searchTerms: what a query asks for (SPEC S2)', () => {
  it.each<[string, string, string[]]>([
    ['plain words', 'pedido atrasado', ['pedido', 'atrasado']],
    ['case and accents fold', 'AÇÃO Açaí ÉLIO', ['acao', 'acai', 'elio']],
    ['decomposed accents fold too', 'ac\u0327a\u0303o', ['acao']],
    ['quotes are separators', '"pedido" \'x\'', ['pedido', 'x']],
    ['FTS operators become words or go', 'a* OR b NOT c NEAR(d) ^e', ['a', 'or', 'b', 'not', 'c', 'near', 'd', 'e']],
    ['column filters are no filter', 'text:segredo {text}: x', ['segredo', 'text', 'x']],
    ['an e-mail is its words', 'Joana.Lima@Example.com', ['joana', 'lima', 'example', 'com']],
    ['digits are words', '#42 R$ 1.500,00', ['42', 'r', '1', '500', '00']],
    ['a repeated word counts once, at its last place', 'ana pedido ana', ['pedido', 'ana']],
    ['only symbols: nothing', '"*:() -^ ... !!', []],
    ['blank: nothing', '  \t ', []],
    ['empty: nothing', '', []],
    ['other scripts', 'Привет 東京 مرحبا', ['привет', '東京', 'مرحبا']],
    ['emoji separate', 'olá👋mundo', ['ola', 'mundo']],
  ])('%s', (_name, query, terms) => {
    expect(searchTerms(query)).toEqual(terms);
  });

  it(`keeps the last ${MAX_SEARCH_TERMS} words and cuts long ones`, () => {
    const words = Array.from({ length: 12 }, (_, i) => `w${i}`);
    expect(searchTerms(words.join(' '))).toEqual(words.slice(-MAX_SEARCH_TERMS));
    expect(searchTerms('x'.repeat(100))).toEqual(['x'.repeat(64)]);
  });

  it('folds like the index tokenizer', () => {
    expect(foldWord('ÇÃÕÉÍÚÂÊÔÀÜ')).toBe('caoeiuaeoau');
  });
});

describe('matchMarks and matchesAll: the matched words of a text', () => {
  it.each<[string, string, string[], Array<[number, number]>]>([
    ['accents and case in the text', 'Preciso de uma AÇÃO', ['acao'], [[15, 19]]],
    ['every occurrence', 'ação e acao', ['acao'], [[0, 4], [7, 11]]],
    ['the last term as a prefix', 'entrega entregue', ['entreg'], [[0, 7], [8, 16]]],
    ['earlier terms exactly', 'entrega entregue', ['entreg', 'x'], []],
    ['a one-letter last term is not a prefix', 'a ação', ['a'], [[0, 1]]],
    ['inside an e-mail', 'joana.lima@example.com', ['lima'], [[6, 10]]],
    ['surrogate pairs keep their offsets', '😀 ação', ['acao'], [[3, 7]]],
    ['no terms, no marks', 'ação', [], []],
    ['a word that only holds a term is not it', 'reação e ação', ['acao'], [[9, 13]]],
    ['a prefix starts a word, never inside one', 'reentrega entregue', ['entreg'], [[10, 18]]],
  ])('%s', (_name, text, terms, marks) => {
    expect(matchMarks(text, terms)).toEqual(marks);
  });

  it.each<[string, string[], boolean]>([
    ['Meu cartão é 5500 0000 0000 0004', ['cartao', '5500'], true],
    ['Meu cartão é **** **** **** 0004', ['cartao', '5500'], false],
    ['Meu cartão é **** **** **** 0004', ['cartao'], true],
    ['entrega atrasada', ['atrasada', 'entr'], true],
    ['entrega atrasada', ['entr', 'atrasada'], false],
    ['qualquer', [], false],
  ])('%s holds %j: %s', (text, terms, expected) => {
    expect(matchesAll(text, terms)).toBe(expected);
  });
});

describe('searchTerms then matchMarks: the words a query marks in a whole message (the console does this)', () => {
  it.each<[string, string, string, string[]]>([
    ['case and accents as the search', 'Preciso de uma AÇÃO, não de reação', 'acao', ['AÇÃO']],
    ['every term, the last as a prefix', 'O pedido foi entregue? Pedidos entregues.', 'Pedido ENTREG', ['pedido', 'entregue', 'entregues']],
  ])('%s', (_name, text, query, marked) => {
    expect(matchMarks(text, searchTerms(query)).map(([a, b]) => text.slice(a, b))).toEqual(marked);
  });
});
