import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter, JobUndone, MAX_BATCH } from './committer';

let dir: string;
let path: string;
let db: Database.Database;
/** A second connection: it sees only what is committed. */
let reader: Database.Database;
let committer: GroupCommitter;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'papo-committer-'));
  path = join(dir, 'test.db');
  db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT NOT NULL UNIQUE)');
  reader = new Database(path, { readonly: true });
  committer = new GroupCommitter(db);
});

afterEach(async () => {
  await committer.close().catch(() => undefined);
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (value: string) => () => db.prepare('INSERT INTO items (value) VALUES (?)').run(value).lastInsertRowid;
/** Values as another connection sees them: committed data only, in insertion order. */
const committed = (): string[] => reader.prepare('SELECT value FROM items ORDER BY id').pluck().all() as string[];

describe('D4: GroupCommitter', () => {
  it('D4: a job resolves with its result after its write is committed', async () => {
    const id = await committer.submit(insert('a'));
    expect(id).toBe(1);
    expect(committed()).toEqual(['a']);
    expect(await committer.submit(() => ({ answer: 42 }))).toEqual({ answer: 42 });
  });

  it('D4: jobs submitted in the same tick run inside one transaction and settle after its commit', async () => {
    const seenDuring: Array<{ inTransaction: boolean; committed: string[] }> = [];
    const job = (value: string) => () => {
      insert(value)();
      // Another connection sees nothing of this batch until COMMIT: the earlier jobs are not committed yet.
      seenDuring.push({ inTransaction: db.inTransaction, committed: committed() });
      return value.toUpperCase();
    };
    const settledWith: string[][] = [];
    const promises = ['a', 'b', 'c'].map((v) =>
      committer.submit(job(v)).then((r) => {
        settledWith.push(committed());
        return r;
      }),
    );
    // Nothing runs synchronously in submit.
    expect(seenDuring).toEqual([]);
    expect(committed()).toEqual([]);

    expect(await Promise.all(promises)).toEqual(['A', 'B', 'C']);
    expect(seenDuring).toEqual([
      { inTransaction: true, committed: [] },
      { inTransaction: true, committed: [] },
      { inTransaction: true, committed: [] },
    ]);
    // Every promise settled only once all of the batch was visible to others.
    expect(settledWith).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
    ]);
    expect(db.inTransaction).toBe(false);
  });

  it('D4: jobs submitted in different ticks commit separately', async () => {
    await committer.submit(insert('first'));
    let seenByLater: string[] = [];
    await committer.submit(() => {
      seenByLater = committed();
      return insert('second')();
    });
    expect(seenByLater).toEqual(['first']);
    expect(committed()).toEqual(['first', 'second']);
  });

  it('D4: a job that throws is rolled back alone; the others in its batch commit', async () => {
    const boom = new Error('boom');
    const results = await Promise.allSettled([
      committer.submit(insert('a')),
      committer.submit(() => {
        insert('half-written')();
        throw boom;
      }),
      committer.submit(insert('c')),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1]).toEqual({ status: 'rejected', reason: boom });
    expect(results[2].status).toBe('fulfilled');
    expect(committed()).toEqual(['a', 'c']);
  });

  it('D4: a job failing on a constraint is rolled back alone, including its earlier writes', async () => {
    await committer.submit(insert('taken'));
    const results = await Promise.allSettled([
      committer.submit(insert('x')),
      committer.submit(() => {
        insert('y')();
        return insert('taken')(); // UNIQUE violation
      }),
      committer.submit(insert('z')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(committed()).toEqual(['taken', 'x', 'z']);
  });

  it('issue 14: a job that throws JobUndone is rolled back alone, including its earlier writes, and resolves with its value', async () => {
    await committer.submit(insert('taken'));
    const refused = { kind: 'refused', code: 'conflict' };
    const results = await Promise.allSettled([
      committer.submit(insert('x')),
      committer.submit(() => {
        insert('y')();
        try {
          return insert('taken')();
        } catch {
          throw new JobUndone(refused);
        }
      }),
      committer.submit(insert('z')),
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'fulfilled', value: refused },
      { status: 'fulfilled', value: expect.any(Number) },
    ]);
    expect(committed()).toEqual(['taken', 'x', 'z']);
    expect(db.inTransaction).toBe(false);
  });

  it('D4: every job of a batch may fail and the committer keeps working', async () => {
    const results = await Promise.allSettled([
      committer.submit(() => {
        throw new Error('one');
      }),
      committer.submit(() => {
        throw new Error('two');
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(db.inTransaction).toBe(false);
    expect(await committer.submit(insert('after'))).toBe(1);
    expect(committed()).toEqual(['after']);
  });

  it('D4: a later job in the batch sees the writes of earlier ones (savepoints are nested, not separate)', async () => {
    const [, count] = await Promise.all([
      committer.submit(insert('a')),
      committer.submit(() => db.prepare('SELECT count(*) FROM items').pluck().get()),
    ]);
    expect(count).toBe(1);
  });

  it('D4: flush() resolves after the jobs submitted before it are committed', async () => {
    const order: string[] = [];
    const jobs = ['a', 'b', 'c'].map((v) => committer.submit(insert(v)).then(() => order.push(v)));
    await committer.flush();
    order.push('flush');
    expect(committed()).toEqual(['a', 'b', 'c']);
    await Promise.all(jobs);
    expect(order).toEqual(['a', 'b', 'c', 'flush']);
  });

  it('D4: flush() with nothing queued resolves at once', async () => {
    await expect(committer.flush()).resolves.toBeUndefined();
  });

  it('D12: close() commits what is queued, then a new submit rejects', async () => {
    const queued = [committer.submit(insert('a')), committer.submit(insert('b'))];
    await committer.close();
    expect(committed()).toEqual(['a', 'b']);
    await expect(Promise.all(queued)).resolves.toEqual([1, 2]);

    let ran = false;
    await expect(
      committer.submit(() => {
        ran = true;
        return insert('late')();
      }),
    ).rejects.toThrow(/closed/);
    expect(ran).toBe(false);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('D12: a job queued before close() is committed by it; a job submitted once close() began is refused', async () => {
    const early = committer.submit(insert('early'));
    const closing = committer.close();
    // The refusal is observed at once (a rejection handled only later is reported as unhandled).
    const late = committer.submit(insert('late')).then(
      () => 'committed',
      (err: Error) => err.message,
    );
    await closing;
    // close() resolving means the owner may close the database (store.ts): nothing may still be queued.
    expect(await early).toBe(1);
    expect(await late).toBe('The store is closed.');
    expect(committed()).toEqual(['early']);
  });

  it('D4: a BEGIN that fails (the database is locked by another process) fails the batch at once, without a second wait', async () => {
    // Count the BEGINs the committer runs, through its own prepared statement.
    let begins = 0;
    const counting = new Proxy(db, {
      get(target, key) {
        if (key !== 'prepare') return Reflect.get(target, key, target);
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (sql !== 'BEGIN IMMEDIATE') return statement;
          return { run: () => (begins++, statement.run()) };
        };
      },
    });
    const locked = new GroupCommitter(counting);
    db.pragma('busy_timeout = 50');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE'); // another connection holds the write lock
    try {
      await expect(locked.submit(insert('x'))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(begins).toBe(1);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(committed()).toEqual([]);
  });

  it(`D4: more than MAX_BATCH (${MAX_BATCH}) jobs all commit, in submission order, at most MAX_BATCH per transaction`, async () => {
    const n = MAX_BATCH * 2 + 123;
    const values = Array.from({ length: n }, (_, i) => `v${i}`);
    // Each job records how many rows the other connection sees: the jobs of one transaction all see the same
    // committed count, so the distinct counts are the transactions.
    const seenPerJob: number[] = [];
    const results = await Promise.all(
      values.map((v, i) =>
        committer.submit(() => {
          seenPerJob.push(reader.prepare('SELECT count(*) FROM items').pluck().get() as number);
          insert(v)();
          return i;
        }),
      ),
    );
    expect(results).toEqual(values.map((_, i) => i));
    expect(committed()).toEqual(values);
    const batches = Math.ceil(n / MAX_BATCH);
    expect([...new Set(seenPerJob)]).toEqual(Array.from({ length: batches }, (_, k) => k * MAX_BATCH));
    expect(seenPerJob.filter((c) => c === 0)).toHaveLength(MAX_BATCH);
  });
});

describe('D15: GroupCommitter on a full disk', () => {
  /** Caps the database at the pages it has now: the next write that needs a new page gets SQLITE_FULL. */
  const fill = () => db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const big = (value: string) => () => db.prepare('INSERT INTO items (value) VALUES (?)').run(`${value} ${'x'.repeat(3000)}`);

  it('D15: a write that fails with SQLITE_FULL fails its whole batch with that error, and nothing of the batch is committed', async () => {
    await committer.submit(insert('before'));
    fill();
    const outcomes = await Promise.allSettled([committer.submit(insert('small')), committer.submit(big('a')), committer.submit(big('b'))]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'fulfilled'))).toEqual(['SQLITE_FULL', 'SQLITE_FULL', 'SQLITE_FULL']);
    expect(committed()).toEqual(['before']);
    expect(db.inTransaction).toBe(false);
  });

  it('D15: with space back, the next batch commits and onCommit is called for it', async () => {
    let commits = 0;
    const counted = new GroupCommitter(db, () => commits++);
    fill();
    await expect(counted.submit(big('a'))).rejects.toMatchObject({ code: 'SQLITE_FULL' });
    expect(commits).toBe(0);
    db.pragma('max_page_count = 1073741823');
    await counted.submit(big('b'));
    expect(commits).toBe(1);
    expect(committed()).toHaveLength(1);
  });

  it('D12/D15: close() settles a queued write refused for storage and still resolves', async () => {
    fill();
    const refused = committer.submit(big('a'));
    await expect(committer.close()).resolves.toBeUndefined();
    await expect(refused).rejects.toMatchObject({ code: 'SQLITE_FULL' });
  });
});

