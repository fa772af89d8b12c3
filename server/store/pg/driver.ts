/**
 * @module Opens the PostgreSQL database the way Papo needs it (issue 14): a pool whose connections live in the
 * configured schema, int8 read as JS numbers, and the committed migrations applied once however many nodes
 * start at the same moment (drizzle's migrator takes no lock: an advisory lock around it does).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema';

export type PgDb = NodePgDatabase<typeof schema>;

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

// Millisecond times are bigint columns and count(*) is int8: node-postgres answers int8 as a string by default,
// and a string compares wrongly with numbers without any error ("1750000000000" > 5 is true, "9" > "10" too).
// Values stay below 2^53. Set for the whole process: drizzle passes its own per-query parsers, which fall back
// to these global ones.
pg.types.setTypeParser(20, Number);

/** A schema name Papo accepts: a plain identifier, so it can be written into SQL and connection options. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PgDriverOptions {
  /** The schema Papo's tables (and drizzle's migrations table) live in; created when missing. */
  schema: string;
  /** Names the connections (`application_name = papo:<nodeId>`) in pg_stat_activity. */
  nodeId?: string;
  /** Connections in the pool; default 10. */
  max?: number;
  /** A statement running longer is cancelled (a stuck query must not hold a connection forever). */
  statementTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
/** How long a caller waits for a pooled connection (or a new one) before the call fails. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Checks `name` is a schema name Papo can use (a TypeError otherwise).
 *
 * @example assertSchemaName('public')
 */
export function assertSchemaName(name: string): string {
  // Configuration, not a request: a plain error that names the variable, at start.
  if (!SCHEMA_NAME.test(name)) throw new TypeError(`DATABASE_SCHEMA must be a lower-case identifier (a-z, 0-9, _), not ${JSON.stringify(name)}`);
  return name;
}

/**
 * The text whose `hashtextextended(..., 0)` is the advisory lock key of `name` in `schema`. The schema is part
 * of it: advisory locks are per database, and two Papo installations (or two tests) in two schemas of one
 * database must not exclude each other or share a leader.
 *
 * @example await client.query(`SELECT pg_advisory_lock(${ADVISORY_KEY_SQL})`, [advisoryKey('public', 'migrate')])
 */
export function advisoryKey(schemaName: string, name: string): string {
  return `papo:${schemaName}:${name}`;
}

/** The SQL expression of an advisory lock key from a text parameter ($1 = `advisoryKey(...)`). */
export const ADVISORY_KEY_SQL = 'hashtextextended($1, 0)';

/** The connection settings every Papo connection to the database has (the pool's, the leader's, the committer's). */
export function connectionConfig(url: string, options: PgDriverOptions): pg.ClientConfig {
  const schemaName = assertSchemaName(options.schema);
  return {
    connectionString: url,
    application_name: `papo:${options.nodeId ?? 'node'}`.slice(0, 63),
    // Sent with the startup packet: no extra round trip per connection. `public` stays on the path for the
    // extensions (unaccent) installed there.
    options: `-c search_path=${schemaName},public`,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };
}

/** The pool the store's reads and short transactions use; an idle connection's error is told, never thrown. */
export function openPool(url: string, options: PgDriverOptions, onIdleError: (err: Error) => void): { pool: pg.Pool; db: PgDb } {
  const pool = new pg.Pool({ ...connectionConfig(url, options), max: options.max ?? 10 });
  // Without a listener an idle client's error (the server restarted) would crash the process.
  pool.on('error', onIdleError);
  return { pool, db: drizzle({ client: pool, schema }) };
}

/** SQLSTATEs of a race that two `IF NOT EXISTS` statements run at once may lose harmlessly. */
const CREATED_MEANWHILE = new Set(['23505', '42P06', '42710', '42P04']);

async function tolerateRace(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!CREATED_MEANWHILE.has((err as { code?: string }).code ?? '')) throw err;
  }
}

/**
 * Creates the schema and the unaccent extension when missing, then applies the committed migrations holding
 * the advisory lock `migrate`: N nodes starting together apply them once, the others wait and find nothing left
 * to do. The lock is a session lock on one connection, released before the connection goes back.
 */
export async function migratePg(pool: pg.Pool, options: PgDriverOptions, migrationsFolder = PG_MIGRATIONS_DIR): Promise<void> {
  const schemaName = assertSchemaName(options.schema);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await tolerateRace(client.query(`CREATE SCHEMA IF NOT EXISTS ${schemaName}`));
    // Search's Portuguese configuration (issue 14) uses it; created once per database, in public.
    await tolerateRace(client.query('CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public'));
    const key = advisoryKey(schemaName, 'migrate');
    await client.query(`SELECT pg_advisory_lock(${ADVISORY_KEY_SQL})`, [key]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder, migrationsSchema: schemaName });
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${ADVISORY_KEY_SQL})`, [key]);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A connection that failed mid-way may still hold the lock or a broken transaction: destroy it.
    client.release(broken);
  }
}

/** SQLSTATE classes of a database that cannot serve now: connection (08), resources (53: disk full, too many
 * connections), operator intervention (57: shutdown, cannot connect now; 57014 is a cancelled statement and is
 * included: a statement timeout means the database is not answering in time), system errors (58: I/O). */
const UNAVAILABLE_CLASSES = ['08', '53', '57', '58'];
/** Node's socket errors when the server is down or gone. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SPEC D15 on PostgreSQL: the database cannot take (or answer) a request now, not the caller's fault: the
 * store refuses with `storage_unavailable` and the client retries. Looks through `cause` (drizzle wraps).
 */
export function isPgUnavailable(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (SOCKET_ERRORS.has(code)) return true;
      if (code.length === 5 && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return true;
    }
    // node-postgres's own errors carry no code: a socket closed under a query, a pool that timed out connecting,
    // a client used after the connection ended.
    if (/Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Connection ended/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

/** A unique (or primary key) constraint refused the row. */
export function isPgUniqueViolation(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if ((e as { code?: unknown }).code === '23505') return true;
  return false;
}

/** A short random id for a node that was given none. */
export function randomNodeId(): string {
  return randomBytes(4).toString('hex');
}
