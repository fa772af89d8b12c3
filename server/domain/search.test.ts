import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, snippetOf } from './search';

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
