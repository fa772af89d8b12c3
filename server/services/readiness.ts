/**
 * @module `/readyz` (issue 14): may a load balancer send this node traffic? Only while it can reach its store
 * (and Redis, when configured) within a second, and is not stopping. `/healthz` stays the liveness probe:
 * a node that cannot reach its database is alive (it refuses writes with a typed error and recovers when
 * the database returns) but should be drained, not restarted.
 */
import { Redis } from 'ioredis';
import type { Store } from '../store/store';

/** A probe slower than this counts as a failure: the load balancer asks again in a few seconds. */
export const READY_TIMEOUT_MS = 1_000;

export type ReadyCheck = 'ok' | 'failed' | 'timeout';

export interface ReadyAnswer {
  ready: boolean;
  node: string;
  /** Why not, when not ready: the first failing dependency, or `stopping`. */
  reason?: 'database' | 'redis' | 'stopping';
  database: ReadyCheck;
  /** Absent when this node runs without Redis. */
  redis?: ReadyCheck;
}

/** Resolves 'ok', 'failed' or 'timeout' within `ms`; never rejects. */
async function probe(work: () => Promise<unknown>, ms: number): Promise<ReadyCheck> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ReadyCheck>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      work().then(
        () => 'ok' as const,
        () => 'failed' as const,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A PING on a connection of its own: without an offline queue, a PING while Redis is away fails at once
 * instead of waiting for the reconnect, which is what a readiness probe wants. The bus keeps its own
 * connections; this one costs Redis one idle client per node.
 */
export function redisPing(url: string): { ping(): Promise<void>; close(): Promise<void> } {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: READY_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Connection errors surface as failed PINGs, with the connection's reason (ECONNREFUSED...) rather than
  // "the stream is not writeable"; the client keeps reconnecting in the background.
  let lastError: Error | null = null;
  client.on('error', (err: Error) => (lastError = err));
  client.on('ready', () => (lastError = null));
  let connecting: Promise<void> | null = null;
  return {
    async ping() {
      if (client.status === 'wait') connecting ??= client.connect().catch(() => undefined);
      if (connecting) await connecting;
      try {
        await client.ping();
      } catch (err) {
        throw lastError ?? err;
      }
    },
    async close() {
      client.disconnect();
    },
  };
}

export type Readiness = ReturnType<typeof createReadiness>;

export function createReadiness({ nodeId, store, redis, timeoutMs = READY_TIMEOUT_MS }: {
  nodeId: string;
  store: Pick<Store, 'cluster'>;
  redis?: { ping(): Promise<unknown> } | null;
  timeoutMs?: number;
}) {
  let stopping = false;
  return {
    async check(): Promise<ReadyAnswer> {
      const [database, redisCheck] = await Promise.all([
        probe(() => store.cluster.ping(), timeoutMs),
        redis ? probe(() => redis.ping(), timeoutMs) : Promise.resolve(undefined),
      ]);
      const answer: ReadyAnswer = { ready: false, node: nodeId, database, ...(redisCheck ? { redis: redisCheck } : {}) };
      if (stopping) return { ...answer, reason: 'stopping' };
      if (database !== 'ok') return { ...answer, reason: 'database' };
      if (redisCheck !== undefined && redisCheck !== 'ok') return { ...answer, reason: 'redis' };
      return { ...answer, ready: true };
    },
    /** From the start of `stop()` on, the node answers 503 so the load balancer drains it first. */
    stopping(): void {
      stopping = true;
    },
  };
}
