import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, foldWord, matchesAll, matchMarks, MAX_SEARCH_TERMS, searchTerms, snippetOf } from './search';

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

describe('snippetOf: a piece around the first match (SPEC S2)', () => {
  it('a short text whole, whitespace collapsed, marks on it', () => {
    expect(snippetOf('  Preciso\nde uma\t\tação  ', ['acao'])).toEqual({ text: 'Preciso de uma ação', marks: [[15, 19]] });
  });

  it('a long text cut at spaces around the first match, with ellipses, marks shifted', () => {
    const before = Array.from({ length: 40 }, (_, i) => `antes${i}`).join(' ');
    const after = Array.from({ length: 40 }, (_, i) => `depois${i}`).join(' ');
    const { text, marks } = snippetOf(`${before} AÇÃO ${after}`, ['acao'], 80);
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(82);
    expect(marks.map(([s, e]) => text.slice(s, e))).toEqual(['AÇÃO']);
    for (const word of text.slice(1, -1).split(' ')) expect(word).toMatch(/^(antes\d+|depois\d+|AÇÃO)$/);
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(100);
    for (const width of [7, 8, 9]) {
      const cut = snippetOf(text, ['x'], width).text;
      expect(cut.replace(/…$/, '')).toMatch(/^(😀)*$/u);
    }
  });

  it('without a match: the start of the text, no marks', () => {
    expect(snippetOf('a '.repeat(200), ['zzz'], 20)).toMatchObject({ marks: [] });
  });
});

describe('the page cursor is opaque and checked', () => {
  it('round-trips', () => {
    const cursor = { upTo: 123_456, offset: 40 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each(['', 'not a cursor', '%%', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"u":-1,"o":0}').toString('base64url'), Buffer.from('{"u":1,"o":1.5}').toString('base64url'), Buffer.from('{"u":1}').toString('base64url'), 'x'.repeat(201)])(
    'refuses %j',
    (text) => {
      expect(decodeCursor(text)).toBeNull();
    },
  );
});
