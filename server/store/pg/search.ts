/**
 * @module The PostgreSQL store's search (issue 14, SPEC S1-S3): PostgreSQL's own full-text search, tsvector and
 * tsquery on a GIN index, over the documents migration 0002_search.sql keeps in `search_docs` by triggers in
 * each write's transaction (whichever path writes: the store's, the write path's). Words are SPEC S2's (runs of
 * letters and digits, case and accents aside, folded with unaccent): the same matches as SQLite's FTS5, so the
 * search contract holds on both. As on SQLite, one statement reads the newest matches older than a keyset
 * position, at most `scan` of them, with whether the caller may see each; no rank (the service ranks a page).
 */
import type pg from 'pg';
import { prefixOf } from '../../domain/search';
import type { SearchPage, StoreSearch, StoredSearchHit } from '../search';
import { toConversation, type PgConversationRow } from './rows';
import { toTicket, type PgTicketRow } from './tickets';

interface DocRow {
  id: number;
  visible: boolean;
  kind: 'message' | 'visitor' | 'label' | 'subject' | 'requester' | 'entry';
  conversation_id: string | null;
  seq: number | null;
  ticket_id: string | null;
  entry_id: string | null;
}

/** A document's text and what it belongs to, read for the documents a page keeps. */
interface HitRow {
  id: number;
  text: string | null;
  /** The message's or entry's time; null for the other kinds. */
  at: number | null;
  conversation: PgConversationRow | null;
  ticket: PgTicketRow | null;
}

/**
 * SPEC R10 in SQL, as the SQLite store's (sqlite/search.ts AGENT_SEES) and domain canView for a plain agent:
 * held by it (assigned, conference guest), offered or requested to it, or waiting unassigned (not with the
 * bot) in no queue or one of its queues. Tickets: every agent works every ticket. $6 agent id, $7 queue ids.
 */
const AGENT_SEES = `(d.ticket_id IS NOT NULL
  OR c.assigned_agent_id = $6
  OR c.offer_agent_id = $6
  OR (c.participants_json <> '[]' AND c.participants_json::jsonb @> jsonb_build_array(jsonb_build_object('id', $6::text)))
  OR (c.request_json IS NOT NULL AND (c.request_json::jsonb ->> 'toAgentId' = $6
      OR (c.request_json::jsonb ->> 'toAgentId' IS NULL AND c.request_json::jsonb ->> 'toQueueId' = ANY($7::text[]))))
  OR (c.assigned_agent_id IS NULL AND c.status = 'open' AND NOT c.bot
      AND (c.queue_id IS NULL OR c.queue_id = ANY($7::text[]))))`;

/**
 * The newest matches older than $3 and not older than $4, newest first, at most $5 of them,
 * each with whether the caller may see it ($1 the words, $2 whether the last is a prefix). Visibility is a
 * column, not a filter, so the LIMIT bounds the matches read, seen or not.
 *
 * Two ways to read them, because PostgreSQL cannot read a GIN index in the documents' order (FTS5 can): `walk`
 * reads the primary key newest first and checks each document's words, which stops at the LIMIT as soon as a
 * common word has filled it, but would read the whole table for a word no document holds; `gin` reads every
 * match from the GIN index and keeps the newest (`id + 0`: not the primary key's order, so the planner cannot
 * turn it back into a walk), which costs the word's matches. The planner's choice between them misjudges words
 * its statistics do not list: a word nobody wrote walked 1,000,000 documents in 1.7 s on this machine. So a
 * page walks a bounded window of the newest documents first ({@link WALK}), and only a word too rare to fill
 * the page there is read from the GIN index, where it has few matches (measured in pg/search.ts's tests).
 */
function scanOf(visibility: string, how: 'walk' | 'gin'): string {
  const order = how === 'walk' ? 'd.id DESC' : 'd.id + 0 DESC';
  return `SELECT d.id, d.kind, d.conversation_id, d.seq, d.ticket_id, d.entry_id, ${visibility} AS visible
    FROM (SELECT * FROM search_docs d WHERE d.words @@ papo_query($1, $2) AND d.id < $3 AND d.id >= $4 ORDER BY ${order} LIMIT $5) d
    LEFT JOIN conversations c ON c.id = d.conversation_id
    ORDER BY d.id DESC`;
}

const SCANS = {
  everything: { walk: scanOf('true', 'walk'), gin: scanOf('true', 'gin') },
  asAgent: { walk: scanOf(AGENT_SEES, 'walk'), gin: scanOf(AGENT_SEES, 'gin') },
};

/**
 * Documents a page walks (newest first, checking their words) before it reads the rest of its matches from the
 * GIN index: about 2-4 ms of walking on this machine. A word that fills the page within them (about one
 * document in a hundred, or more) never touches the GIN index; one that does not has at most about a hundredth
 * of the documents to read there.
 */
export const WALK = 2_000;

/**
 * The kept documents' texts (migration 0002's view search_texts, the one definition of each kind's text) with
 * their conversation or ticket row and the message's or entry's time, in one statement.
 */
const HITS = `SELECT d.id, x.text,
    CASE d.kind WHEN 'message' THEN (SELECT e.created_at FROM events e WHERE e.conversation_id = d.conversation_id AND e.seq = d.seq)
      WHEN 'entry' THEN (SELECT n.created_at FROM ticket_entries n WHERE n.id = d.entry_id) END AS at,
    to_jsonb(c) AS conversation, to_jsonb(t) AS ticket
  FROM search_docs d JOIN search_texts x ON x.id = d.id
  LEFT JOIN conversations c ON c.id = d.conversation_id
  LEFT JOIN tickets t ON t.id = d.ticket_id AND d.conversation_id IS NULL
  WHERE d.id = ANY($1::bigint[])`;

/** Hits read as JSON give bigint columns as JSON numbers: the same JS numbers the int8 parser gives. */
function hitOf(doc: DocRow, row: HitRow | undefined): StoredSearchHit | null {
  if (!row) return null; // deleted between the scan and this read
  const text = row.text ?? '';
  if (doc.conversation_id !== null) {
    if (!row.conversation) return null;
    const conversation = toConversation(row.conversation);
    if (doc.kind === 'message') {
      return { kind: 'conversation', conversation, field: 'message', seq: doc.seq, text, at: row.at ?? conversation.updatedAt, doc: doc.id };
    }
    return { kind: 'conversation', conversation, field: doc.kind === 'label' ? 'label' : 'visitor', seq: null, text, at: conversation.updatedAt, doc: doc.id };
  }
  if (!row.ticket) return null;
  const ticket = toTicket(row.ticket);
  if (doc.kind === 'entry') return { kind: 'ticket', ticket, field: 'entry', entryId: doc.entry_id, text, at: row.at ?? ticket.updatedAt, doc: doc.id };
  return { kind: 'ticket', ticket, field: doc.kind === 'requester' ? 'requester' : 'subject', entryId: null, text, at: ticket.updatedAt, doc: doc.id };
}

/**
 * The `search` part of the Store on this pool. Reads only: the index is written by the triggers of migration
 * 0002 in every write's own transaction, so no write path has anything to call.
 *
 * @example search: pgSearch(pool)
 */
export function pgSearch(pool: pg.Pool): StoreSearch {
  return {
    async query(request): Promise<SearchPage> {
      if (request.terms.length === 0 || request.limit <= 0 || request.scan <= 0) return { hits: [], last: null, read: 0, more: false };
      const words = request.terms.join(' ');
      const prefix = prefixOf(request.terms) !== null;
      // Read in rounds of `step` (plus one: whether older matches remain), so a page that fills early reads
      // about what it keeps, not `scan` matches; a scope may hide many, so its rounds are larger.
      const step = request.scope === null ? request.limit : Math.max(request.limit * 4, 100);
      const docs: DocRow[] = [];
      let read = 0;
      let last: number | null = null;
      let more = false;
      // The walk's window is counted in ids below the position: from the newest document there is, not from the
      // largest id a cursor could hold (an identity: documents' ids are dense but for deletions and rollbacks).
      const top = (await pool.query<{ top: number }>('SELECT coalesce(max(id), 0) + 1 AS top FROM search_docs')).rows[0]!.top;
      let before = Math.min(request.before ?? top, top);
      const scans = request.scope === null ? SCANS.everything : SCANS.asAgent;
      const visibility = request.scope === null ? [] : [request.scope.agentId, request.scope.queueIds];
      const read1 = (how: 'walk' | 'gin', from: number, to: number, limit: number) =>
        pool.query<DocRow>(scans[how], [words, prefix, from, to, limit, ...visibility]).then((r) => r.rows);
      /** Up to `want` matches older than `from`: walked within WALK documents, then the rest from the GIN index. */
      const matches = async (from: number, want: number): Promise<DocRow[]> => {
        const walked = await read1('walk', from, from - WALK, want);
        if (walked.length === want || from - WALK <= 1) return walked;
        return [...walked, ...(await read1('gin', from - WALK, 0, want - walked.length))];
      };
      rounds: for (;;) {
        const chunk = Math.min(request.scan - read, step);
        const rows = await matches(before, chunk + 1);
        for (const [i, row] of rows.entries()) {
          if (read === request.scan || docs.length === request.limit) {
            more = true;
            break rounds;
          }
          if (i === chunk) break; // the one more: read again by the next round
          read++;
          last = row.id;
          if (row.visible) docs.push(row);
        }
        if (rows.length <= chunk) break; // the index ran out
        before = last!;
      }
      if (docs.length === 0) return { hits: [], last, read, more };
      const found = await pool.query<HitRow>(HITS, [docs.map((d) => d.id)]);
      const byId = new Map(found.rows.map((r) => [r.id, r]));
      const hits = docs.map((d) => hitOf(d, byId.get(d.id))).filter((h) => h !== null);
      return { hits, last, read, more };
    },
  };
}
