import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, reconnectDelay } from './backoff';

/** The largest value Math.random may return. */
const ALMOST_ONE = 1 - Number.EPSILON / 2;

describe('D8: reconnectDelay is full jitter over min(30 s, 0.5 s * 2^attempt)', () => {
  it('D8: the constants are 0.5 s and 30 s', () => {
    expect(BACKOFF_BASE_MS).toBe(500);
    expect(BACKOFF_CAP_MS).toBe(30_000);
  });

  it.each([
    [0, 500],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 16_000],
    [6, 30_000],
    [7, 30_000],
    [10, 30_000],
    [30, 30_000],
    [31, 30_000],
    [100, 30_000],
    [1_000_000, 30_000],
    [Number.MAX_SAFE_INTEGER, 30_000],
    [Infinity, 30_000],
  ])('D8: attempt %s has ceiling %i', (attempt, ceiling) => {
    // random() < 1, so the largest delay is just under the ceiling.
    const top = reconnectDelay(attempt, () => ALMOST_ONE);
    expect(top).toBeLessThanOrEqual(ceiling);
    expect(top).toBeGreaterThanOrEqual(ceiling - 1);
    expect(Number.isFinite(top)).toBe(true);
    expect(reconnectDelay(attempt, () => 0.5)).toBe(Math.floor(ceiling / 2));
  });

  it.each([0, 1, 5, 6, 50, 1e9])('D8: random() = 0 gives 0 at attempt %s', (attempt) => {
    expect(reconnectDelay(attempt, () => 0)).toBe(0);
  });

  it('D8: the ceiling doubles with each attempt until the cap', () => {
    const half = (n: number) => reconnectDelay(n, () => 0.5);
    for (let n = 0; n < 5; n++) expect(half(n + 1)).toBe(2 * half(n));
    expect(half(6)).toBe(BACKOFF_CAP_MS / 2);
    expect(half(7)).toBe(half(6));
  });

  it('D8: the example in the doc comment holds', () => {
    expect(reconnectDelay(3, () => 0.5)).toBe(2000);
  });

  it('D8: every draw is a whole number of milliseconds in [0, ceiling]', () => {
    let seed = 42;
    const random = () => {
      // A small deterministic LCG in [0, 1).
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const d = reconnectDelay(attempt, random);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('D8: with Math.random the delays spread over the whole range (jitter, not a fixed wait)', () => {
    const draws = Array.from({ length: 2000 }, () => reconnectDelay(10));
    expect(Math.min(...draws)).toBeLessThan(3_000);
    expect(Math.max(...draws)).toBeGreaterThan(27_000);
    expect(new Set(draws).size).toBeGreaterThan(100);
    for (const d of draws) expect(d).toBeLessThanOrEqual(BACKOFF_CAP_MS);
  });

  it('D8: base and cap can be given', () => {
    expect(reconnectDelay(2, () => 0.5, 100, 1_000)).toBe(200);
    expect(reconnectDelay(20, () => 0.5, 100, 1_000)).toBe(500);
  });
});
