import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, rankScores, searchTerms, snippetOf } from './search';

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

describe('rankScores: bm25 among the page\'s own texts (SPEC S2)', () => {
  /** The texts' indexes, best first (ties: the later index, the newer text, first). */
  const order = (texts: string[], q: string) => {
    const scores = rankScores(texts, searchTerms(q));
    return texts.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || b - a);
  };

  it.each<[string, string[], string, number[]]>([
    ['a short text above a long one', ['frete ' + 'palavra '.repeat(30), 'frete hoje'], 'frete', [1, 0]],
    ['more occurrences above fewer', ['frete hoje sim', 'frete frete hoje'], 'frete', [1, 0]],
    ['a rarer word weighs more', ['frete frete', 'boleto boleto', 'frete'], 'frete boleto', [1, 0, 2]],
    ['accents and case aside', ['ACAO ação', 'acao agora'], 'acao', [0, 1]],
    ['the last word also as a prefix', ['entregue entrega', 'entregador hoje mesmo'], 'entreg', [0, 1]],
    ['equal scores: the newest (later) first', ['frete hoje', 'frete hoje'], 'frete', [1, 0]],
    ['a text without the words scores 0', ['nada aqui', 'frete'], 'frete', [1, 0]],
  ])('%s', (_, texts, q, expected) => {
    expect(order(texts, q)).toEqual(expected);
  });

  it('scores are finite and not negative, also for no text, empty texts or no words', () => {
    expect(rankScores([], ['x'])).toEqual([]);
    expect(rankScores(['', ''], ['x'])).toEqual([0, 0]);
    expect(rankScores(['x'], [])).toEqual([0]);
    for (const score of rankScores(['x x x', 'x', 'y'], ['x'])) expect(Number.isFinite(score) && score >= 0).toBe(true);
  });
});

describe('the page cursor is opaque and checked', () => {
  it('round-trips', () => {
    const cursor = { before: 123_456 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    '',
    'not a cursor',
    '%%',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('{"b":0}').toString('base64url'),
    Buffer.from('{"b":-1}').toString('base64url'),
    Buffer.from('{"b":1.5}').toString('base64url'),
    Buffer.from('{"b":1e300}').toString('base64url'),
    Buffer.from('{"b":"7"}').toString('base64url'),
    // The old offset cursor (an OFFSET that could read everything) is refused, as is any count besides the position.
    Buffer.from('{"u":1,"o":1000000000}').toString('base64url'),
    Buffer.from('{"b":5,"o":3}').toString('base64url'),
    'x'.repeat(201),
  ])('refuses %j', (text) => {
    expect(decodeCursor(text)).toBeNull();
  });
});
