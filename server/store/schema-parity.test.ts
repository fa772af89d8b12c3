/**
 * Issue 14: the SQLite schema (./schema.ts) and the PostgreSQL one (./pg/schema.ts) describe one database. This
 * walks both with Drizzle's getTableConfig and fails when they drift: a table, a column, its nullability, a
 * primary key, a foreign key, a unique constraint or an index (its uniqueness, columns and WHERE) in one
 * dialect and not the other. What only PostgreSQL has, or has differently, is listed here by name with its
 * reason: anything else that differs is drift.
 */
import { is, SQL, Column, Table, getTableName } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from './pg/schema';
import * as sqliteSchema from './schema';

/** Tables only PostgreSQL has. */
const PG_ONLY_TABLES: Record<string, string> = {
  counters: 'ticket numbers taken in the write transaction (SQLite takes max + 1 under its one writer)',
  attachment_blobs: "files' bytes, so every node serves them (SQLite keeps them on the node's disk)",
};
/** Columns only PostgreSQL has, as table.column. */
const PG_ONLY_COLUMNS: Record<string, string> = {
  'conversations.ord': "insertion order: SQLite's rowid",
};
/** Indexes that differ on purpose, by name: how PostgreSQL's reads, and why. */
const PG_DIFFERENT_INDEXES: Record<string, { columns?: string[]; where?: string; why: string }> = {
  conversations_waiting: { where: "status = 'open' AND assigned_agent_id IS NULL AND NOT bot AND offer_agent_id IS NULL", why: 'a boolean is tested as one, not as 0' },
  conversations_closed_guests: { columns: ['archived', 'updated_at', 'id'], why: 'a long guest list would pass the B-tree entry size limit and fail the write' },
};

interface Shape {
  columns: Record<string, { notNull: boolean; primary: boolean; unique: boolean }>;
  primaryKey: string[];
  foreignKeys: string[];
  indexes: Record<string, { unique: boolean; columns: string[]; where: string | null }>;
}

/** An index column or WHERE as text: a column by its name, SQL by its parts (`lower(email)`, `priority DESC`). */
function render(part: unknown): string {
  if (is(part, Column)) return part.name;
  if (is(part, SQL)) return part.queryChunks.map(render).join('');
  if (typeof part === 'object' && part !== null && 'value' in part && Array.isArray((part as { value: unknown }).value)) {
    return ((part as { value: string[] }).value).join('');
  }
  if (is(part, Table)) return getTableName(part);
  // pg-core wraps a plain index column (IndexedColumn: its name, and its order when one was given).
  if (typeof part === 'object' && part !== null && 'indexConfig' in part && 'name' in part) return String((part as { name: unknown }).name);
  return String(part);
}

type Config = ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>;

function shapeOf(config: Config): Shape {
  const columns: Shape['columns'] = {};
  for (const c of config.columns) columns[c.name] = { notNull: c.notNull, primary: c.primary, unique: c.isUnique };
  const primaryKey = config.primaryKeys.flatMap((pk) => pk.columns.map((c) => c.name));
  const foreignKeys = config.foreignKeys
    .map((fk) => {
      const ref = fk.reference();
      return `${ref.columns.map((c) => c.name).join(',')} -> ${getTableName(ref.foreignTable)}(${ref.foreignColumns.map((c) => c.name).join(',')}) on delete ${fk.onDelete ?? 'no action'}`;
    })
    .sort();
  const indexes: Shape['indexes'] = {};
  for (const index of config.indexes) {
    const ic = index.config as { name: string; unique: boolean; columns: unknown[]; where?: SQL };
    indexes[ic.name] = { unique: ic.unique, columns: ic.columns.map(render), where: ic.where ? render(ic.where) : null };
  }
  return { columns, primaryKey, foreignKeys, indexes };
}

/** Every table a schema module exports, by its SQL name. */
function tablesOf<T>(module: Record<string, unknown>, isTable: (v: unknown) => v is T, config: (t: T) => Config): Map<string, Shape> {
  const tables = new Map<string, Shape>();
  for (const value of Object.values(module)) if (isTable(value)) tables.set(config(value).name, shapeOf(config(value)));
  return tables;
}

/** The PostgreSQL shape as the SQLite one must be, once the listed differences are taken out. */
function comparable(pg: Map<string, Shape>): Map<string, Shape> {
  const out = new Map<string, Shape>();
  for (const [name, shape] of pg) {
    if (name in PG_ONLY_TABLES) continue;
    const columns = Object.fromEntries(Object.entries(shape.columns).filter(([c]) => !(`${name}.${c}` in PG_ONLY_COLUMNS)));
    out.set(name, { ...shape, columns });
  }
  return out;
}

const sqliteTables = tablesOf(sqliteSchema, (v): v is SQLiteTable => is(v, SQLiteTable), sqliteConfig);
const pgTables = tablesOf(pgSchema, (v): v is PgTable => is(v, PgTable), pgConfig);

describe('schema parity: SQLite and PostgreSQL (issue 14)', () => {
  it('the same tables, PostgreSQL-only ones aside', () => {
    expect([...comparable(pgTables).keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    for (const name of Object.keys(PG_ONLY_TABLES)) expect(pgTables.has(name), name).toBe(true);
  });

  it.each([...sqliteTables.keys()])('%s: the same columns, nullability, primary key, unique and foreign keys', (name) => {
    const pg = comparable(pgTables).get(name)!;
    const sqlite = sqliteTables.get(name)!;
    expect(pg.columns).toEqual(sqlite.columns);
    expect(pg.primaryKey).toEqual(sqlite.primaryKey);
    expect(pg.foreignKeys).toEqual(sqlite.foreignKeys);
  });

  it.each([...sqliteTables.keys()])('%s: the same indexes (unique, columns, WHERE), the listed differences aside', (name) => {
    const pg = comparable(pgTables).get(name)!;
    const sqlite = sqliteTables.get(name)!;
    expect(Object.keys(pg.indexes).sort()).toEqual(Object.keys(sqlite.indexes).sort());
    for (const [index, s] of Object.entries(sqlite.indexes)) {
      const different = PG_DIFFERENT_INDEXES[index];
      const expected = { ...s, ...(different?.columns ? { columns: different.columns } : {}), ...(different?.where ? { where: different.where } : {}) };
      expect(pg.indexes[index], index).toEqual(expected);
    }
  });

  it('every listed difference still exists (a stale entry would hide drift)', () => {
    for (const key of Object.keys(PG_ONLY_COLUMNS)) {
      const [table, column] = key.split('.') as [string, string];
      expect(pgTables.get(table)?.columns[column], key).toBeDefined();
      expect(sqliteTables.get(table)?.columns[column], key).toBeUndefined();
    }
    for (const [index, d] of Object.entries(PG_DIFFERENT_INDEXES)) {
      const table = [...sqliteTables.entries()].find(([, s]) => index in s.indexes)?.[0];
      expect(table, index).toBeDefined();
      const [s, p] = [sqliteTables.get(table!)!.indexes[index]!, pgTables.get(table!)!.indexes[index]!];
      expect(d.columns === undefined || JSON.stringify(s.columns) !== JSON.stringify(p.columns), index).toBe(true);
      expect(d.where === undefined || s.where !== p.where, index).toBe(true);
    }
  });
});
