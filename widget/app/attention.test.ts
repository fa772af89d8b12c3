import { describe, expect, it } from 'vitest';
import { claimChime, titled } from './attention';

describe('SPEC W2: one tab plays the sound (claimChime)', () => {
  it.each([
    [null, 'c1', 1, true],
    ['c1:4', 'c1', 5, true],
    ['c1:5', 'c1', 5, false],
    ['c1:9', 'c1', 5, false],
    ['c0:9', 'c1', 2, true],
    ['garbage', 'c1', 1, true],
    ['c:1:3', 'c:1', 3, false],
  ] as const)('stored %j, message %s:%i → plays %s', (stored, conversation, seq, plays) => {
    expect(claimChime(stored, conversation, seq)).toBe(plays);
  });

  it('two tabs sharing the stored value: the first claims and writes, the second stays quiet', () => {
    let stored: string | null = 'c1:2';
    const tab = () => {
      if (!claimChime(stored, 'c1', 3)) return false;
      stored = 'c1:3';
      return true;
    };
    expect([tab(), tab()]).toEqual([true, false]);
  });
});

describe('SPEC W2: the unread count in the hidden tab\'s title', () => {
  it.each([
    ['Loja', 2, true, '(2) Loja'],
    ['(2) Loja', 3, true, '(3) Loja'],
    ['(3) Loja', 3, false, 'Loja'],
    ['(3) Loja', 0, true, 'Loja'],
    ['Loja', 0, false, 'Loja'],
  ] as const)('%j, %i unread, hidden %s → %j', (title, n, hidden, expected) => expect(titled(title, n, hidden)).toBe(expected));
});
