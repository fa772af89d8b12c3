/**
 * @module The PostgreSQL store's tickets (SPEC T4, T7; issue 14, scale-out.md §1.1 rows 6 and 18). Several nodes
 * write at once, so a ticket's number cannot be max(number) + 1 (two nodes would take the same one): it comes
 * from the `counters` row 'ticket', incremented in the create's own transaction. That row's lock is held until
 * COMMIT, so ticket creations take turns (a low rate) and the numbers are gap-free: a create that fails rolls
 * its increment back with it. The client-id check (T7) runs after taking that lock, so it sees every ticket a
 * create that went first committed.
 */
import type pg from 'pg';
import type { Ticket, TicketEntry } from '../../../shared/api';
import { prefixOf, searchTerms } from '../../domain/search';
import type { NewTicket, Store, TicketFilter, TicketPatch } from '../store';
import { isPgUniqueViolation } from './driver';

/** A `tickets` row as node-postgres answers it (int8 read as numbers: driver.ts). */
export interface PgTicketRow {
  id: string;
  number: number;
  site_id: string;
  status: Ticket['status'];
  type: Ticket['type'];
  priority: number;
  subject: string;
  description: string;
  requester_name: string | null;
  requester_email: string | null;
  requester_visitor_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  conversation_id: string | null;
  source: Ticket['source'];
  client_id: string | null;
  created_at: number;
  updated_at: number;
}

interface EntryRow {
  id: string;
  ticket_id: string;
  kind: TicketEntry['kind'];
  author_id: string | null;
  author_name: string | null;
  text: string | null;
  /** JSON text, or null. */
  data: string | null;
  emailed: boolean | null;
  created_at: number;
}

export function toTicket(r: PgTicketRow): Ticket {
  return {
    id: r.id,
    number: r.number,
    siteId: r.site_id,
    status: r.status,
    type: r.type,
    priority: r.priority,
    subject: r.subject,
    description: r.description,
    requester: { name: r.requester_name, email: r.requester_email, visitorId: r.requester_visitor_id },
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_name,
    conversationId: r.conversation_id,
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toEntry(r: EntryRow): TicketEntry {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    kind: r.kind,
    authorId: r.author_id,
    authorName: r.author_name,
    text: r.text,
    data: r.data === null ? null : (JSON.parse(r.data) as TicketEntry['data']),
    emailed: r.emailed,
    at: r.created_at,
  };
}

/** `tickets.number` is an integer column: a larger number is no ticket's (and would fail the cast). */
const MAX_NUMBER = 2_147_483_647;

/** Ticket columns a patch may set, by TicketPatch field. */
const PATCH_COLUMNS = {
  status: 'status',
  type: 'type',
  priority: 'priority',
  subject: 'subject',
  assigneeId: 'assignee_id',
  assigneeName: 'assignee_name',
  requesterName: 'requester_name',
  requesterEmail: 'requester_email',
} as const satisfies Record<keyof TicketPatch, string>;

/** The next ticket number, locking the counter row until COMMIT (scale-out.md §1.1 row 6). */
const NEXT_NUMBER = `UPDATE counters SET value = value + 1 WHERE name = 'ticket' RETURNING value`;
/**
 * The first number, on a database without the row yet (a new one; or emptied, as the contract tests do): after
 * the highest number there. Two first creates race safely: the second waits on the first's row, then
 * increments it.
 */
const FIRST_NUMBER = `INSERT INTO counters (name, value) VALUES ('ticket', (SELECT coalesce(max(number), 0) + 1 FROM tickets))
  ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`;

/**
 * The `tickets` part of the Store on this pool: each write is one short transaction of its own.
 *
 * @example tickets: pgTickets(pool)
 */
export function pgTickets(pool: pg.Pool): Store['tickets'] {
  async function one(text: string, values: unknown[]): Promise<Ticket | null> {
    const { rows } = await pool.query<PgTicketRow>(text, values);
    return rows[0] ? toTicket(rows[0]) : null;
  }

  const byClientId = 'SELECT * FROM tickets WHERE site_id = $1 AND client_id = $2';

  /** One transaction on one pooled connection; a replay (T7) rolls back, so it takes no number. */
  async function insert(ticket: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const taken = (await client.query<{ value: number }>(NEXT_NUMBER)).rows[0] ?? (await client.query<{ value: number }>(FIRST_NUMBER)).rows[0]!;
      const number = taken.value;
      // T7 after the counter lock: a create with the same client id that went first has committed by now.
      const existing = ticket.clientId === null ? undefined : (await client.query<PgTicketRow>(byClientId, [ticket.siteId, ticket.clientId])).rows[0];
      if (existing) {
        await client.query('ROLLBACK');
        return { ticket: toTicket(existing), created: false };
      }
      const { rows } = await client.query<PgTicketRow>(
        `INSERT INTO tickets (id, number, site_id, status, type, priority, subject, description, requester_name,
           requester_email, requester_visitor_id, assignee_id, assignee_name, conversation_id, source, client_id,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING *`,
        [
          ticket.id, number, ticket.siteId, ticket.status, ticket.type, ticket.priority, ticket.subject, ticket.description,
          ticket.requester.name, ticket.requester.email, ticket.requester.visitorId, ticket.assigneeId, ticket.assigneeName,
          ticket.conversationId, ticket.source, ticket.clientId, ticket.createdAt,
        ],
      );
      await client.query('COMMIT');
      return { ticket: toTicket(rows[0]!), created: true };
    } catch (err) {
      await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw err;
    } finally {
      // A connection whose ROLLBACK failed may be in any state: destroyed, never handed to the next caller.
      client.release(broken);
    }
  }

  async function create(ticket: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
    try {
      return await insert(ticket);
    } catch (err) {
      // The unique (site_id, client_id) index refused a second ticket for the same client id (a writer that did
      // not take the counter first: none in this store, but the index is the rule): the first one answers.
      if (ticket.clientId !== null && isPgUniqueViolation(err)) {
        const first = await one(byClientId, [ticket.siteId, ticket.clientId]);
        if (first) return { ticket: first, created: false };
      }
      throw err;
    }
  }

  /**
   * Newest update first, on the indexes of each filter (tickets_status_updated, tickets_updated, ...). The text
   * filter reads the matching ids from the search index (bounded by the tickets that match, never a scan of a
   * status), and the whole answer is one statement with a LIMIT: no cursor stays open on a pooled connection
   * (scale-out.md §1.1 row 18).
   */
  async function list(filter: TicketFilter): Promise<Ticket[]> {
    if (filter.limit <= 0) return [];
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    for (const [column, value] of [
      ['status', filter.status],
      ['site_id', filter.siteIds],
    ] as const) {
      if (value === undefined) continue;
      const list: readonly string[] = typeof value === 'string' ? [value] : value;
      if (list.length === 0) return [];
      where.push(list.length === 1 ? `t.${column} = ${param(list[0])}` : `t.${column} = ANY(${param(list)}::text[])`);
    }
    for (const [column, value] of [
      ['type', filter.type],
      ['priority', filter.priority],
      ['assignee_id', filter.assigneeId],
      ['conversation_id', filter.conversationId],
      ['requester_visitor_id', filter.visitorId],
    ] as const) {
      if (value !== undefined) where.push(`t.${column} = ${param(value)}`);
    }
    // The index's expression (tickets_requester_email): lower() here folds every letter, not only ASCII.
    if (filter.requesterEmail !== undefined) where.push(`lower(t.requester_email) = lower(${param(filter.requesterEmail)})`);

    const needle = (filter.text ?? '').trim();
    if (needle !== '') {
      const number = /^#?\d{1,15}$/.test(needle) ? Number(needle.replace('#', '')) : null;
      const terms = searchTerms(needle);
      if (number === null && terms.length === 0) return [];
      const found: string[] = [];
      // S1: the words in the search index's subject and requester documents (partial GIN index
      // search_docs_ticket_words), folded and matched by migration 0002's papo_query as search folds them.
      if (terms.length > 0) {
        const text = param(terms.join(' '));
        found.push(`SELECT d.ticket_id FROM search_docs d WHERE d.kind IN ('subject', 'requester') AND d.words @@ papo_query(${text}, ${param(prefixOf(terms) !== null)})`);
      }
      if (number !== null && number <= MAX_NUMBER) found.push(`SELECT id FROM tickets WHERE number = ${param(number)}`);
      where.push(`t.id IN (${found.join(' UNION ')})`);
    }
    const text = `SELECT t.* FROM tickets t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.updated_at DESC, t.number DESC LIMIT ${param(filter.limit)}`;
    const { rows } = await pool.query<PgTicketRow>(text, values);
    return rows.map(toTicket);
  }

  return {
    create,

    byId: (id) => one('SELECT * FROM tickets WHERE id = $1', [id]),

    byNumber: async (number) => (Number.isInteger(number) && number <= MAX_NUMBER ? one('SELECT * FROM tickets WHERE number = $1', [number]) : null),

    list,

    async update(id, patch, at) {
      const fields = (Object.keys(PATCH_COLUMNS) as (keyof TicketPatch)[]).filter((k) => patch[k] !== undefined);
      const sets = [...fields.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 1}`), `updated_at = $${fields.length + 1}`];
      return one(`UPDATE tickets SET ${sets.join(', ')} WHERE id = $${fields.length + 2} RETURNING *`, [...fields.map((k) => patch[k]), at, id]);
    },

    async delete(id) {
      return ((await pool.query('DELETE FROM tickets WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },

    async addEntry(entry) {
      await pool.query(
        `INSERT INTO ticket_entries (id, ticket_id, kind, author_id, author_name, text, data, emailed, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [entry.id, entry.ticketId, entry.kind, entry.authorId, entry.authorName, entry.text, entry.data === null ? null : JSON.stringify(entry.data), entry.emailed, entry.at],
      );
    },

    async entries(ticketId) {
      const { rows } = await pool.query<EntryRow>('SELECT * FROM ticket_entries WHERE ticket_id = $1 ORDER BY created_at, id', [ticketId]);
      return rows.map(toEntry);
    },
  };
}
