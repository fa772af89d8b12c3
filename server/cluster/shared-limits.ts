/**
 * @module Per-address budgets counted across the nodes (issue 14, SPEC L1/L6/W3): with Redis, connections,
 * sign-in failures (per address and per e-mail), upload bytes and new conversations are counted in Redis
 * by rate-limiter-flexible, so an attacker who spreads requests over the nodes does not get N budgets. Each
 * has an in-memory insurance limiter of the same budget: while Redis is unreachable the limits hold per
 * node, as on one node, and nothing waits for Redis (`rejectIfRedisNotReady`).
 *
 * rate-limiter-flexible counts fixed windows (`points` per `duration`), not the token buckets of
 * domain/rate-limit.ts that each node keeps as well: the node's own bucket still refuses first when one
 * node alone is flooded, and the shared window refuses when the nodes together pass the budget.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { SafetyLimits } from '../config';

/** One budget shared by the nodes. */
export interface SharedLimit {
  /** Takes `points` from `key`'s budget: null when within it, else the milliseconds before it refills. */
  consume(key: string, points?: number): Promise<number | null>;
  /** Gives `points` back (a sign-in that succeeded). Best effort. */
  reward(key: string, points?: number): void;
}

export interface SharedLimits {
  connections: SharedLimit;
  logins: SharedLimit;
  uploads: SharedLimit;
  conversations: SharedLimit;
}

type LimitName = keyof SharedLimits;

/** `points` per `seconds`, from the same settings as the per-node buckets. */
export function budgets(limits: SafetyLimits): Record<LimitName, { points: number; seconds: number }> {
  return {
    connections: { points: limits.connectionsPerMinute, seconds: 60 },
    conversations: { points: limits.conversationsPerMinute, seconds: 60 },
    logins: { points: limits.loginsPer15Minutes, seconds: 900 },
    uploads: { points: Math.max(1, Math.floor(limits.uploadBytesPer10Minutes)), seconds: 600 },
  };
}

/** Budgets in Redis under `<prefix>rl:<name>:<key>`. The caller owns (and closes) `redis`. */
export function createSharedLimits(redis: Redis, prefix: string, limits: SafetyLimits, onError: (err: unknown) => void = () => {}): SharedLimits {
  const make = (name: LimitName): SharedLimit => {
    const { points, seconds } = budgets(limits)[name];
    const limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}rl:${name}`,
      points,
      duration: seconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points, duration: seconds }),
    });
    return {
      async consume(key, n = 1) {
        try {
          await limiter.consume(key, Math.max(1, Math.round(n)));
          return null;
        } catch (res) {
          if (res instanceof RateLimiterRes) return Math.max(1, res.msBeforeNext);
          // Neither Redis nor the insurance could count it: a fault of ours, not the caller's; let it pass.
          onError(res);
          return null;
        }
      },
      reward(key, n = 1) {
        limiter.reward(key, Math.max(1, Math.round(n))).catch(onError);
      },
    };
  };
  return { connections: make('connections'), logins: make('logins'), uploads: make('uploads'), conversations: make('conversations') };
}
