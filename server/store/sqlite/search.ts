/**
 * @module The SQLite store's search (issue 12, SPEC S1-S3): one FTS5 query over the contentless index of
 * migrations/0007_search.sql reads the newest matches older than a keyset position, at most `scan` of them,
 * and keeps those the caller may see until it holds `limit`. No rank: FTS5's bm25 (`rank`) counts every row
 * holding each word, so it costs in proportion to all the matches; the service ranks a page's hits itself.
 */
import type Database from 'better-sqlite3';
import type { SearchPage, StoreSearch, StoredSearchHit } from '../search';
import { ftsMatch } from './fts-match';
import { toConversation, type ConversationLookups } from './rows';
import { toTicket, type TicketRow } from './tickets';

interface DocRow {
  id: number;
  /** 1 when the scope allows the document. */
  visible: number;
  kind: 'message' | 'visitor' | 'label' | 'subject' | 'requester' | 'entry';
  conversation_id: string | null;
  seq: number | null;
  ticket_id: string | null;
  entry_id: string | null;
}

/**
 * SPEC R10 in SQL, the same rule as domain canView for a plain agent: held by it (assigned, conference
 * guest), offered or requested to it, or waiting unassigned (not with the bot) in no queue or one of its
 * queues. Tickets: every agent works every ticket (as the ticket list). `@queues` is a JSON array of ids.
 */
const AGENT_SEES = `(d.ticket_id IS NOT NULL
  OR c.assigned_agent_id = @agent
  OR c.offer_agent_id = @agent
  OR (c.participants_json <> '[]' AND EXISTS (SELECT 1 FROM json_each(c.participants_json) p WHERE p.value ->> 'id' = @agent))
  OR (c.request_json IS NOT NULL AND (c.request_json ->> 'toAgentId' = @agent
      OR (c.request_json ->> 'toAgentId' IS NULL AND c.request_json ->> 'toQueueId' IN (SELECT value FROM json_each(@queues)))))
  OR (c.assigned_agent_id IS NULL AND c.status = 'open' AND c.bot = 0
      AND (c.queue_id IS NULL OR c.queue_id IN (SELECT value FROM json_each(@queues)))))`;

/**
 * The newest matches older than `@before`, newest first, each with whether the caller may see it. FTS5 serves
 * `ORDER BY rowid DESC` from the index itself, so the scan stops at the LIMIT (or where the caller stops
 * stepping): a word found in half the log costs the rows read, never every match. Visibility is a column,
 * not a filter, so the LIMIT bounds the matches read, seen or not.
 */
function scanOf(visibility: string): string {
  return `SELECT d.id, d.kind, d.conversation_id, d.seq, d.ticket_id, d.entry_id, ${visibility} AS visible
    FROM search_fts f JOIN search_docs d ON d.id = f.rowid
    LEFT JOIN conversations c ON c.id = d.conversation_id
    WHERE search_fts MATCH @match AND f.rowid < @before
    ORDER BY f.rowid DESC LIMIT @limit`;
}

/**
 * SPEC S1: writes the index for what the transaction's triggers queued (migration 0007's search_queue), as the
 * transaction's last statements, so FTS5 flushes its pending terms once per transaction (at COMMIT) instead of
 * once per statement. The store calls it before every COMMIT that may have changed an indexed text. A text
 * added and removed in one transaction never reaches the index; one removed that was indexed before is.
 *
 * @example const apply = searchQueueApplier(sqlite); apply() // inside the transaction, before COMMIT
 */
export function searchQueueApplier(sqlite: Database.Database): () => void {
  const pending = sqlite.prepare<[], number>('SELECT 1 FROM search_queue LIMIT 1').pluck();
  const indexedBefore = 'op = 0 AND doc_id NOT IN (SELECT doc_id FROM search_queue WHERE op = 1)';
  const removeTexts = sqlite.prepare(`DELETE FROM search_fts WHERE rowid IN (SELECT doc_id FROM search_queue WHERE ${indexedBefore})`);
  const removeTickets = sqlite.prepare(
    `DELETE FROM search_tickets_fts WHERE rowid IN (SELECT doc_id FROM search_queue WHERE ${indexedBefore} AND kind IN ('subject', 'requester'))`,
  );
  // Deletes first: each statement below opens a savepoint, at which FTS5 flushes what it holds pending.
  const addTexts = sqlite.prepare(
    'INSERT INTO search_fts (rowid, text) SELECT q.doc_id, t.text FROM search_queue q JOIN search_texts t ON t.id = q.doc_id WHERE q.op = 1 ORDER BY q.seq',
  );
  const addTickets = sqlite.prepare(
    "INSERT INTO search_tickets_fts (rowid, text) SELECT q.doc_id, t.text FROM search_queue q JOIN search_texts t ON t.id = q.doc_id WHERE q.op = 1 AND q.kind IN ('subject', 'requester') ORDER BY q.seq",
  );
  const clear = sqlite.prepare('DELETE FROM search_queue');
  return () => {
    if (pending.get() === undefined) return;
    removeTexts.run();
    removeTickets.run();
    addTexts.run();
    addTickets.run();
    clear.run();
  };
}

/**
 * The `search` part of the Store on this connection. Reads only: the index is written at the end of each
 * write transaction ({@link searchQueueApplier}).
 *
 * @example search: sqliteSearch(sqlite, lookups)
 */
export function sqliteSearch(sqlite: Database.Database, lookups: ConversationLookups): StoreSearch {
  const everything = sqlite.prepare<[Record<string, unknown>], DocRow>(scanOf('1'));
  const asAgent = sqlite.prepare<[Record<string, unknown>], DocRow>(scanOf(AGENT_SEES));
  const textOf = sqlite.prepare<[number], string | null>('SELECT text FROM search_texts WHERE id = ?').pluck();
  const eventAt = sqlite.prepare<[string, number], number>('SELECT created_at FROM events WHERE conversation_id = ? AND seq = ?').pluck();
  const ticketById = sqlite.prepare<[string], TicketRow>('SELECT * FROM tickets WHERE id = ?');
  const entryAt = sqlite.prepare<[string], number>('SELECT created_at FROM ticket_entries WHERE id = ?').pluck();

  /** The hit a document is, read in the same synchronous stretch as the scan (no commit in between). */
  function hitOf(doc: DocRow): StoredSearchHit | null {
    const text = textOf.get(doc.id) ?? '';
    if (doc.conversation_id !== null) {
      const row = lookups.byId.get(doc.conversation_id);
      if (!row) return null;
      const conversation = toConversation(row);
      if (doc.kind === 'message') {
        return { kind: 'conversation', conversation, field: 'message', seq: doc.seq, text, at: eventAt.get(doc.conversation_id, doc.seq!) ?? conversation.updatedAt, doc: doc.id };
      }
      return { kind: 'conversation', conversation, field: doc.kind === 'label' ? 'label' : 'visitor', seq: null, text, at: conversation.updatedAt, doc: doc.id };
    }
    const row = doc.ticket_id === null ? undefined : ticketById.get(doc.ticket_id);
    if (!row) return null;
    const ticket = toTicket(row);
    if (doc.kind === 'entry') return { kind: 'ticket', ticket, field: 'entry', entryId: doc.entry_id, text, at: entryAt.get(doc.entry_id!) ?? ticket.updatedAt, doc: doc.id };
    return { kind: 'ticket', ticket, field: doc.kind === 'requester' ? 'requester' : 'subject', entryId: null, text, at: ticket.updatedAt, doc: doc.id };
  }

  return {
    async query(request): Promise<SearchPage> {
      const match = ftsMatch(request.terms);
      if (match === null || request.limit <= 0 || request.scan <= 0) return { hits: [], last: null, read: 0, more: false };
      // One more than `scan`: whether older matches remain.
      const params: Record<string, unknown> = { match, before: request.before ?? Number.MAX_SAFE_INTEGER, limit: request.scan + 1 };
      const rows = request.scope === null
        ? everything.iterate(params)
        : asAgent.iterate({ ...params, agent: request.scope.agentId, queues: JSON.stringify(request.scope.queueIds) });
      const docs: DocRow[] = [];
      let read = 0;
      let last: number | null = null;
      let more = false;
      // Stepping stops as soon as the page is full: the rest is never read (the iterator's return resets it).
      for (const row of rows) {
        if (read === request.scan || docs.length === request.limit) {
          more = true;
          break;
        }
        read++;
        last = row.id;
        if (row.visible) docs.push(row);
      }
      // The hits are read after the scan ends (the connection serves one statement's steps at a time).
      const hits = docs.map(hitOf).filter((h) => h !== null);
      return { hits, last, read, more };
    },
  };
}
