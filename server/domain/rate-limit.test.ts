/**
 * Issue 6: token buckets with an injected clock (a 60-second window runs in no time), bounded memory, and
 * a retry-after that is exact: waiting it is enough, a millisecond less is not.
 */
import { describe, expect, it } from 'vitest';
import { perMinute, RateLimiter, type RateLimit } from './rate-limit';

function clock(start = 1_750_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('issue 6: perMinute', () => {
  it.each<[number, RateLimit]>([
    [1, { perSecond: 1 / 60, burst: 1 }],
    [10, { perSecond: 10 / 60, burst: 10 }],
    [60, { perSecond: 1, burst: 60 }],
    [120, { perSecond: 2, burst: 120 }],
  ])('perMinute(%d) is %j', (n, expected) => {
    expect(perMinute(n)).toEqual(expected);
  });
});

describe('issue 6: RateLimiter', () => {
  // [limit, requests allowed at once, retryAfterMs of the next one]
  it.each<[string, RateLimit, number, number]>([
    ['10 per minute', perMinute(10), 10, 6_000],
    ['3 per minute', perMinute(3), 3, 20_000],
    ['1 per minute', perMinute(1), 1, 60_000],
    ['120 per minute', perMinute(120), 120, 500],
    ['5 per second, burst 10 (messages)', { perSecond: 5, burst: 10 }, 10, 200],
    ['10 per 15 minutes (sign-ins)', { perSecond: 10 / 900, burst: 10 }, 10, 90_000],
  ])('%s: a burst passes, the next is refused with an exact retry-after', (_name, limit, burst, retryAfterMs) => {
    const c = clock();
    const limiter = new RateLimiter(limit, c.now);
    for (let i = 0; i < burst; i++) expect(limiter.take('k'), `request ${i + 1}`).toEqual({ ok: true });
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs });
    // A refused request takes nothing: asking again at once gets the same answer.
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterMs });
    c.advance(retryAfterMs - 1);
    expect(limiter.take('k').ok).toBe(false);
    c.advance(1);
    expect(limiter.take('k')).toEqual({ ok: true });
    expect(limiter.take('k').ok).toBe(false);
  });

  it('a 60-second window: drained at 0 s, half back at 30 s, all back at 60 s and never more than the burst', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(6), c.now);
    for (let i = 0; i < 6; i++) limiter.take('ip');
    expect(limiter.peek('ip')).toEqual({ ok: false, retryAfterMs: 10_000 });
    c.advance(30_000);
    for (let i = 0; i < 3; i++) expect(limiter.take('ip').ok).toBe(true);
    expect(limiter.take('ip')).toEqual({ ok: false, retryAfterMs: 10_000 });
    c.advance(60_000);
    for (let i = 0; i < 6; i++) expect(limiter.take('ip').ok).toBe(true);
    expect(limiter.take('ip').ok).toBe(false);
    // A long idle time refills to the burst, not beyond.
    c.advance(3_600_000);
    for (let i = 0; i < 6; i++) expect(limiter.take('ip').ok).toBe(true);
    expect(limiter.take('ip').ok).toBe(false);
  });

  it('retry-after shrinks as time passes and is rounded up to a whole millisecond', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(7), c.now); // one token every 8571.43 ms
    for (let i = 0; i < 7; i++) limiter.take('k');
    const first = limiter.peek('k');
    expect(first).toEqual({ ok: false, retryAfterMs: 8572 });
    c.advance(4_000);
    expect(limiter.peek('k')).toEqual({ ok: false, retryAfterMs: 4572 });
    c.advance(4_571);
    expect(limiter.peek('k')).toEqual({ ok: false, retryAfterMs: 1 });
    c.advance(1);
    expect(limiter.peek('k')).toEqual({ ok: true });
  });

  it('peek takes nothing; take takes one', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(2), c.now);
    for (let i = 0; i < 10; i++) expect(limiter.peek('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.peek('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.peek('k').ok).toBe(false);
  });

  it('keys are independent: one address drained leaves the others whole', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(2), c.now);
    limiter.take('ip:203.0.113.9');
    limiter.take('ip:203.0.113.9');
    expect(limiter.take('ip:203.0.113.9').ok).toBe(false);
    expect(limiter.take('ip:203.0.113.10').ok).toBe(true);
    expect(limiter.take('email:ana@example.com').ok).toBe(true);
  });

  it('bounded memory: at most maxKeys buckets; a refilled key is forgotten first (a forgotten key starts full, as it would)', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(1), c.now, 3);
    for (const k of ['a', 'b', 'c']) expect(limiter.take(k).ok).toBe(true);
    expect(limiter.size).toBe(3);
    c.advance(60_000); // all three refilled: they carry nothing a fresh bucket would not
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('d').ok).toBe(true);
    expect(limiter.size).toBe(3);
    expect(limiter.peek('a').ok).toBe(false); // kept: drained
    expect(limiter.peek('d').ok).toBe(false); // kept: drained
    expect(limiter.size).toBe(3);
  });

  it('a flood of distinct keys (a spoofing attacker) never grows the map past maxKeys', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(5), c.now, 1000);
    for (let i = 0; i < 20_000; i++) limiter.take(`ip:${i}`);
    expect(limiter.size).toBe(1000);
    c.advance(60_000);
    for (let i = 20_000; i < 40_000; i++) limiter.take(`ip:${i}`);
    expect(limiter.size).toBe(1000);
  });

  it('the default bound is 10 000 keys', () => {
    const limiter = new RateLimiter(perMinute(5), () => 0);
    for (let i = 0; i < 10_050; i++) limiter.peek(`k${i}`);
    expect(limiter.size).toBe(10_000);
  });
});

/**
 * Issue 11 F10 (SPEC L2): the limiter forgets only keys whose bucket has refilled (a forgotten key starts
 * full, so forgetting a refilled one changes nothing). When no kept key has refilled, a new key is counted
 * in one overflow bucket shared by every new key, so junk keys can neither push out a key under attack nor
 * earn fresh budgets. Each row: a limit, maxKeys 3, then steps [ms since start, key, what take answers].
 */
describe('L2 (issue 11 F10): eviction never resets a key under attack', () => {
  type Step = [atMs: number, key: string, ok: boolean];
  it.each<[string, RateLimit, Step[]]>([
    [
      'the drained key stays drained while three junk keys arrive (LRU forgot it: the 4th take passed)',
      perMinute(1),
      [[0, 'email:admin', true], [0, 'email:admin', false], [1, 'junk1', true], [2, 'junk2', true], [3, 'junk3', true], [4, 'email:admin', false]],
    ],
    [
      'a refilled key is forgotten before an older one still refilling',
      perMinute(2),
      // a drained at 0 s (full again at 60 s); c took one at 10 s (full at 40 s); b took one at 20 s (full at
      // 50 s). At 45 s only c has refilled: d pushes c out, and a has 1.5 tokens, not a fresh 2.
      [[0, 'a', true], [0, 'a', true], [10_000, 'c', true], [20_000, 'b', true], [45_000, 'd', true], [45_000, 'a', true], [45_000, 'a', false]],
    ],
    [
      'none refilled: new keys share one overflow bucket of the same size, the kept keys stay drained',
      perMinute(2),
      [
        [0, 'a', true], [0, 'a', true], [0, 'a', false],
        [0, 'b', true], [0, 'c', true],
        [1, 'x', true], [1, 'y', true], [1, 'z', false], // overflow: 2 at once, then refused
        [2, 'a', false], [2, 'x', false],
      ],
    ],
    [
      'a key with some tokens left is not "refilled" and is not forgotten',
      perMinute(4),
      [[0, 'a', true], [0, 'a', true], [0, 'a', true], [0, 'a', true], [1, 'b', true], [2, 'c', true], [3, 'd', true], [4, 'a', false]],
    ],
    [
      'once its refill time has passed a drained key is forgettable, and coming back it starts full (as it would have)',
      perMinute(1),
      [[0, 'a', true], [0, 'b', true], [0, 'c', true], [59_999, 'd', true], [60_000, 'e', true], [60_000, 'a', true]],
    ],
    [
      'the overflow bucket refills like any other',
      perMinute(1),
      [[0, 'a', true], [0, 'b', true], [0, 'c', true], [10, 'x', true], [20, 'y', false], [59_999, 'a', false], [60_010, 'y', true]],
    ],
  ])('%s', (_name, limit, steps) => {
    const c = clock(0);
    const limiter = new RateLimiter(limit, c.now, 3);
    for (const [i, [at, key, ok]] of steps.entries()) {
      c.advance(at - c.now());
      expect(limiter.take(key).ok, `step ${i}: take(${key}) at ${at} ms`).toBe(ok);
      expect(limiter.size).toBeLessThanOrEqual(3);
    }
  });

  it('refused takes and peeks of new keys in a full table allocate nothing', () => {
    const c = clock(0);
    const limiter = new RateLimiter(perMinute(1), c.now, 3);
    for (const k of ['a', 'b', 'c']) limiter.take(k);
    for (let i = 0; i < 1000; i++) limiter.peek(`junk${i}`);
    expect(limiter.size).toBe(3);
    expect(limiter.take('a').ok).toBe(false);
  });

  it('10 000 drained keys plus 20 000 junk keys: the drained ones are all still drained', () => {
    const c = clock(0);
    const limiter = new RateLimiter(perMinute(1), c.now);
    for (let i = 0; i < 10_000; i++) limiter.take(`victim${i}`);
    for (let i = 0; i < 20_000; i++) limiter.take(`junk${i}`);
    expect(limiter.size).toBe(10_000);
    for (let i = 0; i < 10_000; i += 997) expect(limiter.peek(`victim${i}`).ok, `victim${i}`).toBe(false);
  });
});

describe('L6 (issue 11 F7): refund', () => {
  it('gives back what a take took, never past the burst', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(2), c.now);
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(false);
    limiter.refund('k');
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(false);
    limiter.refund('k');
    limiter.refund('k');
    limiter.refund('k');
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(false);
  });
});
