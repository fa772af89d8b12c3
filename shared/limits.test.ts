import { describe, expect, it } from 'vitest';
import { countChars, MAX_MESSAGE_CHARS, messageProblem } from './limits';

describe('countChars counts Unicode code points', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['hello', 5],
    ['olá 👋', 5],
    ['😀', 1],
    ['😀😀😀', 3],
    ['ção', 3],
    // A combining accent is its own code point: e + U+0301.
    ['e\u0301', 2],
    // A family emoji is several code points joined by ZWJ: counted as each code point.
    ['👨\u200d👩\u200d👧', 5],
    ['\u{10FFFF}', 1],
    // A lone surrogate is one code point to the string iterator.
    ['\ud83d', 1],
    [' \n\t', 3],
    ['𝄞 music', 7],
  ])('countChars(%j) is %i', (text, expected) => {
    expect(countChars(text)).toBe(expected);
  });

  it('counts 1000 emoji as 1000 though their UTF-16 length is 2000', () => {
    const text = '😀'.repeat(1000);
    expect(text.length).toBe(2000);
    expect(countChars(text)).toBe(1000);
  });
});

describe('messageProblem', () => {
  const M = MAX_MESSAGE_CHARS;
  it.each<[string, 'message_empty' | 'message_too_long' | null, string]>([
    ['an empty string', 'message_empty', ''],
    ['one space', 'message_empty', ' '],
    ['tabs and newlines', 'message_empty', '\n\t \r\n'],
    ['no-break and em spaces', 'message_empty', '\u00a0\u2003'],
    ['a byte-order mark', 'message_empty', '\ufeff'],
    ['one letter', null, 'a'],
    ['a letter between spaces', null, '  a  '],
    ['one emoji', null, '👋'],
    [`${M} letters`, null, 'a'.repeat(M)],
    [`${M + 1} letters`, 'message_too_long', 'a'.repeat(M + 1)],
    [`${M} emoji (${2 * M} UTF-16 units)`, null, '😀'.repeat(M)],
    [`${M + 1} emoji`, 'message_too_long', '😀'.repeat(M + 1)],
    [`${M - 1} emoji and 2 letters`, 'message_too_long', '😀'.repeat(M - 1) + 'ab'],
    [`${M - 1} emoji and 1 letter`, null, '😀'.repeat(M - 1) + 'a'],
    // Blank wins over too long: a long run of spaces is empty.
    [`${M + 5} spaces`, 'message_empty', ' '.repeat(M + 5)],
  ])('%s -> %s', (_name, expected, text) => {
    expect(messageProblem(text)).toBe(expected);
  });
});
