/**
 * @module Group commit: writes submitted while the event loop is busy are committed together in one
 * IMMEDIATE transaction, so one fsync serves many messages (DESIGN.md: >= 10,000 messages/s with
 * synchronous=FULL). A write that throws is rolled back alone and its caller gets the error; the others
 * commit (SPEC D4). Promises settle only after COMMIT returns.
 *
 * Isolation costs a SAVEPOINT and a RELEASE per write, so a batch first runs without them; only when one of
 * its writes throws is the whole transaction rolled back and the batch run again with a savepoint per write.
 * Writes are functions of the database state alone, so running one again is safe.
 */
import type Database from 'better-sqlite3';

/**
 * Thrown by a job's work to undo what it wrote and answer `value` (issue 14: a unique index refused the
 * write, which is a decision for its caller, not a failure). Like any throw it sends the batch round again
 * with a savepoint per job; there the job's writes are rolled back to its savepoint and its caller resolves
 * with `value` while the other jobs commit.
 */
export class JobUndone {
  constructor(readonly value: unknown) {}
}

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /**
   * What the last attempt made of it, kept on the job until COMMIT returns (issue 12: a result object and an
   * array of them per batch were garbage on the message hot path). `failed` says `value` is an error.
   */
  value: unknown;
  failed: boolean;
}

/** Most writes in one transaction; the rest wait for the next turn of the event loop. */
export const MAX_BATCH = 1000;

export class GroupCommitter {
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  readonly #rollback: Database.Statement;
  readonly #savepoint: Database.Statement;
  readonly #release: Database.Statement;
  readonly #rollbackTo: Database.Statement;
  #queue: Job[] = [];
  #scheduled = false;
  #closed = false;

  constructor(
    private readonly sqlite: Database.Database,
    /** Called after each successful COMMIT (SPEC D15: the end of a storage episode is a commit). */
    private readonly onCommit: () => void = () => {},
    /** Runs as the transaction's last work, before COMMIT (the search index's queued writes, SPEC S1). */
    private readonly beforeCommit: () => void = () => {},
  ) {
    this.#begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.#commit = sqlite.prepare('COMMIT');
    this.#rollback = sqlite.prepare('ROLLBACK');
    this.#savepoint = sqlite.prepare('SAVEPOINT job');
    this.#release = sqlite.prepare('RELEASE job');
    this.#rollbackTo = sqlite.prepare('ROLLBACK TO job');
  }

  /** Runs `work` inside the next group transaction; resolves with its result once committed. */
  submit<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('The store is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject, value: undefined, failed: false });
      this.#schedule();
    });
  }

  /** Resolves when everything submitted before this call is committed. */
  flush(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return this.submit(() => undefined);
  }

  /**
   * Refuses new work from now on, and resolves once what was queued before is settled: committed, or
   * refused to its own caller (a full disk, SPEC D15), which is no reason to keep the database open.
   */
  async close(): Promise<void> {
    const queued = this.flush();
    this.#closed = true;
    await queued.catch(() => undefined);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: every frame read in it joins the batch.
    setImmediate(this.#run);
  }

  /**
   * Runs the batch in one transaction, each job's outcome set on it. Without isolation, the first write that
   * throws rolls everything back and the answer is false; with it, each write has its own savepoint. Throws
   * when the transaction itself fails (BEGIN, COMMIT), after rolling back.
   */
  #attempt(batch: readonly Job[], isolate: boolean): boolean {
    let writeThrew = false;
    try {
      this.#begin.run();
      for (const job of batch) {
        if (!isolate) {
          writeThrew = true;
          job.value = job.work();
          writeThrew = false;
          continue;
        }
        this.#savepoint.run();
        try {
          job.value = job.work();
          job.failed = false;
          this.#release.run();
        } catch (err) {
          // SQLite itself rolled the whole transaction back (SQLITE_FULL, an I/O error): the writes before
          // this one are gone with it, so the batch fails (below) instead of reaching for a savepoint.
          if (!this.sqlite.inTransaction) throw err;
          this.#rollbackTo.run();
          this.#release.run();
          const undone = err instanceof JobUndone;
          job.value = undone ? err.value : err;
          job.failed = !undone;
        }
      }
      this.beforeCommit();
      this.#commit.run();
      return true;
    } catch (err) {
      // SQLite may already have rolled back on its own after a full disk or an I/O error (SPEC D15); a
      // refused write (an AppError from a rule) leaves the transaction open.
      const aborted = !this.sqlite.inTransaction;
      if (!aborted) this.#rollback.run();
      // A write threw: run again, isolated. BEGIN or COMMIT failed (a busy lock after busy_timeout, a full
      // disk), or the storage aborted the transaction: running again would only fail as it did, so the whole
      // batch fails now.
      if (writeThrew && !aborted) return false;
      throw err;
    }
  }

  readonly #run = (): void => {
    this.#scheduled = false;
    const batch = this.#queue.length <= MAX_BATCH ? this.#queue : this.#queue.slice(0, MAX_BATCH);
    this.#queue = batch === this.#queue ? [] : this.#queue.slice(MAX_BATCH);
    if (this.#queue.length > 0) this.#schedule();
    if (batch.length === 0) return;

    try {
      if (!this.#attempt(batch, false)) this.#attempt(batch, true);
    } catch (err) {
      for (const job of batch) job.reject(err);
      return;
    }
    this.onCommit();
    for (const job of batch) {
      if (job.failed) job.reject(job.value);
      else job.resolve(job.value);
    }
  };
}
