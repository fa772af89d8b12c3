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

  it('bounded memory: at most maxKeys buckets, the least recently used forgotten first (and it starts full)', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(1), c.now, 3);
    for (const k of ['a', 'b', 'c']) expect(limiter.take(k).ok).toBe(true);
    expect(limiter.size).toBe(3);
    // Touch "a": "b" is now the least recently used.
    expect(limiter.take('a').ok).toBe(false);
    expect(limiter.take('d').ok).toBe(true);
    expect(limiter.size).toBe(3);
    expect(limiter.peek('a').ok).toBe(false); // kept: still drained
    expect(limiter.peek('c').ok).toBe(false); // kept
    expect(limiter.peek('d').ok).toBe(false); // kept
    expect(limiter.size).toBe(3);
    // "b" was forgotten: it starts full again (errs towards serving), and pushes out the oldest.
    expect(limiter.take('b').ok).toBe(true);
    expect(limiter.size).toBe(3);
  });

  it('a flood of distinct keys (a spoofing attacker) never grows the map past maxKeys', () => {
    const c = clock();
    const limiter = new RateLimiter(perMinute(5), c.now, 1000);
    for (let i = 0; i < 20_000; i++) limiter.take(`ip:${i}`);
    expect(limiter.size).toBe(1000);
    // The newest keys are the ones kept.
    expect(limiter.peek('ip:19999')).toEqual({ ok: true });
    expect(limiter.size).toBe(1000);
  });

  it('the default bound is 10 000 keys', () => {
    const limiter = new RateLimiter(perMinute(5), () => 0);
    for (let i = 0; i < 10_050; i++) limiter.peek(`k${i}`);
    expect(limiter.size).toBe(10_000);
  });
});
