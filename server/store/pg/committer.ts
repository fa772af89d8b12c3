/**
 * @module Group commit on PostgreSQL (issue 14, scale-out.md §2.4): the writes a node submits while a batch is
 * in flight form the next batch, committed in one transaction on one dedicated connection, so one fsync serves
 * hundreds of messages. One batch at a time keeps this node's submit order (SPEC D2); across nodes the order is
 * the row locks' (writes.ts), which is what C4 needs. Promises settle only after COMMIT returns
 * (`synchronous_commit` on, the default: SPEC D4).
 *
 * A batch first runs without savepoints. A database error in it (a unique index, a deadlock with another node,
 * a serialization failure) rolls the transaction back and the batch runs again with a savepoint per job, so
 * only the failing job fails (D4). There a job that lost a race on the D3 or C3 index is run once more at once:
 * the winner has committed (PostgreSQL raises 23505 only then), so the rerun answers `duplicate` or continues
 * the winner's conversation; a job refused by the one-rating or one-offer-per-agent index is refused `conflict`.
 *
 * When the database cannot be reached (restarted, gone, out of disk) the batch's writes are refused with
 * `storage_unavailable` (SPEC D15), never acked, and the next batch opens a new connection. A COMMIT whose
 * answer was lost is refused the same way: its fate is unknown, so it is not acked, and the client's resend is
 * made harmless by D3.
 */
import type pg from 'pg';
import type { ConversationEvent } from '../../../shared/protocol';
import { silentLogger, type Logger } from '../../log';
import { StorageHealth, storageUnavailable } from '../storage-health';
import type { WriteOutcome, WriteRequest } from '../store';
import { isPgUnavailable } from './driver';
import { applyWrites, type SeenOutcome, type WriteJob, type WriteOp } from './writes';

/** Most jobs in one transaction; the rest wait for the next batch. */
export const MAX_BATCH = 1000;

/** A batch that has not committed after this long is given up: the connection is dropped, its jobs refused. */
export const BATCH_TIMEOUT_MS = 30_000;

/** Work that runs in order with the writes, inside the batch's transaction, on its connection. */
export type Work<T> = (client: pg.ClientBase) => Promise<T>;

type Op = WriteOp | { kind: 'run'; work: Work<unknown> };

/** A WriteJob when its op is not `run`. */
interface Job {
  op: Op;
  value: unknown;
  failed: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface PgWriterOptions {
  /** Opens a new dedicated connection (search_path set: driver.ts connectionConfig). Called again after a loss. */
  connect: () => Promise<pg.Client>;
  /** The schema the tables live in: advisory lock keys are per schema (driver.ts advisoryKey). */
  schema: string;
  /** Where a storage episode is told (SPEC D15), when no `health` is given. */
  log?: Logger;
  now?: () => number;
  /** The store's storage episodes, when it counts them for its other methods too. */
  health?: StorageHealth;
  /** Called after each successful COMMIT. */
  onCommit?: () => void;
  /** Runs as the transaction's last work, before COMMIT, with the events the batch appended (search, SPEC S1). */
  beforeCommit?: (client: pg.ClientBase, appended: readonly ConversationEvent[]) => Promise<void>;
  batchTimeoutMs?: number;
}

export interface PgWriter {
  /** Store.write: queued synchronously, so two writes started in one tick commit in that order (SPEC D2). */
  write(request: WriteRequest): Promise<WriteOutcome>;
  /** Store.conversations.markSeen (SPEC W2), ordered with the writes. */
  markSeen(id: string, by: 'agent' | 'visitor', seq: number): Promise<SeenOutcome>;
  /** Store.conversations.delete, ordered with the writes: a write submitted before it is decided before it. */
  deleteConversation(id: string): Promise<boolean>;
  /** Store.visitors.delete, ordered with the writes likewise. */
  deleteVisitor(id: string): Promise<boolean>;
  /** Any other work that must be ordered with the writes, in the batch's transaction. */
  submit<T>(work: Work<T>): Promise<T>;
  /** Resolves when every write submitted before the call has committed (or been refused). */
  flush(): Promise<void>;
  /** Refuses new work, settles what is queued, closes the connection. */
  close(): Promise<void>;
}

/** Indexes that state a rule (T5 one rating, R4 one offer per agent): a violation is the job's refusal. */
const RULE_INDEXES: ReadonlySet<string> = new Set(['events_one_rating', 'conversations_one_offer_per_agent']);
/** Deadlock with another node's transaction, serialization failure: running again may succeed. */
const TRANSIENT: ReadonlySet<string> = new Set(['40P01', '40001']);

function sqlState(err: unknown): { code?: string; constraint?: string } {
  return (err ?? {}) as { code?: string; constraint?: string };
}

/** Unavailable once: the batch's transaction cannot be rolled back or committed on this connection. */
class ConnectionLost extends Error {
  constructor(
    readonly original: unknown,
    /** Lost at BEGIN: nothing of the batch reached the database, so it may run on a new connection. */
    readonly beforeWork = false,
  ) {
    super('the database connection was lost');
  }
}

/**
 * The PostgreSQL write path: a group committer on its own connection.
 *
 * @example const writer = createPgWriter({ schema: 'public', connect: () => connectDedicated(url) })
 */
export function createPgWriter(options: PgWriterOptions): PgWriter {
  const health = options.health ?? new StorageHealth(options.log ?? silentLogger, options.now ?? Date.now, { database: options.schema });
  const timeoutMs = options.batchTimeoutMs ?? BATCH_TIMEOUT_MS;
  let queue: Job[] = [];
  let scheduled = false;
  let running = false;
  let closed = false;
  let client: pg.Client | null = null;
  /** Settled when the batch in flight is. */
  let idle: Promise<void> = Promise.resolve();

  function enqueue<T>(op: Op): Promise<T> {
    if (closed) return Promise.reject(new Error('The store is closed.'));
    return new Promise<T>((resolve, reject) => {
      queue.push({ op, resolve: resolve as (value: unknown) => void, reject, value: undefined, failed: false });
      schedule();
    });
  }

  function schedule(): void {
    if (scheduled || running) return;
    scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: every frame read in it joins the batch.
    setImmediate(run);
  }

  /** The dedicated connection, opened when there is none; `reused`: it was open before this batch. */
  async function connection(): Promise<{ conn: pg.Client; reused: boolean }> {
    if (client) return { conn: client, reused: true };
    const opened = await options.connect();
    // A connect given up on at its batch's deadline may succeed after a later batch opened another one.
    if (client) {
      opened.end().catch(() => undefined);
      return { conn: client, reused: true };
    }
    // Without a listener an error on the idle connection (the server restarted) would crash the process; the
    // connection is dropped and the next batch opens another.
    opened.on('error', () => {
      if (client === opened) client = null;
    });
    opened.on('end', () => {
      if (client === opened) client = null;
    });
    client = opened;
    return { conn: opened, reused: false };
  }

  /** `work`, or a rejection once `deadline` passes (a connect that hangs holds every write behind it). */
  function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConnectionLost(new Error('timeout exceeded when trying to connect'))), Math.max(0, deadline - Date.now()));
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  }

  function drop(lost: pg.Client): void {
    if (client === lost) client = null;
    // The socket is destroyed rather than ended politely: the server may be gone and never answer.
    const stream = (lost as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
    stream?.destroy?.();
    lost.end().catch(() => undefined);
  }

  function run(): void {
    scheduled = false;
    if (running) return;
    const batch = queue.length <= MAX_BATCH ? queue : queue.slice(0, MAX_BATCH);
    queue = batch === queue ? [] : queue.slice(MAX_BATCH);
    if (batch.length === 0) return;
    running = true;
    idle = commitBatch(batch).finally(() => {
      running = false;
      if (queue.length > 0) schedule();
    });
  }

  async function commitBatch(batch: Job[]): Promise<void> {
    let conn: pg.Client | null = null;
    let timer: NodeJS.Timeout | undefined;
    const deadline = Date.now() + timeoutMs;
    try {
      for (let tries = 0; ; tries++) {
        const opened = await beforeDeadline(connection(), deadline);
        conn = opened.conn;
        const open = conn;
        // An unreachable server (no reset, no answer) would hold the batch, and every write behind it, for ever.
        clearTimeout(timer);
        timer = setTimeout(() => drop(open), Math.max(0, deadline - Date.now()));
        try {
          if (!(await attempt(conn, batch, false))) await attempt(conn, batch, true);
          break;
        } catch (err) {
          // An idle connection the server closed (a restart, an idle timeout) before this node heard of it:
          // nothing was sent but BEGIN, so the batch runs once on a new connection instead of being refused.
          if (!(err instanceof ConnectionLost && err.beforeWork && opened.reused && tries === 0)) throw err;
          drop(open);
        }
      }
    } catch (err) {
      const cause = err instanceof ConnectionLost ? err.original : err;
      if (err instanceof ConnectionLost || isPgUnavailable(cause) || conn === null || client !== conn) {
        if (conn) drop(conn);
        const refusal = storageUnavailable();
        for (const job of batch) {
          health.refused(cause, 'write');
          job.reject(refusal);
        }
      } else {
        for (const job of batch) job.reject(err);
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    health.committed();
    options.onCommit?.();
    for (const job of batch) {
      if (job.failed) job.reject(job.value);
      else job.resolve(job.value);
    }
  }

  /** A statement on the batch's connection whose failure leaves the transaction's fate unknown. */
  async function control(conn: pg.Client, sql: string): Promise<void> {
    try {
      await conn.query(sql);
    } catch (err) {
      throw new ConnectionLost(err);
    }
  }

  /**
   * The batch in one transaction, each job's outcome set on it. Unisolated, a database error rolls everything
   * back and the answer is false; isolated, each job has its own savepoint. Throws when the transaction itself
   * fails (the connection, COMMIT), after rolling back when it still can.
   */
  async function attempt(conn: pg.Client, batch: readonly Job[], isolate: boolean): Promise<boolean> {
    const appended: ConversationEvent[] = [];
    try {
      await conn.query('BEGIN');
    } catch (err) {
      throw new ConnectionLost(err, !isolate);
    }
    try {
      if (isolate) {
        for (const job of batch) await isolated(conn, job, appended);
      } else {
        for (let i = 0; i < batch.length; ) {
          const job = batch[i]!;
          if (job.op.kind === 'run') {
            job.value = await job.op.work(conn);
            job.failed = false;
            i++;
            continue;
          }
          // A run of writes and seen marks is read, decided and written as one group.
          let end = i + 1;
          while (end < batch.length && batch[end]!.op.kind !== 'run') end++;
          appended.push(...(await applyWrites(conn, options.schema, batch.slice(i, end) as WriteJob[])));
          i = end;
        }
      }
      if (options.beforeCommit) await options.beforeCommit(conn, appended);
    } catch (err) {
      if (err instanceof ConnectionLost || isPgUnavailable(err)) throw err instanceof ConnectionLost ? err : new ConnectionLost(err);
      await control(conn, 'ROLLBACK');
      if (!isolate) return false;
      throw err;
    }
    // COMMIT's failure: a lost answer leaves the fate unknown (never acked); any other is a rollback by the server.
    try {
      await conn.query('COMMIT');
    } catch (err) {
      if (isPgUnavailable(err) || client !== conn) throw new ConnectionLost(err);
      throw err;
    }
    return true;
  }

  /** One job under its own savepoint: its failure is undone alone and told to its caller alone. */
  async function isolated(conn: pg.Client, job: Job, appended: ConversationEvent[]): Promise<void> {
    for (let tries = 0; ; tries++) {
      await control(conn, 'SAVEPOINT job');
      try {
        if (job.op.kind === 'run') {
          job.value = await job.op.work(conn);
          job.failed = false;
        } else {
          appended.push(...(await applyWrites(conn, options.schema, [job as WriteJob])));
        }
        await control(conn, 'RELEASE job');
        return;
      } catch (err) {
        if (err instanceof ConnectionLost || isPgUnavailable(err)) throw err instanceof ConnectionLost ? err : new ConnectionLost(err);
        await control(conn, 'ROLLBACK TO job');
        await control(conn, 'RELEASE job');
        const { code, constraint } = sqlState(err);
        if (job.op.kind !== 'run' && code === '23505' && constraint !== undefined && RULE_INDEXES.has(constraint)) {
          job.value = { kind: 'refused', code: 'conflict' } satisfies WriteOutcome;
          job.failed = false;
          return;
        }
        // Another node committed first (PostgreSQL raises 23505 only once the other transaction has: on the D3
        // or C3 index, the rerun answers `duplicate` or continues the winner's conversation), or a deadlock chose
        // this one: once more, on what is committed now.
        const race = code !== undefined && (TRANSIENT.has(code) || code === '23505');
        if (race && tries === 0) continue;
        job.value = err;
        job.failed = true;
        return;
      }
    }
  }

  function flush(): Promise<void> {
    // `idle` never rejects: a batch's failures are its jobs'.
    if (queue.length === 0) return idle;
    return enqueue<void>({ kind: 'run', work: async () => undefined });
  }

  return {
    write: (request) => enqueue<WriteOutcome>({ kind: 'write', request }),
    markSeen: (id, by, seq) => enqueue<SeenOutcome>({ kind: 'seen', id, by, seq }),
    deleteConversation: (id) =>
      enqueue<boolean>({ kind: 'run', work: async (c) => ((await c.query('DELETE FROM conversations WHERE id = $1', [id])).rowCount ?? 0) > 0 }),
    deleteVisitor: (id) =>
      enqueue<boolean>({ kind: 'run', work: async (c) => ((await c.query('DELETE FROM visitors WHERE id = $1', [id])).rowCount ?? 0) > 0 }),
    submit: <T>(work: Work<T>) => enqueue<T>({ kind: 'run', work }),
    flush,
    async close() {
      const queued = flush();
      closed = true;
      // A queued write refused for storage (SPEC D15) is no reason to keep the connection open.
      await queued.catch(() => undefined);
      await idle;
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}
