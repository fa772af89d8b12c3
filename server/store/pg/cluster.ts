/**
 * @module What several nodes on one PostgreSQL database share (issue 14, Store.cluster): session advisory locks.
 * `exclusive` holds one around a piece of work (migrations, the first-start seed); `lead` campaigns for one
 * held as long as this node's leader connection lives (the routing timers and sweeps). A session lock is
 * released by the server when the session ends, so a node that dies (SIGKILL, a lost network) frees its
 * leadership as soon as PostgreSQL notices its socket is gone; the heartbeat below makes the leader itself
 * notice a dead connection within seconds and step down at once.
 */
import pg from 'pg';
import type { Logger } from '../../log';
import type { Store } from '../store';
import { ADVISORY_KEY_SQL, advisoryKey } from './driver';

/** How often a follower tries to take the lock, give or take LEAD_JITTER_MS (so N nodes do not ask in step). */
export const LEAD_RETRY_MS = 1_000;
export const LEAD_JITTER_MS = 300;
/** How often the leader checks its connection, and how long the check may take before it counts as dead. */
export const LEAD_HEARTBEAT_MS = 1_000;
export const LEAD_HEARTBEAT_TIMEOUT_MS = 3_000;
/**
 * The server ends a leader's session idle this long (PostgreSQL 14+ `idle_session_timeout`), releasing its lock:
 * a leader heartbeats every second, so only one whose node vanished without closing its socket (a network
 * partition, a frozen machine) goes idle, and the server would otherwise keep its lock until TCP gives up
 * (hours with default keepalives). Another node then leads within about this long.
 */
export const LEAD_IDLE_SESSION_TIMEOUT_MS = 10_000;

export interface ClusterOptions {
  schema: string;
  /** Settings for a new dedicated connection (driver.ts connectionConfig). */
  connection: pg.ClientConfig;
  /** For tests: a failing pg.Client, a shorter retry. */
  newClient?: (config: pg.ClientConfig) => pg.Client;
  retryMs?: number;
  log: Logger;
}

/** A dedicated connection: advisory session locks belong to a connection, never to a pooled one in turn. */
async function connectClient(options: ClusterOptions, extra: pg.ClientConfig = {}): Promise<pg.Client> {
  const client = (options.newClient ?? ((c) => new pg.Client(c)))({ ...options.connection, ...extra });
  // Any error after connect (the server went away) is handled by whoever holds the client; without a listener
  // node-postgres would throw it at the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  return client;
}

export function pgCluster(options: ClusterOptions): Omit<Store['cluster'], 'ping'> & { stopAll(): Promise<void> } {
  const campaigns = new Set<{ stop(): Promise<void> }>();

  async function exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const client = await connectClient(options);
    const key = advisoryKey(options.schema, name);
    try {
      await client.query(`SELECT pg_advisory_lock(${ADVISORY_KEY_SQL})`, [key]);
      // The lock goes with the connection: ending it releases the lock, also when the work throws.
      return await work();
    } finally {
      await client.end().catch(() => {});
    }
  }

  async function lead(name: string, on: { gained(): void; lost(): void }): Promise<{ stop(): Promise<void> }> {
    const key = advisoryKey(options.schema, name);
    const retryMs = options.retryMs ?? LEAD_RETRY_MS;
    let stopped = false;
    let client: pg.Client | null = null;
    let leading = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let wake: (() => void) | null = null;

    /** Steps down at once (if leading) and drops the connection. */
    const dropClient = (reason: string, err?: unknown) => {
      const c = client;
      client = null;
      if (leading) {
        leading = false;
        options.log.warn('routing leadership lost', { lock: name, reason, cause: err instanceof Error ? err.message : undefined });
        on.lost();
      }
      if (c) void c.end().catch(() => {});
      wake?.();
    };

    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        wake = () => {
          if (timer) clearTimeout(timer);
          timer = null;
          wake = null;
          resolve();
        };
        timer = setTimeout(() => wake?.(), ms);
        (timer as { unref?: () => void }).unref?.();
      });

    /** One try: a connection (new when needed), then the lock without waiting for it. */
    async function attempt(): Promise<void> {
      if (!client) {
        const fresh = await connectClient(options, {
          keepAlive: true,
          query_timeout: LEAD_HEARTBEAT_TIMEOUT_MS,
          options: `${options.connection.options ?? ''} -c idle_session_timeout=${LEAD_IDLE_SESSION_TIMEOUT_MS}`.trim(),
        });
        if (stopped) {
          await fresh.end().catch(() => {});
          return;
        }
        client = fresh;
        fresh.on('error', (err) => {
          if (client === fresh) dropClient('connection error', err);
        });
        fresh.on('end', () => {
          if (client === fresh) dropClient('connection ended');
        });
      }
      const c = client;
      const { rows } = await c.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${ADVISORY_KEY_SQL}) AS locked`, [key]);
      if (rows[0]?.locked && !stopped && client === c) {
        leading = true;
        options.log.info('routing leadership gained', { lock: name });
        on.gained();
      }
    }

    async function campaign(first: () => void): Promise<void> {
      while (!stopped) {
        try {
          if (!leading) await attempt();
          else await client!.query('SELECT 1');
        } catch (err) {
          dropClient('query failed', err);
        }
        first();
        if (stopped) break;
        await sleep(leading ? LEAD_HEARTBEAT_MS : retryMs + (Math.random() * 2 - 1) * LEAD_JITTER_MS);
      }
    }

    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const loop = campaign(() => started());
    const handle = {
      async stop() {
        if (stopped) return loop;
        stopped = true;
        campaigns.delete(handle);
        const c = client;
        client = null;
        wake?.();
        if (c) {
          // Releases the lock if held (ending the session would too; unlocking first hands it over sooner).
          if (leading) await c.query(`SELECT pg_advisory_unlock(${ADVISORY_KEY_SQL})`, [key]).catch(() => {});
          await c.end().catch(() => {});
        }
        if (leading) {
          leading = false;
          on.lost();
        }
        await loop;
      },
    };
    campaigns.add(handle);
    // "Resolves once the campaign runs": after the first try, so a free lock is this node's before lead()
    // resolves (as on SQLite, where gained() comes at once).
    await running;
    return handle;
  }

  return {
    exclusive,
    lead,
    async stopAll() {
      await Promise.all([...campaigns].map((c) => c.stop()));
    },
  };
}
