/**
 * @module Ticket rules as pure functions (SPEC T1-T8): the leave-a-message form's fields checked against
 * the site's form and turned into a ticket's requester, subject and description; the defaults a site has.
 */
import type { SiteTicketing } from '../../shared/api';
import type { ErrorCode } from '../../shared/errors';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS } from '../../shared/limits';
import type { OfflineField } from '../../shared/protocol';
import { sliceWhole } from '../../shared/well-formed';
import { authorOf, isSupervisor, messageEvent, refuse, SYSTEM, type AgentActor, type ConversationState, type Decision, type VisitorActor } from './conversation';

/** E-mail and message are always asked; a site adds or drops the rest (name by default). */
export const ALWAYS_FIELDS: readonly OfflineField[] = [
  { key: 'email', label: 'E-mail', type: 'email', required: true },
  { key: 'message', label: 'Message', type: 'textarea', required: true },
];

export const DEFAULT_TICKETING: SiteTicketing = {
  businessHours: null,
  ticketWhenNoAgents: true,
  maxWaitMs: null,
  offlineFields: [{ key: 'name', label: 'Name', type: 'text', required: false }],
};

/** The form the widget shows: the site's fields, then e-mail and message. */
export function formFields(ticketing: SiteTicketing | null): OfflineField[] {
  const own = (ticketing ?? DEFAULT_TICKETING).offlineFields.filter((f) => !ALWAYS_FIELDS.some((a) => a.key === f.key));
  return [...own, ...ALWAYS_FIELDS];
}

/** What every form and proof on the server takes for an e-mail address (offline form, pre-chat, identity). */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type FormResult =
  | { ok: true; requesterName: string | null; email: string; subject: string; description: string }
  | { ok: false; code: ErrorCode; field: string; message?: string };

/**
 * SPEC T1/T7: checks a submitted form against the site's fields: required ones filled, the e-mail valid,
 * unknown keys refused. The subject is the message's first line (at most 80 characters); the description
 * is the message, then the other fields as "Label: value" lines.
 */
export function readForm(fields: readonly OfflineField[], values: Readonly<Record<string, string>>): FormResult {
  for (const key of Object.keys(values)) {
    if (!fields.some((f) => f.key === key)) return { ok: false, code: 'invalid_request', field: key };
  }
  const clean: Record<string, string> = {};
  for (const field of fields) {
    const value = (values[field.key] ?? '').trim();
    if (value === '' && field.required) return { ok: false, code: 'field_required', field: field.key };
    const isEmail = field.type === 'email' || field.key === 'email';
    if (value !== '' && isEmail && (value.length > MAX_EMAIL_CHARS || !EMAIL.test(value))) return { ok: false, code: 'invalid_email', field: field.key };
    // The requester's name is held to the same limit as everywhere else (SPEC T7: an oversized field).
    if (field.key === 'name' && value.length > MAX_NAME_CHARS) return { ok: false, code: 'invalid_request', field: field.key, message: `${field.key}: at most ${MAX_NAME_CHARS} characters.` };
    clean[field.key] = value;
  }
  const message = clean.message!;
  const subject = subjectOf(message);
  const extra = fields.filter((f) => !['name', 'email', 'message'].includes(f.key) && clean[f.key] !== '').map((f) => `${f.label}: ${clean[f.key]}`);
  return {
    ok: true,
    requesterName: clean.name ? clean.name : null,
    email: clean.email!.toLowerCase(),
    subject,
    description: extra.length > 0 ? `${message}\n\n${extra.join('\n')}` : message,
  };
}

/** The longest subject a ticket gets from a message, ellipsis included. */
export const SUBJECT_MAX_CHARS = 80;

/**
 * A ticket's subject from a message (an offline form's, a conversation's first): its first line, trimmed,
 * cut to 79 characters and an ellipsis when longer than 80, never inside a surrogate pair (SPEC D14). Empty
 * when the first line is.
 *
 * @example subjectOf('Quero trocar\no tamanho') // 'Quero trocar'
 */
export function subjectOf(message: string): string {
  const end = message.indexOf('\n');
  const line = (end < 0 ? message : message.slice(0, end)).trim();
  return line.length > SUBJECT_MAX_CHARS ? `${sliceWhole(line, SUBJECT_MAX_CHARS - 1)}…` : line;
}

/**
 * SPEC T2/T3: a conversation becomes a ticket and closes, in one append: `ticket_created` (its number is
 * the one piece of event data visitors see) then `closed`. `actor` null: the server did it (T2), on a
 * conversation still waiting; an agent (T3) must hold it or supervise.
 */
export function decideTicketClose(c: ConversationState, actor: AgentActor | null, ticket: { id: string; number: number; requester?: { email: string | null } }): Decision {
  if (c.status === 'closed') return refuse('conversation_closed');
  if (actor === null) {
    if (c.status !== 'open' || c.assignedAgentId !== null || c.bot) return refuse('conflict');
  } else if (c.assignedAgentId !== actor.id && !isSupervisor(actor)) {
    return refuse('not_holder');
  }
  const author = actor ? authorOf(actor) : SYSTEM;
  return {
    ok: true,
    events: [
      // Issue 15: with the address replies go to (null: none known, the widget asks for one).
      { kind: 'ticket_created', author, clientId: null, text: null, data: { number: ticket.number, ticketId: ticket.id, email: ticket.requester?.email ?? null } },
      { kind: 'closed', author, clientId: null, text: null, data: { reason: `Ticket #${ticket.number}` } },
    ],
    patch: { status: 'closed', offer: null, request: null, wrapUpReason: `Ticket #${ticket.number}` },
  };
}

/** SPEC T5: the visitor rates its own conversation once it has ended; `alreadyRated` comes from the log. */
export function decideRate(c: ConversationState, actor: VisitorActor, score: number, comment: string | null, alreadyRated: boolean): Decision {
  if (c.visitorId !== actor.visitorId || c.siteId !== actor.siteId) return refuse('conversation_not_found');
  if (c.status === 'open') return refuse('not_ended');
  if (alreadyRated) return refuse('conflict');
  return { ok: true, events: [{ kind: 'rated', author: authorOf(actor), clientId: null, text: null, data: { score, comment } }], patch: null };
}

/** Event kinds whose data a visitor receives (SPEC D11 strips the rest): its ticket's number, its rating, the address it gave. */
export const VISITOR_DATA_KINDS: ReadonlySet<string> = new Set(['ticket_created', 'rated', 'ticket_email']);

// Issue 15 (visitor promises and tickets): the chat that became a ticket goes on as the ticket's thread.

/** Ticket statuses a requester's follow-up reopens (Zendesk: a requester's reply reopens a pending or solved ticket). */
const REOPENED_BY_FOLLOW_UP: ReadonlySet<string> = new Set(['pending', 'solved']);

/**
 * Issue 15: a visitor's message after its chat became a ticket (T2, T3) goes to that ticket: into the
 * chat's own log, which stays closed (it is the ticket's transcript, the agent reads it there), and the
 * ticket reopens when it waited on the requester. A closed ticket takes nothing more: `conversation_closed`,
 * and the widget starts a new conversation with it. `reopen`: the status the ticket moves to, if any.
 */
export function decideFollowUp(
  c: ConversationState,
  actor: VisitorActor,
  text: string,
  clientId: string,
  ticket: { status: string } | null,
): Decision & { reopen?: 'open' | null } {
  if (c.visitorId !== actor.visitorId || c.siteId !== actor.siteId) return { ok: false, code: 'conversation_not_found' };
  if (c.status !== 'closed' || !ticket || ticket.status === 'closed') return { ok: false, code: 'conversation_closed' };
  if (text.trim() === '') return { ok: false, code: 'message_empty' };
  return { ok: true, events: [messageEvent(actor, text, clientId)], patch: null, reopen: REOPENED_BY_FOLLOW_UP.has(ticket.status) ? 'open' : null };
}

/**
 * Issue 15: the visitor gives the address its ticket's replies go to, as an event in the chat (`ticket_email`,
 * which the widget reads to stop asking). Only its own chat, only one that became a ticket.
 */
export function decideTicketEmail(c: ConversationState, actor: VisitorActor, email: string, ticket: { status: string } | null): Decision {
  if (c.visitorId !== actor.visitorId || c.siteId !== actor.siteId) return refuse('conversation_not_found');
  if (c.status !== 'closed' || !ticket || ticket.status === 'closed') return refuse('conversation_closed');
  return { ok: true, events: [{ kind: 'ticket_email', author: authorOf(actor), clientId: null, text: null, data: { email } }], patch: null };
}
