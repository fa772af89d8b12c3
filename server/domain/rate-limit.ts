/**
 * @module Token-bucket rate limits with bounded memory (issue 6). Each key (an IP, a visitor, an agent)
 * gets `burst` tokens refilled at `perSecond`; a request takes one or is told when to come back. At most
 * `maxKeys` buckets are kept: the least recently used is forgotten first (a forgotten key starts full,
 * which errs towards serving honest clients). The clock is an argument, so tests run in no time.
 */
export interface RateLimit {
  /** Tokens refilled per second. */
  perSecond: number;
  /** Bucket size: how many requests may come at once. */
  burst: number;
}

const EPSILON = 1e-9;

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

const PASS: Verdict = Object.freeze({ ok: true });

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  get size(): number {
    return this.#buckets.size;
  }

  #bucket(key: string) {
    const at = this.now();
    const known = this.#buckets.get(key);
    const bucket = known ?? { tokens: this.limit.burst, at };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = at;
    // Re-inserting keeps the Map in least-recently-used order.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (!known && this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return bucket;
  }

  #verdict(bucket: { tokens: number }, cost: number): Verdict {
    // A refill of n/60 per second lands a hair under 1 after exactly the retry-after it announced
    // (6000 ms of 10/60 is 0.9999999999999999): within EPSILON of a whole token counts as one.
    return bucket.tokens >= cost - EPSILON ? PASS : { ok: false, retryAfterMs: Math.ceil(((cost - bucket.tokens) / this.limit.perSecond) * 1000) };
  }

  /** Would a request (of `cost` tokens: bytes of an upload, SPEC W3) pass now? Takes nothing. */
  peek(key: string, cost = 1): Verdict {
    return this.#verdict(this.#bucket(key), cost);
  }

  /** Takes one token (or `cost`) when there is one. On every message: one bucket lookup, no allocation when it passes. */
  take(key: string, cost = 1): Verdict {
    const bucket = this.#bucket(key);
    const verdict = this.#verdict(bucket, cost);
    if (verdict.ok) bucket.tokens -= cost;
    return verdict;
  }
}

/** A per-minute limit as a bucket: `n` at once, refilled over a minute. */
export const perMinute = (n: number): RateLimit => ({ perSecond: n / 60, burst: n });
