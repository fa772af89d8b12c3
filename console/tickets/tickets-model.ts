/**
 * @module Tickets as the console reads them (SPEC T3, T4): the list's filters and the query string they
 * make, the names of statuses, types and sources, and each history entry (note, reply, change) as words.
 * Pure: the strings table is a parameter so tests can pick the language.
 */
import { TICKET_STATUSES, TICKET_TYPES, type Ticket, type TicketEntry, type TicketSource, type TicketStatus, type TicketType } from '../../shared/api';
import { query } from '../session/api';
import { priorityName, t as defaultStrings, visitorLabel, type Strings } from '../i18n/i18n';

export { TICKET_STATUSES, TICKET_TYPES };

/** `active`: open and pending, what still needs someone (the list's default). */
export type StatusFilter = 'active' | 'all' | TicketStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['active', ...TICKET_STATUSES, 'all'];

export interface TicketFilters {
  status: StatusFilter;
  type: TicketType | null;
  priority: number | null;
  /** `me` (the agent reading), an agent's id, or null for anyone. */
  assignee: string | null;
  /** Free text: number, subject, description, requester name or e-mail (the server matches). */
  q: string;
}

export const DEFAULT_TICKET_FILTERS: TicketFilters = { status: 'active', type: null, priority: null, assignee: null, q: '' };

/** The page the list asks for; a full page says "there may be more". */
export const TICKET_PAGE = 100;

/** The statuses a filter asks for; null: any. */
export function statusesOf(status: StatusFilter): TicketStatus[] | null {
  if (status === 'all') return null;
  if (status === 'active') return ['open', 'pending'];
  return [status];
}

/** Whether the filters differ from the defaults (the list offers "clear filters"). */
export function filtersActive(f: TicketFilters): boolean {
  return f.status !== DEFAULT_TICKET_FILTERS.status || f.type !== null || f.priority !== null || f.assignee !== null || f.q.trim() !== '';
}

/**
 * GET /tickets's query strings for the filters, one per status: the route takes a single `status` (and
 * without one answers open and pending), so "open and pending" is two reads and "any status" four, merged
 * by mergeTickets. `me` is the agent's id; the search is trimmed; empty values are left out.
 *
 * @example ticketQueries(DEFAULT_TICKET_FILTERS, 'a1') // ['?status=open&limit=100', '?status=pending&limit=100']
 */
export function ticketQueries(f: TicketFilters, agentId: string, limit: number = TICKET_PAGE): string[] {
  return (statusesOf(f.status) ?? [...TICKET_STATUSES]).map((status) =>
    query({
      status,
      type: f.type,
      priority: f.priority,
      assignee: f.assignee === 'me' ? agentId : f.assignee,
      q: f.q.trim(),
      limit,
    }),
  );
}

/** The answers of several reads as one list: newest update first, each ticket once, at most `limit`. */
export function mergeTickets(lists: readonly Ticket[][], limit: number = TICKET_PAGE): Ticket[] {
  const byId = new Map<string, Ticket>();
  for (const list of lists) for (const k of list) byId.set(k.id, k);
  return [...byId.values()].sort((a, b) => b.updatedAt - a.updatedAt || b.number - a.number).slice(0, limit);
}

export function statusName(status: string, s: Strings = defaultStrings): string {
  return s.tk.statuses[status as TicketStatus] ?? status;
}
export function typeName(type: string, s: Strings = defaultStrings): string {
  return s.tk.types[type as TicketType] ?? type;
}
export function sourceName(source: string, s: Strings = defaultStrings): string {
  return s.tk.sources[source as TicketSource] ?? source;
}

/** The ticket's requester in one line: the name, else the e-mail, else the visitor's label, else "no requester". */
export function requesterLabel(r: Ticket['requester'], s: Strings = defaultStrings): string {
  return r.name ?? r.email ?? (r.visitorId ? visitorLabel(r.visitorId, null, s) : s.tk.noRequester);
}

/** Who wrote an entry: "You" for the agent reading, the author's name, or the system. */
export function entryAuthor(e: Pick<TicketEntry, 'authorId' | 'authorName'>, agentId: string, s: Strings = defaultStrings): string {
  if (e.authorId !== null && e.authorId === agentId) return s.you;
  return e.authorName ?? (e.authorId === null ? s.tk.system : s.agent);
}

type ChangeValue = string | number | null;
const text = (v: ChangeValue | undefined): string | null => (v === null || v === undefined || v === '' ? null : String(v));

/**
 * A change entry's fields as phrases, in a fixed order: "status to Solved", "priority to High"... An
 * assignee is named by `assigneeName`, else by `agentName(id)` (the agents the console knows), else
 * "Agent"; the reader is "you". Unknown fields read as "field to value", so a newer server's change shows.
 */
export function changeParts(
  data: Readonly<Record<string, ChangeValue>>,
  agentId: string,
  s: Strings = defaultStrings,
  agentName: (id: string) => string | null = () => null,
): string[] {
  const c = s.tk.change;
  const parts: string[] = [];
  const seen = new Set<string>();
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  const take = (k: string) => {
    seen.add(k);
    return data[k];
  };
  if (has('status')) parts.push(c.status(statusName(String(take('status')), s)));
  if (has('type')) parts.push(c.type(typeName(String(take('type')), s)));
  if (has('priority')) parts.push(c.priority(priorityName(Number(take('priority')), s)));
  if (has('subject')) parts.push(c.subject(text(take('subject')) ?? s.none));
  if (has('assigneeId') || has('assigneeName')) {
    const id = text(take('assigneeId'));
    const name = text(take('assigneeName'));
    parts.push(c.assignee(id !== null && id === agentId ? s.youLower : (name ?? (id === null ? s.tk.nobody : (agentName(id) ?? s.agent)))));
  }
  if (has('requesterName')) parts.push(c.requesterName(text(take('requesterName')) ?? s.none));
  if (has('requesterEmail')) parts.push(c.requesterEmail(text(take('requesterEmail')) ?? s.none));
  if (has('description')) {
    take('description');
    parts.push(c.description);
  }
  for (const [k, v] of Object.entries(data)) if (!seen.has(k)) parts.push(c.other(k, text(v) ?? s.none));
  return parts;
}

/** A change entry as one line: "Ana changed status to Solved, priority to High". */
export function changeLine(
  e: Pick<TicketEntry, 'authorId' | 'authorName' | 'data' | 'text'>,
  agentId: string,
  s: Strings = defaultStrings,
  agentName?: (id: string) => string | null,
): string {
  const parts = changeParts(e.data ?? {}, agentId, s, agentName);
  const who = entryAuthor(e, agentId, s);
  if (parts.length === 0) return e.text ? `${who}: ${e.text}` : s.tk.changedNothing(who);
  return s.tk.changed(who, parts.join(', '));
}

/**
 * What happened to a reply's e-mail: sent, or not, and why as far as the console can tell (SPEC T8: e-mail
 * off while the requester had an address; no address; `undefined`: the address then is not known).
 * null for entries that are not replies.
 */
export function replyDelivery(e: Pick<TicketEntry, 'kind' | 'emailed'>, requesterEmail: string | null | undefined, s: Strings = defaultStrings): { sent: boolean; text: string } | null {
  if (e.kind !== 'reply') return null;
  if (e.emailed) return { sent: true, text: s.tk.emailed };
  const text = requesterEmail === undefined ? s.tk.notEmailedUnknown : requesterEmail === null ? s.tk.notEmailedNoAddress : s.tk.notEmailed;
  return { sent: false, text };
}

/**
 * The requester's e-mail when each reply was written, as far as the history tells (a change entry holds
 * only the new value): the newest `requesterEmail` change before the reply; with none before it, the
 * current address when none came after either; else unknown (undefined).
 */
export function addressAtReplies(entries: readonly Pick<TicketEntry, 'id' | 'kind' | 'data'>[], currentEmail: string | null): Map<string, string | null | undefined> {
  const at = new Map<string, string | null | undefined>();
  const changedLater = entries.some((e) => e.kind === 'change' && e.data !== null && Object.prototype.hasOwnProperty.call(e.data, 'requesterEmail'));
  let known: string | null | undefined = changedLater ? undefined : currentEmail;
  for (const e of entries) {
    if (e.kind === 'change' && e.data && Object.prototype.hasOwnProperty.call(e.data, 'requesterEmail')) {
      const v = e.data.requesterEmail;
      known = typeof v === 'string' && v !== '' ? v : null;
    }
    if (e.kind === 'reply') at.set(e.id, known);
  }
  return at;
}

/** The line over a note or a reply, and the line of a change. */
export function entryHeading(e: TicketEntry, agentId: string, s: Strings = defaultStrings, agentName?: (id: string) => string | null): string {
  const who = entryAuthor(e, agentId, s);
  if (e.kind === 'note') return s.tk.noteBy(who);
  if (e.kind === 'reply') return s.tk.replyBy(who);
  return changeLine(e, agentId, s, agentName);
}

/**
 * Agents' names as the ticket detail knows them: the agents list (supervisors), the ticket's assignee and
 * every entry's author. A change entry names a new assignee by id only.
 */
export function agentNamer(ticket: Pick<Ticket, 'assigneeId' | 'assigneeName'>, entries: readonly Pick<TicketEntry, 'authorId' | 'authorName'>[], agents: readonly { id: string; name: string }[] | null): (id: string) => string | null {
  const names = new Map<string, string>();
  for (const e of entries) if (e.authorId && e.authorName) names.set(e.authorId, e.authorName);
  if (ticket.assigneeId && ticket.assigneeName) names.set(ticket.assigneeId, ticket.assigneeName);
  for (const a of agents ?? []) names.set(a.id, a.name);
  return (id) => names.get(id) ?? null;
}

/**
 * The fields of a patch that differ from the ticket (the detail sends only what changed, so its history
 * says only that).
 */
export function patchOf(
  ticket: Ticket,
  next: Partial<{ status: TicketStatus; type: TicketType; priority: number; subject: string; assigneeId: string | null; requesterName: string | null; requesterEmail: string | null }>,
): Record<string, string | number | null> {
  const current: Record<string, string | number | null> = {
    status: ticket.status,
    type: ticket.type,
    priority: ticket.priority,
    subject: ticket.subject,
    assigneeId: ticket.assigneeId,
    requesterName: ticket.requester.name,
    requesterEmail: ticket.requester.email,
  };
  const patch: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(next)) {
    if (v === undefined) continue;
    if (current[k] !== v) patch[k] = v;
  }
  return patch;
}

/** Short time for a list: the time of day for today, else day and time. */
export function shortWhen(at: number, now: number, fmt: { clock: Intl.DateTimeFormat; dayTime: Intl.DateTimeFormat }): string {
  const a = new Date(at);
  const b = new Date(now);
  const sameDay = a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  return sameDay ? fmt.clock.format(at) : fmt.dayTime.format(at);
}

/**
 * Issue 15: the line under the ticket's reply box. Never "e-mailed to …" while this server sends no e-mail
 * (`mail` false; null while not known yet reads as on, as before), and a warning without an address.
 */
export function replyHint(email: string | null, mail: boolean | null, s: Strings = defaultStrings): { text: string; warn: boolean } {
  if (mail === false) return { text: s.cv.replyNoMail, warn: true };
  return email ? { text: s.tk.replyTo(email), warn: false } : { text: s.tk.replyNoEmail, warn: true };
}
