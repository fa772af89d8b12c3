/**
 * @module Rows as node-postgres answers them (snake_case columns; int8 already numbers, driver.ts; booleans
 * `true`/`false`) and their mapping to Papo's records. The mapping itself is SQLite's (../sqlite/rows.ts): a
 * PostgreSQL row differs only in its two booleans, which are turned into SQLite's 0/1 in place, so the two stores
 * cannot map a field differently.
 */
import type { ConversationEvent, ConversationSummary } from '../../../shared/protocol';
import type { ConversationState } from '../../domain/conversation';
import type { AttachmentRecord } from '../../domain/attachments';
import { toConversation as sqliteToConversation, toEvent, toState as sqliteToState, type ConversationRow, type EventRow } from '../sqlite/rows';
import { toAttachmentRecord as sqliteToAttachmentRecord, type AttachmentRow } from '../sqlite/attachments';

/** A `conversations` row: SQLite's, with booleans, and `ord` (the insertion order) when selected. */
export type PgConversationRow = Omit<ConversationRow, 'bot' | 'archived' | 'proactive'> & { bot: boolean; archived: boolean; proactive: boolean; ord?: number };

/** An `events` row: SQLite's, column for column. */
export type PgEventRow = EventRow;

/** An `attachments` row: SQLite's, column for column. */
export type PgAttachmentRow = AttachmentRow;

/**
 * The row as SQLite's mapping reads it: `bot` and `archived` become 0/1, in place (the row is the caller's,
 * fresh from the driver; no copy per row).
 *
 * @example const row = sqliteRow((await pool.query('SELECT * FROM conversations WHERE id = $1', [id])).rows[0])
 */
export function sqliteRow(row: PgConversationRow): ConversationRow {
  const r = row as unknown as ConversationRow;
  r.bot = row.bot ? 1 : 0;
  r.archived = row.archived ? 1 : 0;
  r.proactive = row.proactive ? 1 : 0;
  return r;
}

/** The fields the domain's rules decide on, from a row read from PostgreSQL. */
export function toState(row: PgConversationRow): ConversationState {
  return sqliteToState(sqliteRow(row));
}

/** The summary consoles and widgets show, from a row read from PostgreSQL. */
export function toConversation(row: PgConversationRow): ConversationSummary {
  return sqliteToConversation(sqliteRow(row));
}

export function toEvents(rows: readonly PgEventRow[]): ConversationEvent[] {
  return rows.map(toEvent);
}

export { toEvent };

export function toAttachmentRecord(row: PgAttachmentRow): AttachmentRecord {
  return sqliteToAttachmentRecord(row);
}
