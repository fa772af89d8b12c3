/**
 * @module Test code only: the database each Store contract test runs on (store.case.test.ts,
 * tickets.case.test.ts), and the SQLite one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createSqliteStore } from './sqlite/store';
import type { Store } from './store';

/**
 * A fresh, empty database. `open` answers a store on it; after that store's `close()`, `open` may be called
 * again and must see the same data. `destroy` removes the database once every store on it is closed.
 */
export interface StoreFixture {
  open(): Store;
  destroy(): void;
}

/**
 * Inside a `describe`: a new database from `makeStore` before each test, and after it every store still
 * open on it closed and the database removed.
 *
 * @example const db = databasePerTest(makeStore); beforeEach(() => { store = db.reopen(); });
 */
export function databasePerTest(makeStore: () => StoreFixture): { reopen(): Store; close(s: Store): Promise<void> } {
  let fixture: StoreFixture;
  let open: Store[] = [];

  beforeEach(() => {
    fixture = makeStore();
    open = [];
  });

  afterEach(async () => {
    for (const s of open) await s.close();
    fixture.destroy();
  });

  return {
    /** Opens a store on this test's database and closes it after the test. */
    reopen() {
      const s = fixture.open();
      open.push(s);
      return s;
    },
    async close(s: Store) {
      await s.close();
      open = open.filter((o) => o !== s);
    },
  };
}

/** A SQLite database file in a new temporary folder whose name starts with `prefix`. */
export function sqliteStoreFixture(prefix: string): StoreFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'papo.db');
  return {
    open: () => createSqliteStore(path),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}
