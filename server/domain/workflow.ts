/**
 * @module The agent workflow as pure decisions on one conversation (SPEC R4-R12): offers and no-answer,
 * accept and take, transfer and conference with their timers, wrap-up, priority, labels, archive, bot
 * hand-off. Each answers the events to append and the state to change, or a refusal; the store runs it
 * inside the write transaction on committed state (SPEC C4), so two agents racing get one winner.
 */
import type { ConversationEvent, EventData, PendingRequest } from '../../shared/protocol';
import {
  assignedEvent,
  authorOf,
  canView,
  holds,
  isSupervisor,
  refuse,
  SYSTEM,
  type AgentActor,
  type BotActor,
  type ConversationState,
  type Decision,
  type NewEvent,
  type VisitorActor,
} from './conversation';

const event = (kind: NewEvent['kind'], author: NewEvent['author'], data?: EventData): NewEvent => ({
  kind,
  author,
  clientId: null,
  text: null,
  ...(data ? { data } : {}),
});

const waiting = (c: ConversationState) => c.status === 'open' && c.assignedAgentId === null && !c.bot;

/** R4: the router offers a waiting conversation to one agent until `expiresAt`. */
export function decideOffer(c: ConversationState, agent: { id: string; name: string }, expiresAt: number): Decision {
  if (!waiting(c) || c.offer) return refuse('offer_not_found');
  const offer = { agentId: agent.id, agentName: agent.name, expiresAt };
  return { ok: true, events: [event('offered', SYSTEM, { ...offer })], patch: { offer } };
}

/** R4: the offer's timer ran out before Accept: `no_answer`, and the conversation waits again. */
export function decideOfferTimeout(c: ConversationState, agentId: string, at: number): Decision {
  if (!c.offer || c.offer.agentId !== agentId || at < c.offer.expiresAt) return refuse('offer_not_found');
  return { ok: true, events: [event('no_answer', SYSTEM, { agentId, agentName: c.offer.agentName })], patch: { offer: null } };
}

/** R4: the agent who holds the offer accepts it before it expires. */
export function decideAccept(c: ConversationState, actor: AgentActor, at: number): Decision {
  if (c.status !== 'open' || !c.offer || c.offer.agentId !== actor.id || at >= c.offer.expiresAt || c.assignedAgentId !== null) {
    return refuse('offer_not_found');
  }
  return {
    ok: true,
    events: [event('accepted', authorOf(actor)), assignedEvent(actor, 'accept')],
    patch: { assignedAgentId: actor.id, assignedAgentName: actor.name, offer: null },
  };
}

/**
 * R5: take (claim) a conversation. Anyone who may see a waiting one takes it (broadcast: the first wins, C4);
 * only supervisors and admins take one another agent holds.
 */
export function decideTake(c: ConversationState, actor: AgentActor): Decision {
  if (c.status !== 'open') return refuse('conversation_closed');
  if (c.assignedAgentId === actor.id) return refuse('conflict');
  if (c.assignedAgentId !== null && !isSupervisor(actor)) return refuse('conversation_taken');
  if (c.bot && !isSupervisor(actor)) return refuse('forbidden');
  return {
    ok: true,
    events: [assignedEvent(actor, c.assignedAgentId === null ? 'take' : 'takeover')],
    patch: {
      assignedAgentId: actor.id,
      assignedAgentName: actor.name,
      offer: null,
      // A takeover also ends the previous holder's transfer or invitation: its target may not take it away.
      request: null,
      bot: false,
      participants: c.participants.filter((p) => p.id !== actor.id),
    },
  };
}

/** R8 (sticky): a returning visitor's new conversation goes straight to the agent of its unresolved one. */
export function decideSticky(c: ConversationState, agent: { id: string; name: string }): Decision {
  if (!waiting(c) || c.offer) return refuse('offer_not_found');
  return { ok: true, events: [assignedEvent(agent, 'sticky')], patch: { assignedAgentId: agent.id, assignedAgentName: agent.name } };
}

export type RequestTarget = { agentId: string; queueId: null; name: string } | { agentId: null; queueId: string; name: string };

/** R6/R7: the holder (or a supervisor) asks an agent or a queue to take over, or to join. */
export function decideRequest(
  c: ConversationState,
  actor: AgentActor,
  kind: PendingRequest['kind'],
  target: RequestTarget,
  expiresAt: number,
  /** Issue 15: the sender's hand-off note for the target (agents only, never the visitor). */
  note: string | null = null,
): Decision {
  if (c.status !== 'open') return refuse('conversation_closed');
  if (c.assignedAgentId === null || (c.assignedAgentId !== actor.id && !isSupervisor(actor))) return refuse('not_holder');
  if (c.request) return refuse('request_pending');
  if (target.agentId !== null && (target.agentId === c.assignedAgentId || c.participants.some((p) => p.id === target.agentId))) {
    return refuse('target_unavailable');
  }
  const request: PendingRequest = {
    kind,
    fromAgentId: actor.id,
    fromName: actor.name,
    toAgentId: target.agentId,
    toQueueId: target.queueId,
    toName: target.name,
    expiresAt,
    ...(note !== null && note.trim() !== '' ? { note: note.trim() } : {}),
  };
  return { ok: true, events: [event(`${kind}_requested`, authorOf(actor), { ...request })], patch: { request } };
}

/**
 * R6/R7: the target accepts before the timer ends. `eligible` says the actor is the named agent or an
 * available member of the named queue (the service knows membership and presence).
 * Transfer: ownership moves (and the conversation moves to the target queue). Conference: the actor joins.
 */
export function decideRequestAccept(c: ConversationState, actor: AgentActor, eligible: boolean, at: number): Decision {
  const r = c.request;
  if (!r || at >= r.expiresAt || !eligible || c.status !== 'open') return refuse('request_not_found');
  // The holder does not accept its own request, nor does a guest join twice (a guest may take a transfer).
  if (c.assignedAgentId === actor.id || (r.kind === 'conference' && c.participants.some((p) => p.id === actor.id))) return refuse('request_not_found');
  if (r.kind === 'transfer') {
    return {
      ok: true,
      // Issue 15: `previousAgentId` is whose part ended (it owes a wrap-up); `note`, the sender's hand-off note.
      events: [
        event('transfer_accepted', authorOf(actor), { fromAgentId: r.fromAgentId, toQueueId: r.toQueueId, previousAgentId: c.assignedAgentId, note: r.note ?? null }),
        assignedEvent(actor, 'transfer'),
      ],
      patch: {
        assignedAgentId: actor.id,
        assignedAgentName: actor.name,
        request: null,
        participants: c.participants.filter((p) => p.id !== actor.id),
        ...(r.toQueueId !== null ? { queueId: r.toQueueId } : {}),
      },
    };
  }
  return {
    ok: true,
    events: [event('conference_joined', authorOf(actor), { fromAgentId: r.fromAgentId, note: r.note ?? null })],
    patch: { request: null, participants: [...c.participants, { id: actor.id, name: actor.name }] },
  };
}

/** R6/R7: nobody accepted in time: the request is abandoned and the conversation stays with its holder. */
export function decideRequestExpire(c: ConversationState, at: number): Decision {
  const r = c.request;
  if (!r || at < r.expiresAt) return refuse('request_not_found');
  return {
    ok: true,
    events: [event(`${r.kind}_abandoned`, SYSTEM, { fromAgentId: r.fromAgentId, toAgentId: r.toAgentId, toQueueId: r.toQueueId, toName: r.toName })],
    patch: { request: null },
  };
}

/** R7: a conference guest leaves; when the holder leaves, the first guest becomes the holder. */
export function decideLeave(c: ConversationState, actor: AgentActor): Decision {
  if (c.status === 'closed') return refuse('conversation_closed');
  const left = event('conference_left', authorOf(actor));
  if (c.participants.some((p) => p.id === actor.id)) {
    return { ok: true, events: [left], patch: { participants: c.participants.filter((p) => p.id !== actor.id) } };
  }
  if (c.assignedAgentId === actor.id && c.participants.length > 0) {
    const [next, ...rest] = c.participants;
    return { ok: true, events: [left, assignedEvent(next!, 'conference')], patch: { assignedAgentId: next!.id, assignedAgentName: next!.name, participants: rest } };
  }
  return refuse('not_holder');
}

/**
 * R8: closing needs a wrap-up reason; the holder or a supervisor closes, also after the visitor ended it.
 * A conference guest leaves instead.
 */
export function decideClose(c: ConversationState, actor: AgentActor, reason: string): Decision {
  if (c.status === 'closed') return refuse('conversation_closed');
  if (c.assignedAgentId !== actor.id && !isSupervisor(actor)) return refuse('not_holder');
  if (reason.trim() === '') return refuse('wrap_up_required');
  return {
    ok: true,
    events: [event('closed', authorOf(actor), { reason })],
    patch: { status: 'closed', offer: null, request: null, wrapUpReason: reason },
  };
}

/**
 * R8: the visitor ends its chat. With an agent it waits for the wrap-up (`ended`); nobody held it, so it
 * closes at once.
 */
export function decideVisitorEnd(c: ConversationState, actor: VisitorActor): Decision {
  if (c.visitorId !== actor.visitorId || c.siteId !== actor.siteId) return refuse('conversation_not_found');
  if (c.status !== 'open') return refuse('conversation_closed');
  const ended = event('ended_by_visitor', authorOf(actor));
  if (c.assignedAgentId === null) {
    return { ok: true, events: [ended, event('closed', SYSTEM, { reason: null })], patch: { status: 'closed', offer: null, request: null } };
  }
  return { ok: true, events: [ended], patch: { status: 'ended', offer: null, request: null } };
}

const mayEdit = (c: ConversationState, actor: AgentActor) =>
  holds(actor, c) || isSupervisor(actor) || (c.assignedAgentId === null && canView(actor, c));

export function decidePriority(c: ConversationState, actor: AgentActor, priority: number): Decision {
  if (!mayEdit(c, actor)) return refuse('not_holder');
  if (c.priority === priority) return { ok: true, events: [], patch: null };
  return { ok: true, events: [event('priority_changed', authorOf(actor), { from: c.priority, to: priority })], patch: { priority } };
}

export function decideRequester(c: ConversationState, actor: AgentActor, name: string | null, email: string | null): Decision {
  if (!mayEdit(c, actor)) return refuse('not_holder');
  return { ok: true, events: [event('requester_edited', authorOf(actor), { name, email })], patch: { visitorName: name, requesterEmail: email } };
}

export function decideLabels(c: ConversationState, actor: AgentActor, labels: string[]): Decision {
  if (!mayEdit(c, actor)) return refuse('not_holder');
  return { ok: true, events: [event('labels_changed', authorOf(actor), { labels })], patch: { labels } };
}

/** Only closed conversations are archived ("Resolved" in 3CX); archiving hides them from Closed. */
export function decideArchive(c: ConversationState, actor: AgentActor, archived: boolean): Decision {
  if (c.status !== 'closed') return refuse('not_closed');
  if (!isSupervisor(actor) && c.assignedAgentId !== actor.id) return refuse('not_holder');
  if (c.archived === archived) return { ok: true, events: [], patch: null };
  return { ok: true, events: [event(archived ? 'archived' : 'unarchived', authorOf(actor))], patch: { archived } };
}

/**
 * R3: the queue a waiting conversation is in was deleted: it waits in the site's default queue (or in no
 * queue: every agent's) instead, keeping its waiting time. A conversation someone holds stays as it is.
 */
export function decideRequeue(c: ConversationState, queue: { id: string | null; name: string | null }): Decision {
  if (c.status !== 'open' || c.assignedAgentId !== null || c.bot) return refuse('conflict');
  return {
    ok: true,
    events: [event('queued', SYSTEM, { queueId: queue.id, queueName: queue.name })],
    patch: { queueId: queue.id, offer: null },
  };
}

/** R12: the bot hands a conversation to a queue. */
export function decideHandoff(c: ConversationState, actor: BotActor, queue: { id: string | null; name: string | null }, at: number): Decision {
  if (c.status !== 'open') return refuse('conversation_closed');
  if (!c.bot) return refuse('forbidden');
  return {
    ok: true,
    events: [event('bot_handoff', authorOf(actor), { queueId: queue.id }), event('queued', SYSTEM, { queueId: queue.id, queueName: queue.name })],
    patch: { bot: false, queueId: queue.id, queuedAt: at },
  };
}

/** R12: the agent gives control back to the bot, which ends the agents' part. */
export function decideReturnToBot(c: ConversationState, actor: AgentActor): Decision {
  if (c.status !== 'open') return refuse('conversation_closed');
  if (c.bot) return refuse('conflict');
  if (c.assignedAgentId !== actor.id && !isSupervisor(actor)) return refuse('not_holder');
  return {
    ok: true,
    events: [event('returned_to_bot', authorOf(actor))],
    patch: { bot: true, assignedAgentId: null, assignedAgentName: null, participants: [], offer: null, request: null },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Issue 15 (conversation screen): resolve in one write, and reopen (SPEC R8a, R8b).

/**
 * R8a Resolve (3CX "Resolved"): closes with a wrap-up reason and archives, in one write. A conversation
 * already closed is only archived (it has its reason); one already archived is refused `conflict`.
 * Who may: as for closing (the holder or a supervisor).
 */
export function decideResolve(c: ConversationState, actor: AgentActor, reason: string | null): Decision {
  if (c.assignedAgentId !== actor.id && !isSupervisor(actor)) return refuse('not_holder');
  if (c.status === 'closed') {
    if (c.archived) return refuse('conflict');
    return { ok: true, events: [event('archived', authorOf(actor))], patch: { archived: true } };
  }
  if (reason === null || reason.trim() === '') return refuse('wrap_up_required');
  return {
    ok: true,
    events: [event('closed', authorOf(actor), { reason }), event('archived', authorOf(actor))],
    patch: { status: 'closed', offer: null, request: null, wrapUpReason: reason, archived: true },
  };
}

/**
 * R8b Reopen: a closed conversation (archived or not) opens again, held by the agent who reopens it, out of
 * the archive and without its wrap-up reason (`reopened`, visible to the visitor, whose chat is open again). Who may: the agent who held it, or a supervisor or admin.
 * `visitorHasOpen`: the visitor has another open conversation (C3: one at a time), refused
 * `visitor_has_open_conversation`; the service knows it, the store's unique index guards the race.
 */
export function decideReopen(c: ConversationState, actor: AgentActor, visitorHasOpen: boolean): Decision {
  if (c.status !== 'closed') return refuse('not_closed');
  if (c.assignedAgentId !== actor.id && !isSupervisor(actor)) return refuse('not_holder');
  if (visitorHasOpen) return refuse('visitor_has_open_conversation');
  return {
    ok: true,
    events: [event('reopened', authorOf(actor), { fromAgentId: c.assignedAgentId })],
    patch: { status: 'open', archived: false, wrapUpReason: null, bot: false, assignedAgentId: actor.id, assignedAgentName: actor.name, participants: [], offer: null, request: null },
  };
}
// Issue 15 (flow: transfers, conferences, wrap-up, bot hand-off).

/**
 * R6/R7: the target declines: the request ends at once (for a queue, at its first member's decline) and the
 * sender is told who declined; the conversation stays with its holder.
 */
export function decideRequestDecline(c: ConversationState, actor: AgentActor, eligible: boolean, at: number): Decision {
  const r = c.request;
  if (!r || at >= r.expiresAt || !eligible || c.status !== 'open' || c.assignedAgentId === actor.id) return refuse('request_not_found');
  return {
    ok: true,
    events: [event(`${r.kind}_declined`, authorOf(actor), { fromAgentId: r.fromAgentId, toAgentId: r.toAgentId, toQueueId: r.toQueueId, toName: r.toName })],
    patch: { request: null },
  };
}

/**
 * R4 (issue 15): the offered agent declines the offer before it expires: the conversation waits again and the
 * next offer goes to someone else (the router counts the agent as having declined it). No RONA: declining is
 * the agent's answer, not its absence.
 */
export function decideOfferDecline(c: ConversationState, actor: AgentActor, at: number): Decision {
  if (!c.offer || c.offer.agentId !== actor.id || at >= c.offer.expiresAt || c.status !== 'open') return refuse('offer_not_found');
  return { ok: true, events: [event('offer_declined', authorOf(actor), { agentId: actor.id, agentName: c.offer.agentName })], patch: { offer: null } };
}

/** What one agent is told about a workflow event that ends its request or its part in a conversation. */
export interface WorkflowNotice {
  kind: 'transfer' | 'conference';
  outcome: 'accepted' | 'declined' | 'expired' | 'left';
  /** Who accepted or declined (null: the timer ran out, or the agent itself left). */
  by: string | null;
  /** The request's target as the sender named it (agent or queue), when the event says. */
  to: string | null;
  /** The agent's part ended: it is asked for a wrap-up reason when the site has any (SPEC R8). */
  wrapUp: boolean;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The notice `agentId` gets for `e`, or null: the sender hears how its transfer or invitation ended, the
 * agent a transfer took the conversation from owes a wrap-up, and so does an agent that left a conference.
 */
export function noticeFor(e: Pick<ConversationEvent, 'kind' | 'author' | 'data'>, agentId: string): WorkflowNotice | null {
  const d = e.data ?? {};
  const by = e.author.kind === 'agent' ? e.author.name : null;
  const sent = d.fromAgentId === agentId && e.author.id !== agentId;
  switch (e.kind) {
    case 'transfer_accepted': {
      const previous = d.previousAgentId === agentId;
      if (!sent && !previous) return null;
      return { kind: 'transfer', outcome: 'accepted', by, to: null, wrapUp: previous };
    }
    case 'conference_joined':
      return sent ? { kind: 'conference', outcome: 'accepted', by, to: null, wrapUp: false } : null;
    case 'transfer_declined':
    case 'conference_declined':
      return sent ? { kind: e.kind === 'transfer_declined' ? 'transfer' : 'conference', outcome: 'declined', by, to: text(d.toName), wrapUp: false } : null;
    case 'transfer_abandoned':
    case 'conference_abandoned':
      return d.fromAgentId === agentId ? { kind: e.kind === 'transfer_abandoned' ? 'transfer' : 'conference', outcome: 'expired', by: null, to: text(d.toName), wrapUp: false } : null;
    case 'conference_left':
      return e.author.kind === 'agent' && e.author.id === agentId ? { kind: 'conference', outcome: 'left', by: null, to: null, wrapUp: true } : null;
    default:
      return null;
  }
}

/** The part of a conversation an agent has not wrapped up yet: the event that ended it. */
export interface OwedWrapUp {
  after: 'transfer' | 'conference';
  /** The seq of the transfer_accepted or conference_left that ended the agent's part. */
  seq: number;
}

/**
 * Issue 15: whether `agentId` owes a wrap-up reason, from the conversation's log in seq order: its latest
 * part ended by a transfer it handed over, or by its leaving a conference, and not wrapped up since.
 */
export function owedWrapUp(events: readonly Pick<ConversationEvent, 'seq' | 'kind' | 'author' | 'data'>[], agentId: string): OwedWrapUp | null {
  let owed: OwedWrapUp | null = null;
  for (const e of events) {
    if (e.kind === 'transfer_accepted' && e.data?.previousAgentId === agentId) owed = { after: 'transfer', seq: e.seq };
    else if (e.kind === 'conference_left' && e.author.kind === 'agent' && e.author.id === agentId) owed = { after: 'conference', seq: e.seq };
    else if (e.kind === 'wrapped_up' && e.author.id === agentId) owed = null;
  }
  return owed;
}

/**
 * SPEC R8 (issue 15): the agent whose part ended by a transfer or by leaving a conference records its wrap-up
 * reason, once per part (the client id names the part: a second answer is a duplicate). It changes nothing
 * else, in any status: the conversation may have moved on or closed since.
 */
export function decideWrapUp(actor: AgentActor, reason: string, owed: OwedWrapUp | null): Decision {
  if (!owed) return refuse('nothing_to_wrap_up');
  if (reason.trim() === '') return refuse('wrap_up_required');
  return {
    ok: true,
    events: [{ ...event('wrapped_up', authorOf(actor), { reason, after: owed.after, forSeq: owed.seq }), clientId: wrapUpClientId(actor.id, owed.seq) }],
    patch: null,
  };
}

export const wrapUpClientId = (agentId: string, seq: number) => `wrap-up:${agentId}:${seq}`;

/**
 * R12 (issue 15): the bot hands the conversation to a named agent: it enters `queue` (the fallback) and, when
 * the agent can take it now, is offered to that agent first; otherwise it simply waits in the queue.
 */
export function decideHandoffTo(
  c: ConversationState,
  actor: BotActor,
  queue: { id: string | null; name: string | null },
  agent: { id: string; name: string; available: boolean },
  at: number,
  expiresAt: number,
): Decision {
  const base = decideHandoff(c, actor, queue, at);
  if (!base.ok) return base;
  const [handoff, queued] = base.events;
  const events = [{ ...handoff!, data: { ...handoff!.data, agentId: agent.id, agentName: agent.name } }, queued!];
  if (!agent.available) return { ok: true, events, patch: base.patch };
  const offer = { agentId: agent.id, agentName: agent.name, expiresAt };
  return { ok: true, events: [...events, event('offered', SYSTEM, { ...offer })], patch: { ...base.patch, offer } };
}
