/**
 * @module Token-bucket rate limits with bounded memory (issue 6). Each key (an IP, a visitor, an agent)
 * gets `burst` tokens refilled at `perSecond`; a request takes one or is told when to come back. The clock
 * is an argument, so tests run in no time. Synchronous on purpose: the message hot path starts writes in
 * arrival order (SPEC D2). The interface (take, peek, refund by key) is what a shared store such as Redis
 * could serve too; there a bucket would expire when it has refilled, which is the eviction rule below.
 *
 * At most `maxKeys` buckets are kept (SPEC L2, issue 11 F10). Only a bucket that has refilled is
 * forgotten: a forgotten key starts full, so forgetting a full one changes nothing, whereas forgetting a
 * drained one (least-recently-used eviction did) let 5,001 junk sign-ins reset the admin's budget. When no
 * kept bucket has refilled, new keys are all counted in one overflow bucket of the same size: a flood of
 * new keys neither pushes out a key under attack nor earns fresh budgets; honest newcomers share that bucket
 * until kept ones refill (at most `burst / perSecond` after the flood stops).
 */
export interface RateLimit {
  /** Tokens refilled per second. */
  perSecond: number;
  /** Bucket size: how many requests may come at once. */
  burst: number;
}

const EPSILON = 1e-9;
/**
 * How many of the least recently used buckets one new key looks at for a refilled one. The ones looked at
 * and still refilling move to the back, so successive new keys look at different ones (a clock sweep):
 * a new key costs at most this much work, never a pass over the whole table an attacker has filled.
 */
const EVICTION_SCAN = 32;

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

const PASS: Verdict = Object.freeze({ ok: true });

type Bucket = { tokens: number; at: number };

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  /** SPEC L2: every new key's bucket while no kept bucket may be forgotten (full until first used). */
  readonly #overflow: Bucket;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {
    // Not `now()`: a limiter may be built before the clock it is given can answer.
    this.#overflow = { tokens: limit.burst, at: Number.NEGATIVE_INFINITY };
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refill(bucket: Bucket, at: number): Bucket {
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = at;
    return bucket;
  }

  #bucket(key: string): Bucket {
    const at = this.now();
    const known = this.#buckets.get(key);
    if (known) {
      // Re-inserting keeps the Map in least-recently-used order: the front is where refilled ones are likeliest.
      this.#buckets.delete(key);
      this.#buckets.set(key, known);
      return this.#refill(known, at);
    }
    if (this.#buckets.size >= this.maxKeys && !this.#forgetOneRefilled(at)) return this.#refill(this.#overflow, at);
    const bucket = { tokens: this.limit.burst, at };
    this.#buckets.set(key, bucket);
    return bucket;
  }

  /** Forgets one bucket that has refilled, looking at up to EVICTION_SCAN from the front; false when none. */
  #forgetOneRefilled(at: number): boolean {
    const looked: Array<[string, Bucket]> = [];
    for (const entry of this.#buckets) {
      const [key, bucket] = entry;
      if (bucket.tokens + ((at - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst - EPSILON) {
        this.#buckets.delete(key);
        return true;
      }
      looked.push(entry);
      if (looked.length >= EVICTION_SCAN) break;
    }
    for (const [key, bucket] of looked) {
      this.#buckets.delete(key);
      this.#buckets.set(key, bucket);
    }
    return false;
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

  /**
   * Gives back what a `take` took for a request that turned out not to count (a sign-in that succeeded,
   * SPEC L6; a ticket form resent, T7). Taking first and refunding after keeps concurrent requests from
   * all passing a check none of them has paid for yet.
   */
  refund(key: string, cost = 1): void {
    const bucket = this.#bucket(key);
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + cost);
  }
}

/** A per-minute limit as a bucket: `n` at once, refilled over a minute. */
export const perMinute = (n: number): RateLimit => ({ perSecond: n / 60, burst: n });
