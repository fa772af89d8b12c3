import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import type { AgentRole, EventData, EventKind, Offer, Participant, PendingRequest } from '../../shared/protocol';
import { stateFixture } from '../../shared/test/summary';
import type { AgentActor, BotActor, ConversationState, Decision, NewEvent, StatePatch, VisitorActor } from './conversation';
import {
  decideAccept,
  decideArchive,
  decideClose,
  decideHandoff,
  decideLabels,
  decideLeave,
  decideOffer,
  decideOfferTimeout,
  decidePriority,
  decideRequest,
  decideRequestAccept,
  decideRequester,
  decideRequestExpire,
  decideReturnToBot,
  decideSticky,
  decideTake,
  decideVisitorEnd,
  decideHandoffTo,
  decideOfferDecline,
  decideRequestDecline,
  decideWrapUp,
  noticeFor,
  owedWrapUp,
  type OwedWrapUp,
  type RequestTarget,
  type WorkflowNotice,
} from './workflow';

// ---------------------------------------------------------------------------------------------------------
// Fixtures

const SITE = 'site-1';
const VISITOR = 'visitor-1';
const T = 1_700_000_000_000;
const ME = 'agent-me';
const OTHER = 'agent-other';
const GUEST = 'agent-guest';
const GUEST2 = 'agent-guest-2';
const SUP = 'agent-sup';
const ADMIN = 'agent-admin';
const Q1 = 'queue-1';
const Q2 = 'queue-2';

const actor = (id: string, role: AgentRole = 'agent', queueIds: string[] = [Q1]): AgentActor => ({
  kind: 'agent',
  id,
  name: `Name of ${id}`,
  role,
  queueIds: new Set(queueIds),
});
const me = actor(ME);
const other = actor(OTHER);
const guest = actor(GUEST);
const sup = actor(SUP, 'supervisor', []);
const admin = actor(ADMIN, 'admin', []);
const bot: BotActor = { kind: 'bot', siteId: SITE };
const visitor = (visitorId = VISITOR, siteId = SITE): VisitorActor => ({ kind: 'visitor', visitorId, siteId });

const nameOf = (id: string) => `Name of ${id}`;
const person = (id: string): Participant => ({ id, name: nameOf(id) });
const SYSTEM = { kind: 'system' as const, id: null, name: null };
const by = (id: string) => ({ kind: 'agent' as const, id, name: nameOf(id) });
const BOT = { kind: 'bot' as const, id: null, name: null };
const VISITOR_AUTHOR = { kind: 'visitor' as const, id: VISITOR, name: null };

const ev = (kind: EventKind, author: NewEvent['author'], data?: EventData): NewEvent => ({
  kind,
  author,
  clientId: null,
  text: null,
  ...(data ? { data } : {}),
});
const assigned = (id: string, via: string) => ev('assigned', by(id), { via });

/** A waiting conversation: open, in Q1, nobody holds it, nothing offered or requested. */
const BASE: ConversationState = stateFixture({ id: 'conv-1', siteId: SITE, visitorId: VISITOR, lastSeq: 5, queueId: Q1, queuedAt: T - 60_000 });
const conv = (more: Partial<ConversationState> = {}): ConversationState => ({ ...BASE, ...more });
const heldBy = (id: string, more: Partial<ConversationState> = {}) => conv({ assignedAgentId: id, ...more });
const offerTo = (id: string, expiresAt = T + 30_000): Offer => ({ agentId: id, agentName: nameOf(id), expiresAt });
const request = (kind: PendingRequest['kind'], to: { agent: string } | { queue: string }, more: Partial<PendingRequest> = {}): PendingRequest => ({
  kind,
  fromAgentId: ME,
  toAgentId: 'agent' in to ? to.agent : null,
  toQueueId: 'queue' in to ? to.queue : null,
  toName: 'agent' in to ? nameOf(to.agent) : `Queue ${to.queue}`,
  expiresAt: T + 60_000,
  ...more,
});

/** A refusal code, or the exact events and state patch of an accepted decision. */
type Expected = ErrorCode | { events: NewEvent[]; patch: StatePatch | null };

function check(decision: Decision, expected: Expected): void {
  if (typeof expected === 'string') expect(decision).toEqual({ ok: false, code: expected });
  else expect(decision).toEqual({ ok: true, ...expected });
}

const noChange: Expected = { events: [], patch: null };

// ---------------------------------------------------------------------------------------------------------
// R4: offers

describe('R4: decideOffer', () => {
  const expires = T + 30_000;
  const offered: Expected = {
    events: [ev('offered', SYSTEM, { agentId: ME, agentName: nameOf(ME), expiresAt: expires })],
    patch: { offer: offerTo(ME, expires) },
  };
  it.each<[string, ConversationState, Expected]>([
    ['R4: a waiting conversation nobody was offered is offered', conv(), offered],
    ['R4: a waiting conversation in no queue is offered', conv({ queueId: null }), offered],
    ['R4: one already offered (to anyone) is not offered again', conv({ offer: offerTo(OTHER) }), 'offer_not_found'],
    ['R4: one already offered to the same agent is not offered again', conv({ offer: offerTo(ME) }), 'offer_not_found'],
    ['R4: one an agent holds is not offered', heldBy(OTHER), 'offer_not_found'],
    ['R4/R12: one the bot holds is not offered', conv({ bot: true }), 'offer_not_found'],
    ['R4/R8: an ended one is not offered', conv({ status: 'ended' }), 'offer_not_found'],
    ['R4: a closed one is not offered', conv({ status: 'closed' }), 'offer_not_found'],
  ])('%s', (_name, state, expected) => {
    check(decideOffer(state, { id: ME, name: nameOf(ME) }, expires), expected);
  });
});

describe('R4: decideOfferTimeout (no answer)', () => {
  const expiry = T + 30_000;
  const noAnswer: Expected = { events: [ev('no_answer', SYSTEM, { agentId: ME, agentName: nameOf(ME) })], patch: { offer: null } };
  it.each<[string, ConversationState, string, number, Expected]>([
    ['R4: the offered agent\'s timer runs out exactly at expiry: no_answer, and the conversation waits again', conv({ offer: offerTo(ME, expiry) }), ME, expiry, noAnswer],
    ['R4: a timer firing late still ends the offer', conv({ offer: offerTo(ME, expiry) }), ME, expiry + 5_000, noAnswer],
    ['R4: a timer firing early (clock skew) does nothing', conv({ offer: offerTo(ME, expiry) }), ME, expiry - 1, 'offer_not_found'],
    ['R4: the timer of an offer that has since gone to another agent does nothing', conv({ offer: offerTo(OTHER, expiry) }), ME, expiry, 'offer_not_found'],
    ['R4: the timer of an offer already accepted or withdrawn does nothing', heldBy(ME), ME, expiry, 'offer_not_found'],
    ['R4: no offer at all: nothing', conv(), ME, expiry, 'offer_not_found'],
  ])('%s', (_name, state, agentId, at, expected) => {
    check(decideOfferTimeout(state, agentId, at), expected);
  });
});

describe('R4: decideAccept', () => {
  const expiry = T + 30_000;
  const accepted: Expected = {
    events: [ev('accepted', by(ME)), assigned(ME, 'accept')],
    patch: { assignedAgentId: ME, assignedAgentName: nameOf(ME), offer: null },
  };
  it.each<[string, ConversationState, AgentActor, number, Expected]>([
    ['R4: the offered agent accepts before expiry: accepted, then assigned', conv({ offer: offerTo(ME, expiry) }), me, T, accepted],
    ['R4: the offered agent accepts one millisecond before expiry', conv({ offer: offerTo(ME, expiry) }), me, expiry - 1, accepted],
    ['R4: accept at the expiry instant is refused', conv({ offer: offerTo(ME, expiry) }), me, expiry, 'offer_not_found'],
    ['R4: accept after expiry is refused', conv({ offer: offerTo(ME, expiry) }), me, expiry + 1, 'offer_not_found'],
    ['R4: another agent cannot accept someone else\'s offer', conv({ offer: offerTo(ME, expiry) }), other, T, 'offer_not_found'],
    ['R4: a supervisor cannot accept someone else\'s offer (it takes instead, R5)', conv({ offer: offerTo(ME, expiry) }), sup, T, 'offer_not_found'],
    ['R4: nothing offered: nothing to accept', conv(), me, T, 'offer_not_found'],
    ['R4: a stale offer on a conversation someone holds cannot be accepted', heldBy(OTHER, { offer: offerTo(ME, expiry) }), me, T, 'offer_not_found'],
    ['R4/R8: the visitor ended it: the offer cannot be accepted', conv({ status: 'ended', offer: offerTo(ME, expiry) }), me, T, 'offer_not_found'],
    ['R4: a closed conversation\'s offer cannot be accepted', conv({ status: 'closed', offer: offerTo(ME, expiry) }), me, T, 'offer_not_found'],
  ])('%s', (_name, state, who, at, expected) => {
    check(decideAccept(state, who, at), expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// R5: take, R8: sticky

describe('R5: decideTake', () => {
  const took = (id: string, via: 'take' | 'takeover', participants: Participant[] = []): Expected => ({
    events: [assigned(id, via)],
    patch: { assignedAgentId: id, assignedAgentName: nameOf(id), offer: null, bot: false, participants },
  });
  it.each<[string, ConversationState, AgentActor, Expected]>([
    ['R5: an agent takes a waiting conversation', conv(), me, took(ME, 'take')],
    ['R3/R5: broadcast: an agent takes a conversation from the New list', conv({ queueId: null }), me, took(ME, 'take')],
    ['R4/R5: taking a conversation offered to another agent withdraws the offer', conv({ offer: offerTo(OTHER) }), me, took(ME, 'take')],
    ['R5: a supervisor takes a waiting conversation', conv(), sup, took(SUP, 'take')],
    ['R5: taking one\'s own conversation is a conflict', heldBy(ME), me, 'conflict'],
    ['R5: a supervisor taking its own conversation is a conflict', heldBy(SUP), sup, 'conflict'],
    ['R5: an agent cannot take another agent\'s conversation', heldBy(OTHER), me, 'conversation_taken'],
    ['R5/R7: a conference guest cannot take the conversation from its holder', heldBy(OTHER, { participants: [person(ME)] }), me, 'conversation_taken'],
    ['R5/R10: a supervisor takes over another agent\'s conversation', heldBy(OTHER), sup, took(SUP, 'takeover')],
    ['R5/R10: an admin takes over another agent\'s conversation', heldBy(OTHER), admin, took(ADMIN, 'takeover')],
    [
      'R5/R7: a supervisor who was a conference guest takes over and leaves the guest list',
      heldBy(OTHER, { participants: [person(GUEST), person(SUP)] }),
      sup,
      took(SUP, 'takeover', [person(GUEST)]),
    ],
    ['R5/R12: an agent cannot take a conversation from the bot', conv({ bot: true }), me, 'forbidden'],
    ['R5/R12: a supervisor takes a conversation from the bot', conv({ bot: true }), sup, took(SUP, 'take')],
    ['R5/R8: an ended conversation cannot be taken', conv({ status: 'ended' }), me, 'conversation_closed'],
    ['R5: a closed conversation cannot be taken, even by a supervisor', heldBy(OTHER, { status: 'closed' }), sup, 'conversation_closed'],
  ])('%s', (_name, state, who, expected) => {
    // Whether the patch names `request` is left to the two cases below (a takeover must clear a pending one).
    const decision = decideTake(state, who);
    if (decision.ok && decision.patch) {
      const { request: _request, ...patch } = decision.patch;
      check({ ...decision, patch }, expected);
    } else check(decision, expected);
  });

  // A transfer or invitation the previous holder made must not survive a takeover: otherwise its target
  // accepts later and moves the conversation away from the supervisor who took it (R5, R6), and the
  // supervisor cannot make its own request until the stale one expires (request_pending).
  it.each<[string, PendingRequest]>([
    ['R5/R6: a takeover withdraws the previous holder\'s pending transfer', request('transfer', { agent: GUEST }, { fromAgentId: OTHER })],
    ['R5/R7: a takeover withdraws the previous holder\'s pending conference invitation', request('conference', { queue: Q1 }, { fromAgentId: OTHER })],
  ])('%s', (_name, pending) => {
    const decision = decideTake(heldBy(OTHER, { request: pending }), sup);
    expect(decision.ok).toBe(true);
    expect(decision.ok && decision.patch?.request).toBeNull();
  });
});

describe('R8: decideSticky', () => {
  const sticky: Expected = { events: [assigned(ME, 'sticky')], patch: { assignedAgentId: ME, assignedAgentName: nameOf(ME) } };
  it.each<[string, ConversationState, Expected]>([
    ['R8: a returning visitor\'s waiting conversation goes to its previous agent', conv(), sticky],
    ['R8: also in no queue', conv({ queueId: null }), sticky],
    ['R8/R4: not once it has been offered to someone', conv({ offer: offerTo(OTHER) }), 'offer_not_found'],
    ['R8: not once someone holds it', heldBy(OTHER), 'offer_not_found'],
    ['R8/R12: not while the bot holds it', conv({ bot: true }), 'offer_not_found'],
    ['R8: not when closed', conv({ status: 'closed' }), 'offer_not_found'],
  ])('%s', (_name, state, expected) => {
    check(decideSticky(state, { id: ME, name: nameOf(ME) }), expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// R6/R7: transfer and conference requests

describe.each<PendingRequest['kind']>(['transfer', 'conference'])('R6/R7: decideRequest (%s)', (kind) => {
  const expiresAt = T + 60_000;
  const toAgent = (id: string): RequestTarget => ({ agentId: id, queueId: null, name: nameOf(id) });
  const toQueue = (id: string): RequestTarget => ({ agentId: null, queueId: id, name: `Queue ${id}` });
  const requested = (from: string, target: RequestTarget): Expected => {
    const r: PendingRequest = { kind, fromAgentId: from, fromName: nameOf(from), toAgentId: target.agentId, toQueueId: target.queueId, toName: target.name, expiresAt };
    return { events: [ev(`${kind}_requested`, by(from), { ...r })], patch: { request: r } };
  };
  it.each<[string, ConversationState, AgentActor, RequestTarget, Expected]>([
    ['R6/R7: the holder asks another agent', heldBy(ME), me, toAgent(OTHER), requested(ME, toAgent(OTHER))],
    ['R6/R7: the holder asks a queue', heldBy(ME), me, toQueue(Q2), requested(ME, toQueue(Q2))],
    ['R6/R7: the holder asks its own conversation\'s queue', heldBy(ME), me, toQueue(Q1), requested(ME, toQueue(Q1))],
    ['R6/R7/R10: a supervisor asks on another agent\'s conversation', heldBy(OTHER), sup, toAgent(GUEST), requested(SUP, toAgent(GUEST))],
    ['R6/R7/R10: an admin asks on another agent\'s conversation', heldBy(OTHER), admin, toQueue(Q2), requested(ADMIN, toQueue(Q2))],
    ['R6/R7: the holder of a conference asks another agent', heldBy(ME, { participants: [person(GUEST)] }), me, toAgent(GUEST2), requested(ME, toAgent(GUEST2))],
    ['R6/R7: an agent who is not the holder is refused', heldBy(OTHER), me, toAgent(GUEST), 'not_holder'],
    ['R6/R7: a conference guest is not the holder', heldBy(OTHER, { participants: [person(ME)] }), me, toAgent(GUEST2), 'not_holder'],
    ['R6/R7: nobody holds a waiting conversation, so nobody asks', conv(), me, toAgent(OTHER), 'not_holder'],
    ['R6/R7: not even a supervisor on a waiting conversation', conv(), sup, toAgent(OTHER), 'not_holder'],
    ['R6/R7: refused while another request is pending', heldBy(ME, { request: request('transfer', { agent: GUEST }) }), me, toAgent(OTHER), 'request_pending'],
    ['R6/R7: refused while another request is pending, also to a supervisor', heldBy(ME, { request: request('conference', { queue: Q2 }) }), sup, toQueue(Q1), 'request_pending'],
    ['R6/R7: the holder cannot ask itself', heldBy(ME), me, toAgent(ME), 'target_unavailable'],
    ['R6/R7: a supervisor cannot ask the holder', heldBy(OTHER), sup, toAgent(OTHER), 'target_unavailable'],
    ['R6/R7: an agent already in the conference cannot be asked', heldBy(ME, { participants: [person(GUEST)] }), me, toAgent(GUEST), 'target_unavailable'],
    ['R6/R7/R8: no request once the visitor ended it', heldBy(ME, { status: 'ended' }), me, toAgent(OTHER), 'conversation_closed'],
    ['R6/R7: no request on a closed conversation', heldBy(ME, { status: 'closed' }), me, toAgent(OTHER), 'conversation_closed'],
  ])('%s', (_name, state, who, target, expected) => {
    check(decideRequest(state, who, kind, target, expiresAt), expected);
  });
});

describe('R6: decideRequestAccept (transfer)', () => {
  const byName = heldBy(ME, { request: request('transfer', { agent: OTHER }) });
  const toQ2 = heldBy(ME, { request: request('transfer', { queue: Q2 }) });
  const transferred = (id: string, toQueueId: string | null, participants: Participant[] = []): Expected => ({
    events: [ev('transfer_accepted', by(id), { fromAgentId: ME, toQueueId, previousAgentId: ME, note: null }), assigned(id, 'transfer')],
    patch: {
      assignedAgentId: id,
      assignedAgentName: nameOf(id),
      request: null,
      participants,
      ...(toQueueId !== null ? { queueId: toQueueId } : {}),
    },
  });
  it.each<[string, ConversationState, AgentActor, boolean, number, Expected]>([
    ['R6: the named agent accepts in time: the conversation is its own', byName, other, true, T, transferred(OTHER, null)],
    ['R6: a member of the named queue accepts: it owns it, and the conversation moves to that queue', toQ2, actor(GUEST, 'agent', [Q2]), true, T, transferred(GUEST, Q2)],
    [
      'R6/R7: a conference guest who is the named target takes over and leaves the guest list',
      heldBy(ME, { participants: [person(OTHER), person(GUEST)], request: request('transfer', { agent: OTHER }) }),
      other,
      true,
      T,
      transferred(OTHER, null, [person(GUEST)]),
    ],
    ['R6: an agent who is not the target (eligible false) is refused', byName, guest, false, T, 'request_not_found'],
    ['R6: accepting at the expiry instant is refused', byName, other, true, T + 60_000, 'request_not_found'],
    ['R6: accepting after expiry is refused', byName, other, true, T + 61_000, 'request_not_found'],
    ['R6: nothing was requested', heldBy(ME), other, true, T, 'request_not_found'],
    ['R6/R8: the visitor ended it meanwhile', heldBy(ME, { status: 'ended', request: request('transfer', { agent: OTHER }) }), other, true, T, 'request_not_found'],
    ['R6: closed meanwhile', heldBy(ME, { status: 'closed', request: request('transfer', { agent: OTHER }) }), other, true, T, 'request_not_found'],
    // The service answers `eligible` from queue membership, so the holder, a member of the queue it
    // transfers to, is "eligible" too; it must not be able to accept its own transfer.
    ['R6: the holder cannot accept its own transfer to a queue it is a member of', heldBy(ME, { request: request('transfer', { queue: Q1 }) }), me, true, T, 'request_not_found'],
  ])('%s', (_name, state, who, eligible, at, expected) => {
    check(decideRequestAccept(state, who, eligible, at), expected);
  });
});

describe('R7: decideRequestAccept (conference)', () => {
  const byName = heldBy(ME, { request: request('conference', { agent: OTHER }) });
  const toQ2 = heldBy(ME, { participants: [person(GUEST2)], request: request('conference', { queue: Q2 }) });
  const joined = (id: string, participants: Participant[]): Expected => ({
    events: [ev('conference_joined', by(id), { fromAgentId: ME, note: null })],
    patch: { request: null, participants },
  });
  it.each<[string, ConversationState, AgentActor, boolean, number, Expected]>([
    ['R7: the named agent joins in time; the holder keeps the conversation', byName, other, true, T, joined(OTHER, [person(OTHER)])],
    ['R7: a member of the named queue joins after the guests already there', toQ2, actor(GUEST, 'agent', [Q2]), true, T, joined(GUEST, [person(GUEST2), person(GUEST)])],
    ['R7: an outsider (eligible false) is refused', byName, guest, false, T, 'request_not_found'],
    ['R7: joining at the expiry instant is refused', byName, other, true, T + 60_000, 'request_not_found'],
    ['R7: joining after expiry is refused', byName, other, true, T + 90_000, 'request_not_found'],
    ['R7: nothing was requested', heldBy(ME), other, true, T, 'request_not_found'],
    ['R7: closed meanwhile', heldBy(ME, { status: 'closed', request: request('conference', { agent: OTHER }) }), other, true, T, 'request_not_found'],
    // As for transfers: queue membership makes the holder and the guests already there "eligible".
    ['R7: the holder cannot join its own conference through its queue', heldBy(ME, { request: request('conference', { queue: Q1 }) }), me, true, T, 'request_not_found'],
    [
      'R7: a guest already in the conference cannot join it a second time through its queue',
      heldBy(ME, { participants: [person(OTHER)], request: request('conference', { queue: Q1 }) }),
      other,
      true,
      T,
      'request_not_found',
    ],
  ])('%s', (_name, state, who, eligible, at, expected) => {
    check(decideRequestAccept(state, who, eligible, at), expected);
  });
});

describe('R6/R7: decideRequestExpire', () => {
  const deadline = T + 60_000;
  const abandoned = (r: PendingRequest): Expected => ({
    events: [ev(`${r.kind}_abandoned`, SYSTEM, { fromAgentId: r.fromAgentId, toAgentId: r.toAgentId, toQueueId: r.toQueueId, toName: r.toName })],
    patch: { request: null },
  });
  const transfer = request('transfer', { agent: OTHER }, { expiresAt: deadline });
  const conference = request('conference', { queue: Q2 }, { expiresAt: deadline });
  it.each<[string, ConversationState, number, Expected]>([
    ['R6: a transfer expiring at its deadline is abandoned; the holder keeps it', heldBy(ME, { request: transfer }), deadline, abandoned(transfer)],
    ['R6: a late timer still abandons it', heldBy(ME, { request: transfer }), deadline + 10_000, abandoned(transfer)],
    ['R7: an invitation to a queue expiring is abandoned', heldBy(ME, { request: conference }), deadline, abandoned(conference)],
    ['R6: before the deadline nothing happens', heldBy(ME, { request: transfer }), deadline - 1, 'request_not_found'],
    ['R6: an accepted (gone) request does not expire', heldBy(OTHER), deadline, 'request_not_found'],
  ])('%s', (_name, state, at, expected) => {
    check(decideRequestExpire(state, at), expected);
  });
});

describe('R7: decideLeave', () => {
  it.each<[string, ConversationState, AgentActor, Expected]>([
    [
      'R7: a guest leaves the conference',
      heldBy(OTHER, { participants: [person(ME), person(GUEST)] }),
      me,
      { events: [ev('conference_left', by(ME))], patch: { participants: [person(GUEST)] } },
    ],
    [
      'R7: the holder leaves: the first guest becomes the holder',
      heldBy(ME, { participants: [person(GUEST), person(GUEST2)] }),
      me,
      {
        events: [ev('conference_left', by(ME)), assigned(GUEST, 'conference')],
        patch: { assignedAgentId: GUEST, assignedAgentName: nameOf(GUEST), participants: [person(GUEST2)] },
      },
    ],
    [
      'R7: the holder leaves its only guest alone as the holder',
      heldBy(ME, { participants: [person(GUEST)] }),
      me,
      {
        events: [ev('conference_left', by(ME)), assigned(GUEST, 'conference')],
        patch: { assignedAgentId: GUEST, assignedAgentName: nameOf(GUEST), participants: [] },
      },
    ],
    [
      'R7/R8: a guest may leave after the visitor ended the chat',
      heldBy(OTHER, { status: 'ended', participants: [person(ME)] }),
      me,
      { events: [ev('conference_left', by(ME))], patch: { participants: [] } },
    ],
    ['R7: the holder without guests cannot leave (it closes or transfers)', heldBy(ME), me, 'not_holder'],
    ['R7: an agent not in the conversation cannot leave it', heldBy(OTHER, { participants: [person(GUEST)] }), me, 'not_holder'],
    ['R7: a supervisor not in the conversation cannot leave it', heldBy(OTHER, { participants: [person(GUEST)] }), sup, 'not_holder'],
    ['R7: nobody leaves a waiting conversation', conv(), me, 'not_holder'],
    ['R7: nobody leaves a closed conversation', heldBy(OTHER, { status: 'closed', participants: [person(ME)] }), me, 'conversation_closed'],
  ])('%s', (_name, state, who, expected) => {
    check(decideLeave(state, who), expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// R8: wrap-up and the visitor's end

describe('R8: decideClose', () => {
  const closed = (id: string, reason = 'Resolved'): Expected => ({
    events: [ev('closed', by(id), { reason })],
    patch: { status: 'closed', offer: null, request: null, wrapUpReason: reason },
  });
  it.each<[string, ConversationState, AgentActor, string, Expected]>([
    ['R8: the holder closes with a wrap-up reason', heldBy(ME), me, 'Resolved', closed(ME)],
    ['R8: the holder wraps up after the visitor ended it', heldBy(ME, { status: 'ended' }), me, 'Resolved', closed(ME)],
    ['R8/R6: closing abandons a pending transfer', heldBy(ME, { request: request('transfer', { agent: OTHER }) }), me, 'Resolved', closed(ME)],
    ['R8/R10: a supervisor closes another agent\'s conversation', heldBy(OTHER), sup, 'Spam', closed(SUP, 'Spam')],
    ['R8/R10: an admin closes another agent\'s ended conversation', heldBy(OTHER, { status: 'ended' }), admin, 'Resolved', closed(ADMIN)],
    ['R8/R10: a supervisor closes a waiting conversation (withdrawing its offer)', conv({ offer: offerTo(OTHER) }), sup, 'Spam', closed(SUP, 'Spam')],
    ['R8/R7: a conference guest does not close the holder\'s conversation (it leaves instead)', heldBy(OTHER, { participants: [person(ME)] }), me, 'Resolved', 'not_holder'],
    ['R8: another agent cannot close it', heldBy(OTHER), me, 'Resolved', 'not_holder'],
    ['R8: an agent cannot close a waiting conversation it does not hold', conv(), me, 'Resolved', 'not_holder'],
    ['R8: an empty reason is refused', heldBy(ME), me, '', 'wrap_up_required'],
    ['R8: a blank reason is refused', heldBy(ME), me, '  \t ', 'wrap_up_required'],
    ['R8: a supervisor needs a reason too', heldBy(OTHER), sup, '', 'wrap_up_required'],
    ['R8: who may close is checked before the reason', heldBy(OTHER), me, '', 'not_holder'],
    ['R8: a closed conversation is not closed again', heldBy(ME, { status: 'closed' }), me, 'Resolved', 'conversation_closed'],
    ['R8: not even by a supervisor', heldBy(ME, { status: 'closed' }), sup, 'Resolved', 'conversation_closed'],
  ])('%s', (_name, state, who, reason, expected) => {
    check(decideClose(state, who, reason), expected);
  });
});

describe('R8: decideVisitorEnd', () => {
  const ended: Expected = { events: [ev('ended_by_visitor', VISITOR_AUTHOR)], patch: { status: 'ended', offer: null, request: null } };
  const closedAtOnce: Expected = {
    events: [ev('ended_by_visitor', VISITOR_AUTHOR), ev('closed', SYSTEM, { reason: null })],
    patch: { status: 'closed', offer: null, request: null },
  };
  it.each<[string, ConversationState, VisitorActor, Expected]>([
    ['R8: with an agent holding it, it waits for the wrap-up (ended)', heldBy(ME), visitor(), ended],
    ['R8/R6: ending abandons a pending transfer', heldBy(ME, { request: request('transfer', { agent: OTHER }) }), visitor(), ended],
    ['R8: nobody held it: it closes at once', conv(), visitor(), closedAtOnce],
    ['R8/R4: a conversation with an offer out closes at once, withdrawing the offer', conv({ offer: offerTo(ME) }), visitor(), closedAtOnce],
    ['R8/R12: a conversation the bot holds closes at once', conv({ bot: true }), visitor(), closedAtOnce],
    ['R8/D11: another visitor\'s conversation does not exist for it', heldBy(ME), visitor('visitor-2'), 'conversation_not_found'],
    ['R8/D11: the same visitor id on another site', heldBy(ME), visitor(VISITOR, 'site-2'), 'conversation_not_found'],
    ['R8: an ended conversation is not ended again', heldBy(ME, { status: 'ended' }), visitor(), 'conversation_closed'],
    ['R8: a closed conversation is not ended', heldBy(ME, { status: 'closed' }), visitor(), 'conversation_closed'],
    ['R8/D11: another visitor\'s closed conversation is still not found', heldBy(ME, { status: 'closed' }), visitor('visitor-2'), 'conversation_not_found'],
  ])('%s', (_name, state, who, expected) => {
    check(decideVisitorEnd(state, who), expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Edits: priority, requester, labels, archive

/** Who may edit priority, requester and labels: the holder or a guest, a supervisor, or anyone while nobody holds it. */
const editors: Array<[string, boolean, ConversationState, AgentActor]> = [
  ['the holder', true, heldBy(ME), me],
  ['a conference guest', true, heldBy(OTHER, { participants: [person(ME)] }), me],
  ['a supervisor on another agent\'s conversation', true, heldBy(OTHER), sup],
  ['an admin on another agent\'s conversation', true, heldBy(OTHER), admin],
  ['an agent on a waiting conversation', true, conv(), me],
  ['another agent', false, heldBy(OTHER), me],
  // R10/R12: "anyone while nobody holds it" means a waiting conversation the agent may see, not one the bot
  // holds or one closed without an agent (the service authorizes these writes with mayKnow, wider than canView).
  ['(R12) an agent on a conversation the bot holds', false, conv({ bot: true }), me],
  ['(R10) an agent on a closed conversation nobody held', false, conv({ status: 'closed' }), me],
  ['(R12) a supervisor on a conversation the bot holds', true, conv({ bot: true }), sup],
];

describe('R2: decidePriority', () => {
  it.each(editors)('R2: %s changes the priority: %s', (_name, allowed, state, who) => {
    const expected: Expected = allowed
      ? { events: [ev('priority_changed', by(who.id), { from: 1, to: 3 })], patch: { priority: 3 } }
      : 'not_holder';
    check(decidePriority(state, who, 3), expected);
  });

  it.each<[string, number, number, Expected]>([
    ['R2: the same priority again changes nothing', 2, 2, noChange],
    ['R2: lowering to low', 2, 0, { events: [ev('priority_changed', by(ME), { from: 2, to: 0 })], patch: { priority: 0 } }],
    ['R2: raising to urgent', 0, 3, { events: [ev('priority_changed', by(ME), { from: 0, to: 3 })], patch: { priority: 3 } }],
  ])('%s', (_name, from, to, expected) => {
    check(decidePriority(heldBy(ME, { priority: from }), me, to), expected);
  });
});

describe('R11: decideRequester', () => {
  it.each(editors)('R11: %s edits the requester: %s', (_name, allowed, state, who) => {
    const expected: Expected = allowed
      ? { events: [ev('requester_edited', by(who.id), { name: 'Bia', email: 'bia@example.com' })], patch: { visitorName: 'Bia', requesterEmail: 'bia@example.com' } }
      : 'not_holder';
    check(decideRequester(state, who, 'Bia', 'bia@example.com'), expected);
  });

  it('R11: clearing name and e-mail', () => {
    check(decideRequester(heldBy(ME), me, null, null), {
      events: [ev('requester_edited', by(ME), { name: null, email: null })],
      patch: { visitorName: null, requesterEmail: null },
    });
  });
});

describe('R8: decideLabels', () => {
  it.each(editors)('R8: %s sets labels: %s', (_name, allowed, state, who) => {
    const expected: Expected = allowed
      ? { events: [ev('labels_changed', by(who.id), { labels: ['vip', 'refund'] })], patch: { labels: ['vip', 'refund'] } }
      : 'not_holder';
    check(decideLabels(state, who, ['vip', 'refund']), expected);
  });

  it('R8: clearing every label', () => {
    check(decideLabels(heldBy(ME, { labels: ['vip'] }), me, []), { events: [ev('labels_changed', by(ME), { labels: [] })], patch: { labels: [] } });
  });
});

describe('R8: decideArchive', () => {
  const archived: Expected = { events: [ev('archived', by(ME))], patch: { archived: true } };
  it.each<[string, ConversationState, AgentActor, boolean, Expected]>([
    ['R8: the agent who held a closed conversation archives it', heldBy(ME, { status: 'closed' }), me, true, archived],
    ['R8: and unarchives it', heldBy(ME, { status: 'closed', archived: true }), me, false, { events: [ev('unarchived', by(ME))], patch: { archived: false } }],
    ['R8: archiving an archived conversation changes nothing', heldBy(ME, { status: 'closed', archived: true }), me, true, noChange],
    ['R8: unarchiving one that is not archived changes nothing', heldBy(ME, { status: 'closed' }), me, false, noChange],
    ['R8/R10: a supervisor archives another agent\'s closed conversation', heldBy(OTHER, { status: 'closed' }), sup, true, { events: [ev('archived', by(SUP))], patch: { archived: true } }],
    ['R8/R10: a supervisor archives a closed conversation nobody held', conv({ status: 'closed' }), sup, true, { events: [ev('archived', by(SUP))], patch: { archived: true } }],
    ['R8: another agent cannot archive it', heldBy(OTHER, { status: 'closed' }), me, true, 'not_holder'],
    ['R8/R7: a former conference guest cannot archive it', heldBy(OTHER, { status: 'closed', participants: [person(ME)] }), me, true, 'not_holder'],
    ['R8: an agent cannot archive a closed conversation nobody held', conv({ status: 'closed' }), me, true, 'not_holder'],
    ['R8: an open conversation cannot be archived', heldBy(ME), me, true, 'not_closed'],
    ['R8: an ended conversation (not yet wrapped up) cannot be archived', heldBy(ME, { status: 'ended' }), me, true, 'not_closed'],
    ['R8: not even by a supervisor', heldBy(ME), sup, true, 'not_closed'],
  ])('%s', (_name, state, who, archive, expected) => {
    check(decideArchive(state, who, archive), expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// R12: bot hand-off

describe('R12: decideHandoff', () => {
  const handedOff = (queueId: string | null, queueName: string | null): Expected => ({
    events: [ev('bot_handoff', BOT, { queueId }), ev('queued', SYSTEM, { queueId, queueName })],
    patch: { bot: false, queueId, queuedAt: T },
  });
  it.each<[string, ConversationState, { id: string | null; name: string | null }, Expected]>([
    ['R12: the bot hands its conversation to a queue: handoff, then queued', conv({ bot: true, queueId: null }), { id: Q2, name: 'Billing' }, handedOff(Q2, 'Billing')],
    ['R12: the bot hands it to no queue (every agent)', conv({ bot: true }), { id: null, name: null }, handedOff(null, null)],
    ['R12: not when the bot does not hold it', conv(), { id: Q2, name: 'Billing' }, 'forbidden'],
    ['R12: not when an agent holds it', heldBy(ME), { id: Q2, name: 'Billing' }, 'forbidden'],
    ['R12: not once closed', conv({ bot: true, status: 'closed' }), { id: Q2, name: 'Billing' }, 'conversation_closed'],
  ])('%s', (_name, state, queue, expected) => {
    check(decideHandoff(state, bot, queue, T), expected);
  });
});

describe('R12: decideReturnToBot', () => {
  const returned = (id: string): Expected => ({
    events: [ev('returned_to_bot', by(id))],
    patch: { bot: true, assignedAgentId: null, assignedAgentName: null, participants: [], offer: null, request: null },
  });
  it.each<[string, ConversationState, AgentActor, Expected]>([
    ['R12: the holder returns it to the bot, which clears the assignment', heldBy(ME), me, returned(ME)],
    [
      'R12/R7: returning a conference to the bot drops the guests and the pending request',
      heldBy(ME, { participants: [person(GUEST)], request: request('transfer', { agent: OTHER }) }),
      me,
      returned(ME),
    ],
    ['R12/R10: a supervisor returns another agent\'s conversation to the bot', heldBy(OTHER), sup, returned(SUP)],
    ['R12/R10: a supervisor returns a waiting conversation to the bot', conv({ offer: offerTo(OTHER) }), sup, returned(SUP)],
    ['R12: another agent cannot', heldBy(OTHER), me, 'not_holder'],
    ['R12/R7: a conference guest cannot', heldBy(OTHER, { participants: [person(ME)] }), me, 'not_holder'],
    ['R12: an agent cannot return a waiting conversation', conv(), me, 'not_holder'],
    ['R12/R8: not once the visitor ended it', heldBy(ME, { status: 'ended' }), me, 'conversation_closed'],
    ['R12: not once closed', heldBy(ME, { status: 'closed' }), me, 'conversation_closed'],
    ['R12: a conversation the bot already holds is not returned again', conv({ bot: true }), sup, 'conflict'],
  ])('%s', (_name, state, who, expected) => {
    check(decideReturnToBot(state, who), expected);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Issue 15 (flow): decline, hand-off note, wrap-up after a transfer or a conference, named bot hand-off

describe('R6/R7 (issue 15): decideRequest with a hand-off note', () => {
  const target: RequestTarget = { agentId: OTHER, queueId: null, name: nameOf(OTHER) };
  const expiresAt = T + 60_000;
  it.each<[string, string | null, Partial<PendingRequest>]>([
    ['the note goes with the request, trimmed', '  VIP: quer reembolso ', { note: 'VIP: quer reembolso' }],
    ['no note: none on the request', null, {}],
    ['a blank note is no note', '   ', {}],
  ])('%s', (_name, note, more) => {
    const r = { ...request('transfer', { agent: OTHER }, { fromName: nameOf(ME), expiresAt }), ...more };
    check(decideRequest(heldBy(ME), me, 'transfer', target, expiresAt, note), { events: [ev('transfer_requested', by(ME), { ...r })], patch: { request: r } });
  });

  it('the accepted transfer carries the note and whose part ended', () => {
    const d = decideRequestAccept(heldBy(ME, { request: request('transfer', { agent: OTHER }, { note: 'VIP' }) }), other, true, T);
    expect(d.ok && d.events[0]?.data).toEqual({ fromAgentId: ME, toQueueId: null, previousAgentId: ME, note: 'VIP' });
  });
});

describe('R6/R7 (issue 15): decideRequestDecline', () => {
  const declined = (kind: 'transfer' | 'conference', who: string, to: { agent: string } | { queue: string }): Expected => {
    const r = request(kind, to);
    return {
      events: [ev(`${kind}_declined`, by(who), { fromAgentId: ME, toAgentId: r.toAgentId, toQueueId: r.toQueueId, toName: r.toName })],
      patch: { request: null },
    };
  };
  it.each<[string, ConversationState, AgentActor, boolean, number, Expected]>([
    ['R6: the named agent declines a transfer: it ends at once, the holder keeps it', heldBy(ME, { request: request('transfer', { agent: OTHER }) }), other, true, T, declined('transfer', OTHER, { agent: OTHER })],
    ['R7: the named agent declines an invitation', heldBy(ME, { request: request('conference', { agent: OTHER }) }), other, true, T, declined('conference', OTHER, { agent: OTHER })],
    ['R6: a member of the named queue declines: the request ends', heldBy(ME, { request: request('transfer', { queue: Q2 }) }), actor(GUEST, 'agent', [Q2]), true, T, declined('transfer', GUEST, { queue: Q2 })],
    ['an agent who is not the target may not decline it', heldBy(ME, { request: request('transfer', { agent: OTHER }) }), guest, false, T, 'request_not_found'],
    ['the holder does not decline its own request to its own queue', heldBy(ME, { request: request('transfer', { queue: Q1 }) }), me, true, T, 'request_not_found'],
    ['declining after the expiry is refused (it was abandoned)', heldBy(ME, { request: request('transfer', { agent: OTHER }) }), other, true, T + 60_000, 'request_not_found'],
    ['nothing was requested', heldBy(ME), other, true, T, 'request_not_found'],
    ['the visitor ended it meanwhile', heldBy(ME, { status: 'ended', request: request('transfer', { agent: OTHER }) }), other, true, T, 'request_not_found'],
  ])('%s', (_name, state, who, eligible, at, expected) => {
    check(decideRequestDecline(state, who, eligible, at), expected);
  });
});

describe('issue 15: noticeFor (what an agent is told of a workflow event)', () => {
  const e = (kind: string, author: NewEvent['author'], data?: EventData) => ({ kind, author, ...(data ? { data } : {}) });
  const n = (kind: WorkflowNotice['kind'], outcome: WorkflowNotice['outcome'], by: string | null, to: string | null, wrapUp: boolean): WorkflowNotice => ({ kind, outcome, by, to, wrapUp });
  it.each<[string, ReturnType<typeof e>, string, WorkflowNotice | null]>([
    ['the sender and holder hears its transfer was accepted, and owes a wrap-up', e('transfer_accepted', by(OTHER), { fromAgentId: ME, previousAgentId: ME }), ME, n('transfer', 'accepted', nameOf(OTHER), null, true)],
    ['a supervisor who sent the transfer hears it, owing nothing', e('transfer_accepted', by(OTHER), { fromAgentId: SUP, previousAgentId: ME }), SUP, n('transfer', 'accepted', nameOf(OTHER), null, false)],
    ['the holder a supervisor transferred away owes a wrap-up', e('transfer_accepted', by(OTHER), { fromAgentId: SUP, previousAgentId: ME }), ME, n('transfer', 'accepted', nameOf(OTHER), null, true)],
    ['the agent who accepted is told nothing', e('transfer_accepted', by(OTHER), { fromAgentId: ME, previousAgentId: ME }), OTHER, null],
    ['the sender hears the invitation was accepted', e('conference_joined', by(OTHER), { fromAgentId: ME }), ME, n('conference', 'accepted', nameOf(OTHER), null, false)],
    ['the sender hears who declined its transfer', e('transfer_declined', by(OTHER), { fromAgentId: ME, toName: 'Vendas' }), ME, n('transfer', 'declined', nameOf(OTHER), 'Vendas', false)],
    ['the sender hears who declined its invitation', e('conference_declined', by(OTHER), { fromAgentId: ME, toName: nameOf(OTHER) }), ME, n('conference', 'declined', nameOf(OTHER), nameOf(OTHER), false)],
    ['a third agent hears nothing of a decline', e('transfer_declined', by(OTHER), { fromAgentId: ME }), GUEST, null],
    ['the sender hears its transfer expired', e('transfer_abandoned', SYSTEM, { fromAgentId: ME, toName: 'Vendas' }), ME, n('transfer', 'expired', null, 'Vendas', false)],
    ['the sender hears its invitation expired', e('conference_abandoned', SYSTEM, { fromAgentId: ME, toName: 'Bruno' }), ME, n('conference', 'expired', null, 'Bruno', false)],
    ['an agent that left a conference owes a wrap-up', e('conference_left', by(GUEST)), GUEST, n('conference', 'left', null, null, true)],
    ['another agent hears nothing of someone leaving', e('conference_left', by(GUEST)), ME, null],
    ['a message is nothing', e('message', by(OTHER)), ME, null],
    ['an event with no data is nothing', e('transfer_declined', by(OTHER)), ME, null],
  ])('%s', (_name, event, agentId, expected) => {
    expect(noticeFor(event, agentId)).toEqual(expected);
  });
});

describe('R8 (issue 15): owedWrapUp and decideWrapUp', () => {
  const e = (seq: number, kind: string, author: NewEvent['author'], data?: EventData) => ({ seq, kind, author, ...(data ? { data } : {}) });
  it.each<[string, ReturnType<typeof e>[], string, OwedWrapUp | null]>([
    ['nothing handed over: nothing owed', [e(3, 'message', by(ME))], ME, null],
    ['a transfer it handed over is owed', [e(4, 'transfer_accepted', by(OTHER), { fromAgentId: ME, previousAgentId: ME })], ME, { after: 'transfer', seq: 4 }],
    ['the agent that received the transfer owes nothing', [e(4, 'transfer_accepted', by(OTHER), { fromAgentId: ME, previousAgentId: ME })], OTHER, null],
    ['leaving a conference is owed', [e(9, 'conference_left', by(GUEST))], GUEST, { after: 'conference', seq: 9 }],
    ['wrapped up since: nothing owed', [e(4, 'transfer_accepted', by(OTHER), { previousAgentId: ME }), e(5, 'wrapped_up', by(ME), { forSeq: 4 })], ME, null],
    [
      'a later part after a wrap-up is owed again',
      [e(4, 'transfer_accepted', by(OTHER), { previousAgentId: ME }), e(5, 'wrapped_up', by(ME)), e(12, 'conference_left', by(ME))],
      ME,
      { after: 'conference', seq: 12 },
    ],
    ['another agent\'s wrap-up does not settle it', [e(4, 'transfer_accepted', by(OTHER), { previousAgentId: ME }), e(5, 'wrapped_up', by(GUEST))], ME, { after: 'transfer', seq: 4 }],
  ])('%s', (_name, events, agentId, expected) => {
    expect(owedWrapUp(events, agentId)).toEqual(expected);
  });

  it.each<[string, string, OwedWrapUp | null, Expected]>([
    [
      'the reason is recorded for the part, once (its client id names the part)',
      'Resolvido',
      { after: 'transfer', seq: 4 },
      { events: [{ ...ev('wrapped_up', by(ME), { reason: 'Resolvido', after: 'transfer', forSeq: 4 }), clientId: `wrap-up:${ME}:4` }], patch: null },
    ],
    ['nothing owed: refused', 'Resolvido', null, 'nothing_to_wrap_up'],
    ['an empty reason: refused', ' ', { after: 'conference', seq: 9 }, 'wrap_up_required'],
  ])('%s', (_name, reason, owed, expected) => {
    check(decideWrapUp(me, reason, owed), expected);
  });
});

describe('R12 (issue 15): decideHandoffTo (a named agent)', () => {
  const queue = { id: Q1, name: 'Queue 1' };
  const handoff = ev('bot_handoff', BOT, { queueId: Q1, agentId: OTHER, agentName: nameOf(OTHER) });
  const queued = ev('queued', SYSTEM, { queueId: Q1, queueName: 'Queue 1' });
  const expires = T + 30_000;
  it.each<[string, ConversationState, boolean, Expected]>([
    [
      'an agent who can take it now is offered it first, in the queue as the fallback',
      conv({ bot: true }),
      true,
      {
        events: [handoff, queued, ev('offered', SYSTEM, { agentId: OTHER, agentName: nameOf(OTHER), expiresAt: expires })],
        patch: { bot: false, queueId: Q1, queuedAt: T, offer: { agentId: OTHER, agentName: nameOf(OTHER), expiresAt: expires } },
      },
    ],
    ['an agent who cannot take it now: it waits in the queue', conv({ bot: true }), false, { events: [handoff, queued], patch: { bot: false, queueId: Q1, queuedAt: T } }],
    ['the bot does not hold it: refused', conv(), true, 'forbidden'],
    ['closed: refused', conv({ bot: true, status: 'closed' }), true, 'conversation_closed'],
  ])('%s', (_name, state, available, expected) => {
    check(decideHandoffTo(state, bot, queue, { id: OTHER, name: nameOf(OTHER), available }, T, expires), expected);
  });
});

describe('R4 (issue 15): decideOfferDecline', () => {
  const expiry = T + 30_000;
  const declined: Expected = { events: [ev('offer_declined', by(ME), { agentId: ME, agentName: nameOf(ME) })], patch: { offer: null } };
  it.each<[string, ConversationState, AgentActor, number, Expected]>([
    ['the offered agent declines in time: the conversation waits again, no RONA', conv({ offer: offerTo(ME, expiry) }), me, T, declined],
    ['another agent may not decline it', conv({ offer: offerTo(ME, expiry) }), other, T, 'offer_not_found'],
    ['at the expiry it is the timer\'s (no_answer)', conv({ offer: offerTo(ME, expiry) }), me, expiry, 'offer_not_found'],
    ['nothing offered', conv(), me, T, 'offer_not_found'],
  ])('%s', (_name, state, who, at, expected) => {
    check(decideOfferDecline(state, who, at), expected);
  });
});
