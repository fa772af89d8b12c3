/**
 * @module Opens the SQLite database the way Papo needs it and applies the committed migrations.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from '../schema';

export type Db = BetterSQLite3Database<typeof schema>;

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * - WAL with synchronous=FULL: a commit is on disk before we ack it (SPEC D4).
 * - busy_timeout: a second process (a backup, the sqlite3 shell) waits instead of failing at once.
 * - journal_size_limit: the WAL shrinks back after checkpoints (DESIGN.md "Traps").
 */
export function openSqlite(path: string): { sqlite: Database.Database; db: Db } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('journal_size_limit = 67108864');
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { sqlite, db };
}
