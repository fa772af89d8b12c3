/**
 * @module Conversation rules as pure functions: who may write, what a message appends, who sees which event.
 * No I/O here: the store runs them inside its write transaction on current state (SPEC C1..C4).
 */
import type { ErrorCode } from '../../shared/errors';
import type { AgentRole, Author, ConversationStatus, EventKind } from '../../shared/protocol';

/** The part of a conversation the rules read; the store hands it over inside the write transaction (SPEC C4). */
export interface ConversationState {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  lastSeq: number;
}

export type Actor =
  | { kind: 'visitor'; visitorId: string; siteId: string }
  | { kind: 'agent'; id: string; name: string; role: AgentRole };

/** An event before the store gives it a sequence number and a time. */
export interface NewEvent {
  kind: EventKind;
  author: Author;
  clientId: string | null;
  text: string | null;
}

/** State columns a decision changes, besides appending its events. */
export interface StatePatch {
  status?: ConversationStatus;
  assignedAgentId?: string | null;
  assignedAgentName?: string | null;
}

export type Decision = { ok: true; events: NewEvent[]; patch: StatePatch | null } | { ok: false; code: ErrorCode };

export function authorOf(actor: Actor): Author {
  return actor.kind === 'visitor'
    ? { kind: 'visitor', id: actor.visitorId, name: null }
    : { kind: 'agent', id: actor.id, name: actor.name };
}

/** The first event of every conversation (SPEC C3). */
export function createdEvent(visitorId: string): NewEvent {
  return { kind: 'created', author: { kind: 'visitor', id: visitorId, name: null }, clientId: null, text: null };
}

export function messageEvent(actor: Actor, text: string, clientId: string): NewEvent {
  return { kind: 'message', author: authorOf(actor), clientId, text };
}

/**
 * What happens when `actor` sends a message into `conversation`.
 * - C1: a visitor writes only into its own conversation, and only while it is open.
 * - C2: an agent's first reply to an unassigned conversation claims it: `assigned` then the message, one
 *   append. An agent may not write into another agent's conversation; supervisors and admins may.
 *
 * @example decideMessage(openUnassigned, agentAna, 'Olá', id) // { ok: true, events: [assigned, message], patch }
 */
export function decideMessage(conversation: ConversationState, actor: Actor, text: string, clientId: string): Decision {
  if (!canView(actor, conversation)) return { ok: false, code: 'conversation_not_found' };
  if (actor.kind === 'visitor') {
    if (conversation.status !== 'open') return { ok: false, code: 'conversation_closed' };
    return { ok: true, events: [messageEvent(actor, text, clientId)], patch: null };
  }

  if (conversation.status !== 'open') return { ok: false, code: 'conversation_closed' };
  if (conversation.assignedAgentId === null) {
    const assigned: NewEvent = { kind: 'assigned', author: authorOf(actor), clientId: null, text: null };
    return {
      ok: true,
      events: [assigned, messageEvent(actor, text, clientId)],
      patch: { assignedAgentId: actor.id, assignedAgentName: actor.name },
    };
  }
  if (conversation.assignedAgentId !== actor.id && actor.role === 'agent') {
    return { ok: false, code: 'conversation_taken' };
  }
  return { ok: true, events: [messageEvent(actor, text, clientId)], patch: null };
}

/**
 * Who may see a conversation at all. C1: a visitor only its own, on its own site. Agents: every
 * conversation for now (queues and roles narrow this in a later issue).
 */
export function canView(actor: Actor, conversation: Pick<ConversationState, 'siteId' | 'visitorId'>): boolean {
  if (actor.kind === 'visitor') return conversation.visitorId === actor.visitorId && conversation.siteId === actor.siteId;
  return true;
}

/** Event kinds a visitor receives (SPEC D11). Private kinds (notes, internal transfers) will stay out. */
export const VISITOR_VISIBLE_KINDS: readonly EventKind[] = ['created', 'message', 'assigned'];

export function visibleToVisitor(kind: string): boolean {
  return (VISITOR_VISIBLE_KINDS as readonly string[]).includes(kind);
}
