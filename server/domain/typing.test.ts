import { describe, expect, it } from 'vitest';
import { relayTyping, TYPING_MIN_INTERVAL_MS, TypingThrottle, type TypingState } from './typing';

describe('W1: relayTyping', () => {
  const cases: Array<[string, TypingState | undefined, boolean, number, boolean]> = [
    ['a first on is relayed', undefined, true, 0, true],
    ['a first off is dropped (nothing was shown)', undefined, false, 0, false],
    ['an on within a second of the last on is dropped', { on: true, onAt: 0 }, true, TYPING_MIN_INTERVAL_MS - 1, false],
    ['an on a second after the last on is relayed (refreshes the indicator)', { on: true, onAt: 0 }, true, TYPING_MIN_INTERVAL_MS, true],
    ['an off after an on is relayed', { on: true, onAt: 0 }, false, 10, true],
    ['a second off is dropped', { on: false, onAt: 0 }, false, 10, false],
    ['an on right after an off waits for the second (no flood by toggling)', { on: false, onAt: 0 }, true, 10, false],
    ['an on after an off, a second later, is relayed', { on: false, onAt: 0 }, true, 1500, true],
  ];
  it.each(cases)('%s', (_name, last, on, now, relayed) => {
    expect(relayTyping(last, on, now)).toBe(relayed);
  });
});

describe('W1: TypingThrottle', () => {
  it('keeps each conversation apart and records only what it relays', () => {
    const t = new TypingThrottle();
    expect([t.admit('c1', true, 0), t.admit('c2', true, 0), t.admit('c1', true, 500), t.admit('c1', false, 600), t.admit('c1', false, 700)]).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    // The dropped on at 500 did not move the clock: 1000 after the first is a second after the last relayed.
    expect(t.admit('c1', true, 1000)).toBe(true);
  });

  it('a socket hammering on: true is relayed once per second', () => {
    const t = new TypingThrottle();
    let relayed = 0;
    for (let now = 0; now < 5000; now += 50) if (t.admit('c1', true, now)) relayed++;
    expect(relayed).toBe(5);
  });

  it('stays bounded when a client names a new conversation in every frame', () => {
    const t = new TypingThrottle();
    for (let i = 0; i < 10_000; i++) t.admit(`c${i}`, true, 0);
    expect(t.size).toBeLessThanOrEqual(64);
  });

  it('forgets stale conversations past its bound, and still answers right for them', () => {
    const t = new TypingThrottle();
    for (let i = 0; i < 100; i++) expect(t.admit(`c${i}`, true, i * 2000)).toBe(true);
    expect(t.admit('c99', true, 198_500)).toBe(false);
    expect(t.admit('c0', true, 199_000)).toBe(true);
  });
});
