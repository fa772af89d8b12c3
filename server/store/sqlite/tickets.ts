/**
 * @module The SQLite store's tickets (SPEC T4, T7): prepared statements on `tickets` and `ticket_entries`.
 * Every write goes through the group committer, so it is ordered with the conversation writes (SPEC D2) and
 * runs inside its BEGIN IMMEDIATE transaction: the next number (max + 1) and the client-id check are taken
 * while no other writer, in this process or another, can commit in between.
 */
import type Database from 'better-sqlite3';
import type { Ticket, TicketEntry } from '../../../shared/api';
import type { Store, TicketFilter, TicketPatch } from '../store';
import type { GroupCommitter } from './committer';
import { searchTerms } from '../../domain/search';
import { ftsMatch } from './fts-match';

export interface TicketRow {
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
  /** JSON object, or null. */
  data: string | null;
  /** 0, 1 or null. */
  emailed: number | null;
  created_at: number;
}

export function toTicket(r: TicketRow): Ticket {
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
    emailed: r.emailed === null ? null : r.emailed === 1,
    at: r.created_at,
  };
}

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

/**
 * The `tickets` part of the Store on this connection; writes are submitted to `committer`.
 *
 * @example tickets: sqliteTickets(sqlite, committer)
 */
export function sqliteTickets(sqlite: Database.Database, committer: GroupCommitter): Store['tickets'] {
  const byId = sqlite.prepare<[string], TicketRow>('SELECT * FROM tickets WHERE id = ?');
  const byNumber = sqlite.prepare<[number], TicketRow>('SELECT * FROM tickets WHERE number = ?');
  const byClientId = sqlite.prepare<[string, string], TicketRow>('SELECT * FROM tickets WHERE site_id = ? AND client_id = ?');
  // The unique index on number answers this with one seek.
  const nextNumber = sqlite.prepare<[], number>('SELECT COALESCE(MAX(number), 0) + 1 FROM tickets').pluck();
  const insertTicket = sqlite.prepare<[TicketRow]>(
    `INSERT INTO tickets (id, number, site_id, status, type, priority, subject, description, requester_name,
       requester_email, requester_visitor_id, assignee_id, assignee_name, conversation_id, source, client_id,
       created_at, updated_at)
     VALUES (@id, @number, @site_id, @status, @type, @priority, @subject, @description, @requester_name,
       @requester_email, @requester_visitor_id, @assignee_id, @assignee_name, @conversation_id, @source, @client_id,
       @created_at, @updated_at)`,
  );
  const insertEntry = sqlite.prepare<[EntryRow]>(
    `INSERT INTO ticket_entries (id, ticket_id, kind, author_id, author_name, text, data, emailed, created_at)
     VALUES (@id, @ticket_id, @kind, @author_id, @author_name, @text, @data, @emailed, @created_at)`,
  );
  const entriesOf = sqlite.prepare<[string], EntryRow>('SELECT * FROM ticket_entries WHERE ticket_id = ? ORDER BY created_at, id');

  /** One statement per combination of filters and patched fields, prepared on first use. */
  const statements = new Map<string, Database.Statement<unknown[], TicketRow>>();
  function prepared(text: string): Database.Statement<unknown[], TicketRow> {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = sqlite.prepare<unknown[], TicketRow>(text)));
    return statement;
  }

  /**
   * Newest update first. The text filter (SPEC S1) reads the search index (migrations/0007_search.sql): the
   * subject and description's and the requester's words, case and accents aside, the last word also as a
   * prefix; or the ticket's number ("42", "#42"). Before issue 12 it read every ticket and filtered in JS.
   */
  function list(filter: TicketFilter): Ticket[] {
    if (filter.limit <= 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['status', filter.status],
      ['site_id', filter.siteIds],
    ] as const) {
      if (value === undefined) continue;
      const values: readonly string[] = typeof value === 'string' ? [value] : value;
      if (values.length === 0) return [];
      where.push(values.length === 1 ? `${column} = ?` : `${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    }
    for (const [column, value] of [
      ['type', filter.type],
      ['priority', filter.priority],
      ['assignee_id', filter.assigneeId],
      ['conversation_id', filter.conversationId],
      ['requester_visitor_id', filter.visitorId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (filter.requesterEmail !== undefined) {
      where.push('lower(requester_email) = lower(?)');
      params.push(filter.requesterEmail);
    }
    const needle = (filter.text ?? '').trim();
    const text = `SELECT * FROM tickets${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, number DESC LIMIT ?`;
    if (needle === '') return prepared(text).all(...params, filter.limit).map(toTicket);

    const number = /^#?\d{1,15}$/.test(needle) ? Number(needle.replace('#', '')) : null;
    const match = ftsMatch(searchTerms(needle));
    if (number === null && match === null) return [];
    // The matching ids first (CROSS JOIN keeps them the outer loop), then each ticket by its key: reads the
    // matches, never every ticket of a status (a plan test in sqlite/search.test.ts holds it).
    const found = [
      // search_tickets_fts holds only subjects and requesters: no message's postings are read.
      ...(match === null ? [] : [`SELECT DISTINCT d.ticket_id AS id FROM search_tickets_fts f JOIN search_docs d ON d.id = f.rowid
        WHERE search_tickets_fts MATCH ?`]),
      ...(number === null ? [] : ['SELECT id FROM tickets WHERE number = ?']),
    ].join(' UNION ');
    const byText = `SELECT t.* FROM (${found}) m CROSS JOIN tickets t ON t.id = m.id${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.updated_at DESC, t.number DESC LIMIT ?`;
    const foundParams = [...(match === null ? [] : [match]), ...(number === null ? [] : [number])];
    return prepared(byText).all(...foundParams, ...params, filter.limit).map(toTicket);
  }

  function update(id: string, patch: TicketPatch, at: number): Ticket | null {
    const fields = (Object.keys(PATCH_COLUMNS) as (keyof TicketPatch)[]).filter((k) => patch[k] !== undefined);
    const sets = [...fields.map((k) => `${PATCH_COLUMNS[k]} = ?`), 'updated_at = ?'];
    const changed = prepared(`UPDATE tickets SET ${sets.join(', ')} WHERE id = ?`).run(...fields.map((k) => patch[k]), at, id).changes;
    if (changed === 0) return null;
    return toTicket(byId.get(id)!);
  }

  return {
    create: (ticket) =>
      committer.submit(() => {
        if (ticket.clientId !== null) {
          const existing = byClientId.get(ticket.siteId, ticket.clientId);
          if (existing) return { ticket: toTicket(existing), created: false };
        }
        insertTicket.run({
          id: ticket.id,
          number: nextNumber.get()!,
          site_id: ticket.siteId,
          status: ticket.status,
          type: ticket.type,
          priority: ticket.priority,
          subject: ticket.subject,
          description: ticket.description,
          requester_name: ticket.requester.name,
          requester_email: ticket.requester.email,
          requester_visitor_id: ticket.requester.visitorId,
          assignee_id: ticket.assigneeId,
          assignee_name: ticket.assigneeName,
          conversation_id: ticket.conversationId,
          source: ticket.source,
          client_id: ticket.clientId,
          created_at: ticket.createdAt,
          updated_at: ticket.createdAt,
        });
        return { ticket: toTicket(byId.get(ticket.id)!), created: true };
      }),

    async byId(id) {
      const row = byId.get(id);
      return row ? toTicket(row) : null;
    },

    async byNumber(number) {
      const row = byNumber.get(number);
      return row ? toTicket(row) : null;
    },

    async list(filter) {
      return list(filter);
    },

    update: (id, patch, at) => committer.submit(() => update(id, patch, at)),

    delete: (id) => committer.submit(() => sqlite.prepare('DELETE FROM tickets WHERE id = ?').run(id).changes > 0),

    addEntry: (entry) =>
      committer.submit(() => {
        insertEntry.run({
          id: entry.id,
          ticket_id: entry.ticketId,
          kind: entry.kind,
          author_id: entry.authorId,
          author_name: entry.authorName,
          text: entry.text,
          data: entry.data === null ? null : JSON.stringify(entry.data),
          emailed: entry.emailed === null ? null : entry.emailed ? 1 : 0,
          created_at: entry.at,
        });
      }),

    async entries(ticketId) {
      return entriesOf.all(ticketId).map(toEntry);
    },
  };
}
