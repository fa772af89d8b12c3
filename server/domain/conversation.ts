/**
 * @module Conversation rules as pure functions: who may see a conversation, what a message appends, who
 * sees which event. No I/O here: the store runs them inside its write transaction on current state
 * (SPEC C1..C4). The agent workflow (offers, transfers, wrap-up) is in workflow.ts.
 */
import type { ErrorCode } from '../../shared/errors';
import type {
  AgentRole,
  Attachment,
  Author,
  ConversationStatus,
  EventData,
  EventKind,
  Offer,
  Participant,
  PendingRequest,
} from '../../shared/protocol';

/** The part of a conversation the rules read; the store hands it over inside the write transaction (SPEC C4). */
export interface ConversationState {
  id: string;
  siteId: string;
  visitorId: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  lastSeq: number;
  queueId: string | null;
  queuedAt: number | null;
  priority: number;
  bot: boolean;
  offer: Offer | null;
  request: PendingRequest | null;
  participants: readonly Participant[];
  labels: readonly string[];
  archived: boolean;
}

export type VisitorActor = { kind: 'visitor'; visitorId: string; siteId: string };
export type AgentActor = {
  kind: 'agent';
  id: string;
  name: string;
  role: AgentRole;
  /** Queues the agent is a member of, read when the actor is made. */
  queueIds: ReadonlySet<string>;
};
export type BotActor = { kind: 'bot'; siteId: string };
export type SystemActor = { kind: 'system' };
export type Actor = VisitorActor | AgentActor;

/** An event before the store gives it a sequence number and a time. */
export interface NewEvent {
  kind: EventKind;
  author: Author;
  clientId: string | null;
  text: string | null;
  data?: EventData;
  /** SPEC W3: files a message carries; the store marks them sent in the same transaction. */
  attachments?: Attachment[];
}

/** State columns a decision changes, besides appending its events. */
export interface StatePatch {
  status?: ConversationStatus;
  assignedAgentId?: string | null;
  assignedAgentName?: string | null;
  queueId?: string | null;
  queuedAt?: number | null;
  priority?: number;
  bot?: boolean;
  offer?: Offer | null;
  request?: PendingRequest | null;
  participants?: Participant[];
  labels?: string[];
  archived?: boolean;
  visitorName?: string | null;
  requesterEmail?: string | null;
  wrapUpReason?: string | null;
  /** Issue 15: set once, by the write that opens an agent's proactive chat (R11). */
  proactive?: boolean;
}

export type Decision = { ok: true; events: NewEvent[]; patch: StatePatch | null } | { ok: false; code: ErrorCode };

export const refuse = (code: ErrorCode): Decision => ({ ok: false, code });

export const SYSTEM: Author = { kind: 'system', id: null, name: null };

export function authorOf(actor: Actor | BotActor): Author {
  if (actor.kind === 'visitor') return { kind: 'visitor', id: actor.visitorId, name: null };
  if (actor.kind === 'bot') return { kind: 'bot', id: null, name: null };
  return { kind: 'agent', id: actor.id, name: actor.name };
}

/** The first event of every conversation (SPEC C3). */
export function createdEvent(visitorId: string): NewEvent {
  return { kind: 'created', author: { kind: 'visitor', id: visitorId, name: null }, clientId: null, text: null };
}

export function messageEvent(actor: Actor | BotActor, text: string, clientId: string | null): NewEvent {
  return { kind: 'message', author: authorOf(actor), clientId, text };
}

/** Where a new conversation goes: the site's bot, or a queue (SPEC R3, R12). */
export type Entry = { bot: true } | { bot: false; queueId: string | null; queueName: string | null };

export function isSupervisor(actor: Actor): boolean {
  return actor.kind === 'agent' && actor.role !== 'agent';
}

/** R6/R7: a transfer or invitation names this agent, or a queue it belongs to. */
export function isRequestTarget(request: Pick<PendingRequest, 'toAgentId' | 'toQueueId'>, actor: AgentActor): boolean {
  return request.toAgentId !== null ? request.toAgentId === actor.id : request.toQueueId !== null && actor.queueIds.has(request.toQueueId);
}

/** The agent holds the conversation: assigned to it, or a conference guest. */
export function holds(actor: AgentActor, conversation: Pick<ConversationState, 'assignedAgentId' | 'participants'>): boolean {
  return conversation.assignedAgentId === actor.id || conversation.participants.some((p) => p.id === actor.id);
}

/**
 * What happens when `actor` sends a message (or, agents, a private note) into `conversation`.
 * - C1: a visitor writes only into its own conversation, and only while it is open.
 * - C2: an agent's first reply to an unassigned conversation claims it: `assigned` then the message, one
 *   append (an open offer to someone else is withdrawn). An agent may not write into another agent's
 *   conversation; supervisors and admins may. Conference guests write too (SPEC R7).
 * - A visitor's first message in a new conversation (lastSeq 0) enters the bot or a queue (SPEC R3, R12).
 * - R9: a note changes nothing else and is never a claim.
 *
 * @example decideMessage(openUnassigned, agentAna, 'Olá', id) // { ok: true, events: [assigned, message], patch }
 */
export function decideMessage(
  conversation: ConversationState,
  actor: Actor,
  text: string,
  clientId: string,
  options: { note?: boolean; entry?: Entry; at?: number } = {},
): Decision {
  if (!mayKnow(actor, conversation)) return refuse('conversation_not_found');
  if (actor.kind === 'visitor') {
    if (conversation.status !== 'open') return refuse('conversation_closed');
    if (options.note) return refuse('forbidden');
    if (conversation.lastSeq === 0 && options.entry) return enter(options.entry, messageEvent(actor, text, clientId), options.at ?? 0);
    return { ok: true, events: [messageEvent(actor, text, clientId)], patch: null };
  }

  if (options.note) {
    // R9/R10: a note goes only where the agent may see; refused with the code a message would get.
    if (!canView(actor, conversation)) {
      return refuse(conversation.status !== 'open' ? 'conversation_closed' : conversation.assignedAgentId !== null ? 'conversation_taken' : 'forbidden');
    }
    if (conversation.status === 'closed' && !isSupervisor(actor) && conversation.assignedAgentId !== actor.id) return refuse('conversation_closed');
    return { ok: true, events: [{ kind: 'note', author: authorOf(actor), clientId, text }], patch: null };
  }
  if (conversation.status !== 'open') return refuse('conversation_closed');
  if (conversation.assignedAgentId === null) {
    if (conversation.bot && !isSupervisor(actor)) return refuse('forbidden');
    return {
      ok: true,
      events: [assignedEvent(actor, 'reply'), messageEvent(actor, text, clientId)],
      patch: { assignedAgentId: actor.id, assignedAgentName: actor.name, offer: null, bot: false },
    };
  }
  if (!holds(actor, conversation) && !isSupervisor(actor)) return refuse('conversation_taken');
  return { ok: true, events: [messageEvent(actor, text, clientId)], patch: null };
}

/**
 * R1: whether this decision gives the agent a conversation it did not hold (assigns it, or makes it a
 * conference guest): new work, which only an agent who may take it gets (claimRefusal, SPEC C2, C4).
 */
export function givesWork(decision: Decision, before: Pick<ConversationState, 'assignedAgentId' | 'participants'>, agentId: string): boolean {
  if (!decision.ok || decision.patch === null) return false;
  const { assignedAgentId, participants } = decision.patch;
  if (assignedAgentId === agentId && before.assignedAgentId !== agentId) return true;
  return participants !== undefined && participants.some((p) => p.id === agentId) && !before.participants.some((p) => p.id === agentId);
}

export function assignedEvent(agent: { id: string; name: string }, via: string): NewEvent {
  return { kind: 'assigned', author: { kind: 'agent', id: agent.id, name: agent.name }, clientId: null, text: null, data: { via } };
}

/** A new conversation's first events after `created`: queued (or into the bot), then the visitor's message. */
function enter(entry: Entry, message: NewEvent, at: number): Decision {
  if (entry.bot) return { ok: true, events: [message], patch: { bot: true } };
  const queued: NewEvent = { kind: 'queued', author: SYSTEM, clientId: null, text: null, data: { queueId: entry.queueId, queueName: entry.queueName } };
  return { ok: true, events: [queued, message], patch: { queueId: entry.queueId, queuedAt: at } };
}

/**
 * Who may see a conversation at all.
 * - C1: a visitor only its own, on its own site.
 * - R10: supervisors and admins every conversation. An agent: what is assigned to it (a closed one: to its
 *   last holder), the conferences it is a guest in, what is offered or transferred to it or to one of its
 *   queues, and the unassigned open conversations of its queues (the New list). A conversation in no queue
 *   is every agent's.
 */
export function canView(
  actor: Actor,
  conversation: Pick<ConversationState, 'siteId' | 'visitorId'> & Partial<ConversationState>,
): boolean {
  if (actor.kind === 'visitor') return conversation.visitorId === actor.visitorId && conversation.siteId === actor.siteId;
  if (actor.role !== 'agent') return true;
  const c = conversation;
  if (c.assignedAgentId === actor.id) return true;
  if (c.participants?.some((p) => p.id === actor.id)) return true;
  if (c.offer?.agentId === actor.id) return true;
  if (c.request && isRequestTarget(c.request, actor)) return true;
  if (c.assignedAgentId == null && c.status === 'open' && !c.bot) return c.queueId == null || actor.queueIds.has(c.queueId);
  return false;
}

/**
 * R10 history: what an agent may read, never write. Everything it may see (canView) and, for a plain agent,
 * the closed conversations of a visitor it has a conversation with that it may see (whoever held them), so the
 * visitor's history is whole. `sameVisitor` are that visitor's conversations as stored (any order, any status).
 */
export function canReadHistory(
  actor: Actor,
  conversation: Pick<ConversationState, 'siteId' | 'visitorId' | 'status'> & Partial<ConversationState>,
  sameVisitor: ReadonlyArray<Pick<ConversationState, 'siteId' | 'visitorId'> & Partial<ConversationState>>,
): boolean {
  if (canView(actor, conversation)) return true;
  if (actor.kind !== 'agent' || conversation.status !== 'closed') return false;
  return sameVisitor.some((c) => c.visitorId === conversation.visitorId && c.siteId === conversation.siteId && canView(actor, c));
}

/**
 * Whether the actor may learn that a conversation exists, which is wider than seeing it: a member of its
 * queue who lost a race for it hears `conversation_taken`, not `conversation_not_found` (C2, R10).
 */
export function mayKnow(actor: Actor, conversation: Pick<ConversationState, 'siteId' | 'visitorId'> & Partial<ConversationState>): boolean {
  if (canView(actor, conversation)) return true;
  return actor.kind === 'agent' && (conversation.queueId == null || actor.queueIds.has(conversation.queueId));
}

/** Event kinds a visitor receives (SPEC D11): never notes, offers, transfers between agents or wrap-up detail. */
export const VISITOR_VISIBLE_KINDS: readonly EventKind[] = [
  'created',
  'message',
  'assigned',
  'conference_joined',
  'conference_left',
  'ended_by_visitor',
  'closed',
  'returned_to_bot',
  'ticket_created',
  'rated',
  // Issue 15: the address the visitor gave for its ticket.
  'ticket_email',
  // Issue 15: the visitor's chat is open again (SPEC R8b).
  'reopened',
];

const VISITOR_VISIBLE: ReadonlySet<string> = new Set(VISITOR_VISIBLE_KINDS);

export function visibleToVisitor(kind: string): boolean {
  return VISITOR_VISIBLE.has(kind);
}
