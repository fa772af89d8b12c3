/**
 * @module The SQLite store's search (issue 12, SPEC S1-S3): one FTS5 query over the contentless index of
 * migrations/0007_search.sql reads a window of the newest matches, narrowed to what the caller may see in
 * the same statement (so a page holds `limit` visible hits without reading ahead); the window is ranked by
 * bm25, then the newest document, here.
 */
import type Database from 'better-sqlite3';
import { prefixOf } from '../../domain/search';
import type { SearchPage, StoreSearch, StoredSearchHit } from '../search';
import { toConversation, type ConversationLookups } from './rows';
import { toTicket, type TicketRow } from './tickets';

/**
 * The FTS5 MATCH expression for folded words: each a quoted string (so AND, OR, NEAR or a column name is a
 * word, never an operator), all required; the last one a prefix query when long enough. Null: no words.
 *
 * @example ftsMatch(['acao', 'entreg']) // '"acao" "entreg"*'
 */
export function ftsMatch(terms: readonly string[]): string | null {
  if (terms.length === 0) return null;
  const prefix = prefixOf(terms);
  return terms.map((t) => `"${t.replaceAll('"', '""')}"${t === prefix ? '*' : ''}`).join(' ');
}

interface DocRow {
  id: number;
  /** bm25 as FTS5 gives it: lower is better. */
  score: number;
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
 * One window of candidates: the newest matching documents the caller may see, newest first. FTS5 serves
 * `ORDER BY rowid DESC` from the index itself and stops at the LIMIT, and `rank` (bm25) is computed only for
 * the rows returned: a word found in half the log costs one window, not half the log (measured on 300,000
 * texts: 250-460 ms to rank 150,000 matches; under a millisecond to read the newest).
 */
function windowOf(visibility: string): string {
  return `SELECT d.id, d.kind, d.conversation_id, d.seq, d.ticket_id, d.entry_id, f.rank AS score
    FROM search_fts f JOIN search_docs d ON d.id = f.rowid
    LEFT JOIN conversations c ON c.id = d.conversation_id
    WHERE search_fts MATCH @match AND f.rowid <= @upTo AND ${visibility}
    ORDER BY f.rowid DESC LIMIT @limit OFFSET @offset`;
}

/**
 * The `search` part of the Store on this connection. Reads only: the index is written by the triggers.
 *
 * @example search: sqliteSearch(sqlite, lookups)
 */
export function sqliteSearch(sqlite: Database.Database, lookups: ConversationLookups): StoreSearch {
  const everything = sqlite.prepare<[Record<string, unknown>], DocRow>(windowOf('1'));
  const asAgent = sqlite.prepare<[Record<string, unknown>], DocRow>(windowOf(AGENT_SEES));
  const lastDoc = sqlite.prepare<[], number | null>('SELECT max(id) FROM search_docs').pluck();
  const textOf = sqlite.prepare<[number], string | null>('SELECT text FROM search_texts WHERE id = ?').pluck();
  const eventAt = sqlite.prepare<[string, number], number>('SELECT created_at FROM events WHERE conversation_id = ? AND seq = ?').pluck();
  const ticketById = sqlite.prepare<[string], TicketRow>('SELECT * FROM tickets WHERE id = ?');
  const entryAt = sqlite.prepare<[string], number>('SELECT created_at FROM ticket_entries WHERE id = ?').pluck();

  /** The hit a document is, read in the same synchronous stretch as the ranking (no commit in between). */
  function hitOf(doc: DocRow): StoredSearchHit | null {
    const text = textOf.get(doc.id) ?? '';
    if (doc.conversation_id !== null) {
      const row = lookups.byId.get(doc.conversation_id);
      if (!row) return null;
      const conversation = toConversation(row);
      if (doc.kind === 'message') {
        return { kind: 'conversation', conversation, field: 'message', seq: doc.seq, text, at: eventAt.get(doc.conversation_id, doc.seq!) ?? conversation.updatedAt };
      }
      return { kind: 'conversation', conversation, field: doc.kind === 'label' ? 'label' : 'visitor', seq: null, text, at: conversation.updatedAt };
    }
    const row = doc.ticket_id === null ? undefined : ticketById.get(doc.ticket_id);
    if (!row) return null;
    const ticket = toTicket(row);
    if (doc.kind === 'entry') return { kind: 'ticket', ticket, field: 'entry', entryId: doc.entry_id, text, at: entryAt.get(doc.entry_id!) ?? ticket.updatedAt };
    return { kind: 'ticket', ticket, field: doc.kind === 'requester' ? 'requester' : 'subject', entryId: null, text, at: ticket.updatedAt };
  }

  return {
    async query(request): Promise<SearchPage> {
      const upTo = request.upTo ?? lastDoc.get() ?? 0;
      const match = ftsMatch(request.terms);
      if (match === null || request.limit <= 0) return { hits: [], upTo, more: false };
      const size = request.window;
      const first = Math.floor(request.offset / size) * size;
      // One more than the window: whether an older window follows.
      const params: Record<string, unknown> = { match, upTo, limit: size + 1, offset: first };
      const candidates = request.scope === null
        ? everything.all(params)
        : asAgent.all({ ...params, agent: request.scope.agentId, queues: JSON.stringify(request.scope.queueIds) });
      const ranked = candidates.slice(0, size).sort((a, b) => a.score - b.score || b.id - a.id);
      const from = request.offset - first;
      const docs = ranked.slice(from, from + request.limit);
      const hits = docs.map(hitOf).filter((h) => h !== null);
      const more = from + request.limit < ranked.length || candidates.length > size;
      return { hits, upTo, more };
    },
  };
}
