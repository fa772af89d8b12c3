import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import { EVENT_KINDS, type AgentRole, type ConversationStatus, type EventKind } from '../../shared/protocol';
import { stateFixture } from '../../shared/test/summary';
import {
  assignedEvent,
  authorOf,
  canReadHistory,
  canView,
  createdEvent,
  decideMessage,
  givesWork,
  holds,
  mayKnow,
  isSupervisor,
  messageEvent,
  SYSTEM,
  VISITOR_VISIBLE_KINDS,
  visibleToVisitor,
  type Actor,
  type AgentActor,
  type ConversationState,
  type Entry,
  type NewEvent,
  type StatePatch,
  type VisitorActor,
} from './conversation';

const SITE = 'site-1';
const OTHER_SITE = 'site-2';
const VISITOR = 'visitor-1';
const OTHER_VISITOR = 'visitor-2';
const ME = 'agent-me';
const OTHER_AGENT = 'agent-other';
const GUEST = 'agent-guest';
/** The queue ME is a member of, and one it is not. */
const MY_QUEUE = 'queue-mine';
const OTHER_QUEUE = 'queue-other';
const CLIENT_ID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const TEXT = 'Olá, posso ajudar?';
const AT = 1_700_000_000_000;

const BASE: ConversationState = stateFixture({ id: 'conv-1', siteId: SITE, visitorId: VISITOR, lastSeq: 7, queuedAt: AT - 60_000 });

function conversation(status: ConversationStatus, assignedAgentId: string | null, more: Partial<ConversationState> = {}): ConversationState {
  return { ...BASE, status, assignedAgentId, ...more };
}

const visitor = (visitorId = VISITOR, siteId = SITE): VisitorActor => ({ kind: 'visitor', visitorId, siteId });
const agent = (role: AgentRole, id = ME, queueIds: string[] = [MY_QUEUE]): AgentActor => ({
  kind: 'agent',
  id,
  name: `Name of ${id}`,
  role,
  queueIds: new Set(queueIds),
});
const agentAuthor = (id = ME) => ({ kind: 'agent' as const, id, name: `Name of ${id}` });

type Owner = 'unassigned' | 'me' | 'other';
const assignee = (owner: Owner): string | null => (owner === 'unassigned' ? null : owner === 'me' ? ME : OTHER_AGENT);

type Expected = { kinds: EventKind[]; claims: boolean } | { code: ErrorCode };

const CLAIM_PATCH: StatePatch = { assignedAgentId: ME, assignedAgentName: `Name of ${ME}`, offer: null, bot: false };

describe('C1/C2: decideMessage for agents', () => {
  const table: Array<[ConversationStatus, Owner, AgentRole, Expected]> = [
    // C2: the first reply to an unassigned conversation claims it, whatever the role.
    ['open', 'unassigned', 'agent', { kinds: ['assigned', 'message'], claims: true }],
    ['open', 'unassigned', 'supervisor', { kinds: ['assigned', 'message'], claims: true }],
    ['open', 'unassigned', 'admin', { kinds: ['assigned', 'message'], claims: true }],
    // Writing into one's own conversation: just the message.
    ['open', 'me', 'agent', { kinds: ['message'], claims: false }],
    ['open', 'me', 'supervisor', { kinds: ['message'], claims: false }],
    ['open', 'me', 'admin', { kinds: ['message'], claims: false }],
    // C2: an agent may not write into another agent's conversation; supervisors and admins may, without taking it.
    ['open', 'other', 'agent', { code: 'conversation_taken' }],
    ['open', 'other', 'supervisor', { kinds: ['message'], claims: false }],
    ['open', 'other', 'admin', { kinds: ['message'], claims: false }],
    // Nobody writes a message into an ended or closed conversation (R8: the agent only wraps it up).
    ['ended', 'me', 'agent', { code: 'conversation_closed' }],
    ['ended', 'other', 'supervisor', { code: 'conversation_closed' }],
    ['closed', 'me', 'agent', { code: 'conversation_closed' }],
    ['closed', 'me', 'admin', { code: 'conversation_closed' }],
    ['closed', 'unassigned', 'supervisor', { code: 'conversation_closed' }],
    ['closed', 'unassigned', 'admin', { code: 'conversation_closed' }],
    ['closed', 'other', 'supervisor', { code: 'conversation_closed' }],
    ['closed', 'other', 'admin', { code: 'conversation_closed' }],
    // R10 (mayKnow): a conversation in no queue is every agent's to know of, so a closed one answers closed.
    ['closed', 'unassigned', 'agent', { code: 'conversation_closed' }],
    ['closed', 'other', 'agent', { code: 'conversation_closed' }],
  ];

  it.each(table)('C2: %s conversation held by %s, actor role %s', (status, owner, role, expected) => {
    const actor = agent(role);
    const decision = decideMessage(conversation(status, assignee(owner)), actor, TEXT, CLIENT_ID);
    if ('code' in expected) {
      expect(decision).toEqual({ ok: false, code: expected.code });
      return;
    }
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect(decision.events.map((e) => e.kind)).toEqual(expected.kinds);
    expect(decision.patch).toEqual(expected.claims ? CLAIM_PATCH : null);
    // The message is always last, by this agent, with the sender's client id (D3).
    expect(decision.events.at(-1)).toEqual({ kind: 'message', author: agentAuthor(), clientId: CLIENT_ID, text: TEXT });
  });

  it('C2: the claiming assigned event is by the agent, says it came by reply and carries no client id or text', () => {
    const decision = decideMessage(conversation('open', null), agent('agent'), TEXT, CLIENT_ID);
    expect(decision.ok && decision.events[0]).toEqual({
      kind: 'assigned',
      author: agentAuthor(),
      clientId: null,
      text: null,
      data: { via: 'reply' },
    });
  });

  type Case = [name: string, state: ConversationState, actor: AgentActor, expected: { events: NewEvent[]; patch: StatePatch | null } | { code: ErrorCode }];
  const message = (id = ME): NewEvent => ({ kind: 'message', author: agentAuthor(id), clientId: CLIENT_ID, text: TEXT });
  const claim = (id = ME): NewEvent => ({ kind: 'assigned', author: agentAuthor(id), clientId: null, text: null, data: { via: 'reply' } });
  const offer = (agentId: string) => ({ agentId, agentName: `Name of ${agentId}`, expiresAt: AT + 30_000 });
  const cases: Case[] = [
    [
      'C2: replying to a conversation waiting in its queue claims it',
      conversation('open', null, { queueId: MY_QUEUE }),
      agent('agent'),
      { events: [claim(), message()], patch: CLAIM_PATCH },
    ],
    [
      'C2/R4: replying to a conversation offered to another agent claims it and withdraws the offer',
      conversation('open', null, { queueId: MY_QUEUE, offer: offer(OTHER_AGENT) }),
      agent('agent'),
      { events: [claim(), message()], patch: CLAIM_PATCH },
    ],
    [
      'C2/R4: replying to a conversation offered to oneself claims it and clears the offer',
      conversation('open', null, { queueId: OTHER_QUEUE, offer: offer(ME) }),
      agent('agent'),
      { events: [claim(), message()], patch: CLAIM_PATCH },
    ],
    [
      'R10: an agent cannot reply to a conversation waiting in a queue it is not in',
      conversation('open', null, { queueId: OTHER_QUEUE }),
      agent('agent'),
      { code: 'conversation_not_found' },
    ],
    [
      'R12: an agent cannot reply to a conversation the bot holds',
      conversation('open', null, { bot: true }),
      agent('agent'),
      { code: 'forbidden' },
    ],
    [
      'R12/R10: an agent cannot reply to a conversation the bot holds in a queue it is not in: not found',
      conversation('open', null, { bot: true, queueId: OTHER_QUEUE }),
      agent('agent'),
      { code: 'conversation_not_found' },
    ],
    [
      'R10: an agent may not reply to another agent\'s closed conversation in a queue it is not in: not found',
      conversation('closed', OTHER_AGENT, { queueId: OTHER_QUEUE }),
      agent('agent'),
      { code: 'conversation_not_found' },
    ],
    [
      'R12: a supervisor replying to a conversation the bot holds claims it and takes it from the bot',
      conversation('open', null, { bot: true }),
      agent('supervisor'),
      { events: [claim(), message()], patch: CLAIM_PATCH },
    ],
    [
      'R7: a conference guest writes into the conversation without claiming it',
      conversation('open', OTHER_AGENT, { participants: [{ id: ME, name: `Name of ${ME}` }] }),
      agent('agent'),
      { events: [message()], patch: null },
    ],
    [
      'R6: the target of a pending transfer may not write before accepting it',
      conversation('open', OTHER_AGENT, {
        request: { kind: 'transfer', fromAgentId: OTHER_AGENT, toAgentId: ME, toQueueId: null, toName: `Name of ${ME}`, expiresAt: AT },
      }),
      agent('agent'),
      { code: 'conversation_taken' },
    ],
    [
      'R10: an agent replying to another agent\'s conversation in a queue it is not in: not found',
      conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE }),
      agent('agent'),
      { code: 'conversation_not_found' },
    ],
    // SPEC C2/C4: two agents race to reply to a conversation both see under New; the loser's reply is
    // decided on the committed state (the winner holds it) and must be refused with conversation_taken.
    [
      'C4: the agent who loses a reply race for a conversation in its queue is refused with conversation_taken',
      conversation('open', OTHER_AGENT, { queueId: MY_QUEUE }),
      agent('agent'),
      { code: 'conversation_taken' },
    ],
  ];

  it.each(cases)('%s', (_name, state, actor, expected) => {
    const decision = decideMessage(state, actor, TEXT, CLIENT_ID);
    if ('code' in expected) expect(decision).toEqual({ ok: false, code: expected.code });
    else expect(decision).toEqual({ ok: true, ...expected });
  });
});

describe('R9: private notes', () => {
  type Case = [name: string, state: ConversationState, actor: Actor, expected: 'note' | ErrorCode];
  const guest = { participants: [{ id: ME, name: `Name of ${ME}` }] };
  const cases: Case[] = [
    ['R9: the holder writes a note', conversation('open', ME), agent('agent'), 'note'],
    ['R9: a note on an unassigned conversation in its queue is not a claim', conversation('open', null, { queueId: MY_QUEUE }), agent('agent'), 'note'],
    ['R9: a note on a conversation in no queue is not a claim', conversation('open', null), agent('agent'), 'note'],
    ['R9: a conference guest writes a note', conversation('open', OTHER_AGENT, guest), agent('agent'), 'note'],
    ['R9: a supervisor writes a note into another agent\'s conversation', conversation('open', OTHER_AGENT), agent('supervisor'), 'note'],
    ['R9: an admin writes a note into another agent\'s conversation', conversation('open', OTHER_AGENT), agent('admin'), 'note'],
    ['R9: a supervisor writes a note into a conversation the bot holds, without claiming it', conversation('open', null, { bot: true }), agent('supervisor'), 'note'],
    ['R9: the holder writes a note after the visitor ended the chat', conversation('ended', ME), agent('agent'), 'note'],
    ['R9: the holder writes a note on its closed conversation', conversation('closed', ME), agent('agent'), 'note'],
    ['R9: a supervisor writes a note on a closed conversation', conversation('closed', OTHER_AGENT), agent('supervisor'), 'note'],
    ['R9: a former guest may not write a note on a closed conversation', conversation('closed', OTHER_AGENT, guest), agent('agent'), 'conversation_closed'],
    // R9/R10/C2: a note is written into a conversation the agent works on; an agent who may only know that
    // another agent's (or the bot's) conversation exists hears the same refusal as for a message.
    ['R9/C2: an agent may not write a note into another agent\'s conversation in no queue', conversation('open', OTHER_AGENT), agent('agent'), 'conversation_taken'],
    ['R9/C2: an agent may not write a note into another agent\'s conversation in its queue', conversation('open', OTHER_AGENT, { queueId: MY_QUEUE }), agent('agent'), 'conversation_taken'],
    ['R9/R10: an agent may not write a note into another agent\'s conversation in a queue it is not in', conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE }), agent('agent'), 'conversation_not_found'],
    ['R9/R12: an agent may not write a note into a conversation the bot holds', conversation('open', null, { bot: true }), agent('agent'), 'forbidden'],
    ['R9: an agent may not write a note into another agent\'s closed conversation', conversation('closed', OTHER_AGENT), agent('agent'), 'conversation_closed'],
    ['R9/R8: an agent may not write a note into another agent\'s ended conversation', conversation('ended', OTHER_AGENT), agent('agent'), 'conversation_closed'],
    ['R9: a visitor may not write a note', conversation('open', ME), visitor(), 'forbidden'],
    ['R9: a visitor asking for a note on a closed conversation hears it is closed', conversation('closed', ME), visitor(), 'conversation_closed'],
  ];

  it.each(cases)('%s', (_name, state, actor, expected) => {
    const decision = decideMessage(state, actor, TEXT, CLIENT_ID, { note: true });
    if (expected !== 'note') {
      expect(decision).toEqual({ ok: false, code: expected });
      return;
    }
    // A note changes nothing else: no claim, no patch, only the note event.
    expect(decision).toEqual({
      ok: true,
      events: [{ kind: 'note', author: authorOf(actor), clientId: CLIENT_ID, text: TEXT }],
      patch: null,
    });
  });
});

describe('C1: decideMessage for visitors', () => {
  type Ownership = 'own' | 'other visitor' | 'own id on another site';
  const actorFor = (o: Ownership): Actor =>
    o === 'own' ? visitor() : o === 'other visitor' ? visitor(OTHER_VISITOR) : visitor(VISITOR, OTHER_SITE);

  const table: Array<[ConversationStatus, Owner, Ownership, Expected]> = [
    ['open', 'unassigned', 'own', { kinds: ['message'], claims: false }],
    ['open', 'me', 'own', { kinds: ['message'], claims: false }],
    ['open', 'other', 'own', { kinds: ['message'], claims: false }],
    ['ended', 'me', 'own', { code: 'conversation_closed' }],
    ['closed', 'unassigned', 'own', { code: 'conversation_closed' }],
    ['closed', 'me', 'own', { code: 'conversation_closed' }],
    // D11: someone else's conversation does not exist for this visitor, open or closed.
    ['open', 'unassigned', 'other visitor', { code: 'conversation_not_found' }],
    ['open', 'me', 'other visitor', { code: 'conversation_not_found' }],
    ['closed', 'unassigned', 'other visitor', { code: 'conversation_not_found' }],
    ['open', 'unassigned', 'own id on another site', { code: 'conversation_not_found' }],
    ['closed', 'me', 'own id on another site', { code: 'conversation_not_found' }],
  ];

  it.each(table)('C1: %s conversation held by %s, written by %s', (status, owner, ownership, expected) => {
    const decision = decideMessage(conversation(status, assignee(owner)), actorFor(ownership), TEXT, CLIENT_ID);
    if ('code' in expected) {
      expect(decision).toEqual({ ok: false, code: expected.code });
      return;
    }
    expect(decision).toEqual({
      ok: true,
      events: [{ kind: 'message', author: { kind: 'visitor', id: VISITOR, name: null }, clientId: CLIENT_ID, text: TEXT }],
      patch: null,
    });
  });

  it('C1: a visitor never claims or assigns (no patch, no assigned event)', () => {
    const decision = decideMessage(conversation('open', null), visitor(), TEXT, CLIENT_ID);
    expect(decision.ok && decision.events.some((e) => e.kind === 'assigned')).toBe(false);
    expect(decision.ok && decision.patch).toBeNull();
  });
});

describe('R3/R12: a new conversation enters the bot or a queue with the visitor\'s first message', () => {
  const visitorMessage: NewEvent = { kind: 'message', author: { kind: 'visitor', id: VISITOR, name: null }, clientId: CLIENT_ID, text: TEXT };
  const queued = (queueId: string | null, queueName: string | null): NewEvent => ({
    kind: 'queued',
    author: SYSTEM,
    clientId: null,
    text: null,
    data: { queueId, queueName },
  });
  type Case = [name: string, lastSeq: number, entry: Entry | undefined, events: NewEvent[], patch: StatePatch | null];
  const cases: Case[] = [
    ['R3: into the named queue: queued, then the message', 0, { bot: false, queueId: MY_QUEUE, queueName: 'Sales' }, [queued(MY_QUEUE, 'Sales'), visitorMessage], { queueId: MY_QUEUE, queuedAt: AT }],
    ['R3: into no queue (every agent\'s): queued, then the message', 0, { bot: false, queueId: null, queueName: null }, [queued(null, null), visitorMessage], { queueId: null, queuedAt: AT }],
    ['R12: into the site\'s bot: the message only, and the bot holds it', 0, { bot: true }, [visitorMessage], { bot: true }],
    ['R3: a later message of a conversation does not enter again', 7, { bot: false, queueId: MY_QUEUE, queueName: 'Sales' }, [visitorMessage], null],
    ['R12: a later message does not hand the conversation to the bot again', 3, { bot: true }, [visitorMessage], null],
    ['R3: without an entry, a new conversation\'s first message is just the message', 0, undefined, [visitorMessage], null],
  ];

  it.each(cases)('%s', (_name, lastSeq, entry, events, patch) => {
    const decision = decideMessage(conversation('open', null, { lastSeq, queuedAt: null }), visitor(), TEXT, CLIENT_ID, {
      ...(entry ? { entry } : {}),
      at: AT,
    });
    expect(decision).toEqual({ ok: true, events, patch });
  });

  it('C3: with created first (the service adds it), a new conversation logs created, queued, message in that order', () => {
    const decision = decideMessage(conversation('open', null, { lastSeq: 0 }), visitor(), TEXT, CLIENT_ID, {
      entry: { bot: false, queueId: MY_QUEUE, queueName: 'Sales' },
      at: AT,
    });
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect([createdEvent(VISITOR), ...decision.events].map((e) => e.kind)).toEqual(['created', 'queued', 'message']);
  });

  it.each<[string, ConversationStatus, Actor, ErrorCode]>([
    ['C1: a new conversation that is closed refuses the message before entering anywhere', 'closed', visitor(), 'conversation_closed'],
    ['C1: another visitor cannot enter someone else\'s new conversation', 'open', visitor(OTHER_VISITOR), 'conversation_not_found'],
  ])('%s', (_name, status, actor, code) => {
    const decision = decideMessage(conversation(status, null, { lastSeq: 0 }), actor, TEXT, CLIENT_ID, {
      entry: { bot: false, queueId: MY_QUEUE, queueName: 'Sales' },
      at: AT,
    });
    expect(decision).toEqual({ ok: false, code });
  });
});

describe('R10: canView', () => {
  const request = (toAgentId: string | null, toQueueId: string | null) => ({
    kind: 'transfer' as const,
    fromAgentId: OTHER_AGENT,
    toAgentId,
    toQueueId,
    toName: 'target',
    expiresAt: AT,
  });
  const offer = (agentId: string) => ({ agentId, agentName: `Name of ${agentId}`, expiresAt: AT });
  const guestOf = (id: string) => ({ participants: [{ id, name: `Name of ${id}` }] });

  /** [name, conversation, what a role-agent member of MY_QUEUE sees]. Supervisors and admins see every one. */
  const table: Array<[string, ConversationState, boolean]> = [
    ['its own open conversation', conversation('open', ME, { queueId: OTHER_QUEUE }), true],
    ['its own ended conversation', conversation('ended', ME), true],
    ['its own closed conversation (one it held)', conversation('closed', ME, { queueId: OTHER_QUEUE }), true],
    ['a conversation it is a conference guest in', conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE, ...guestOf(ME) }), true],
    ['a conversation offered to it, in a queue it is not in', conversation('open', null, { queueId: OTHER_QUEUE, offer: offer(ME) }), true],
    ['a conversation offered to another agent, in its queue', conversation('open', null, { queueId: MY_QUEUE, offer: offer(OTHER_AGENT) }), true],
    ['a conversation offered to another agent, in a queue it is not in', conversation('open', null, { queueId: OTHER_QUEUE, offer: offer(OTHER_AGENT) }), false],
    ['another agent\'s conversation transferred to it by name', conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE, request: request(ME, null) }), true],
    ['another agent\'s conversation transferred to its queue', conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE, request: request(null, MY_QUEUE) }), true],
    ['another agent\'s conversation transferred to a queue it is not in', conversation('open', OTHER_AGENT, { queueId: MY_QUEUE, request: request(null, OTHER_QUEUE) }), false],
    ['another agent\'s conversation transferred to a third agent', conversation('open', OTHER_AGENT, { request: request(GUEST, null) }), false],
    ['an unassigned open conversation in its queue', conversation('open', null, { queueId: MY_QUEUE }), true],
    ['an unassigned open conversation in no queue', conversation('open', null, { queueId: null }), true],
    ['an unassigned open conversation in a queue it is not in', conversation('open', null, { queueId: OTHER_QUEUE }), false],
    ['a conversation the bot holds, in no queue', conversation('open', null, { bot: true }), false],
    ['a conversation the bot holds, in its queue', conversation('open', null, { bot: true, queueId: MY_QUEUE }), false],
    ['an unassigned closed conversation in its queue', conversation('closed', null, { queueId: MY_QUEUE }), false],
    ['an unassigned ended conversation in no queue', conversation('ended', null), false],
    ['another agent\'s open conversation in its queue', conversation('open', OTHER_AGENT, { queueId: MY_QUEUE }), false],
    ['another agent\'s open conversation in no queue', conversation('open', OTHER_AGENT), false],
    ['another agent\'s closed conversation', conversation('closed', OTHER_AGENT, { queueId: MY_QUEUE }), false],
    ['another agent\'s conference with a third agent as guest', conversation('open', OTHER_AGENT, guestOf(GUEST)), false],
  ];

  it.each(table)('R10: an agent viewing %s: %s', (_name, state, expected) => {
    expect(canView(agent('agent'), state)).toBe(expected);
  });

  it.each(table)('R10: an agent in no queue viewing %s', (_name, state) => {
    // Without queues, only what names the agent itself and what is in no queue stays visible.
    const named =
      state.assignedAgentId === ME ||
      state.participants.some((p) => p.id === ME) ||
      state.offer?.agentId === ME ||
      state.request?.toAgentId === ME ||
      (state.assignedAgentId === null && state.status === 'open' && !state.bot && state.queueId === null);
    expect(canView(agent('agent', ME, []), state)).toBe(named);
  });

  describe.each<AgentRole>(['supervisor', 'admin'])('R10: a %s', (role) => {
    it.each(table)('R10: sees %s', (_name, state) => {
      expect(canView(agent(role, ME, []), state)).toBe(true);
    });
  });

  it.each<[string, boolean, VisitorActor]>([
    ['C1: the visitor who owns it', true, visitor()],
    ['C1: another visitor on the same site', false, visitor(OTHER_VISITOR)],
    ['C1: the same visitor id on another site', false, visitor(VISITOR, OTHER_SITE)],
    ['C1: another visitor on another site', false, visitor(OTHER_VISITOR, OTHER_SITE)],
  ])('%s may view it: %s', (_name, expected, actor) => {
    for (const [, state] of table) expect(canView(actor, state)).toBe(expected);
    // A bare summary with only site and visitor is enough to decide for visitors.
    expect(canView(actor, { siteId: SITE, visitorId: VISITOR })).toBe(expected);
  });
});

describe('C2/R10: mayKnow (may hear that a conversation exists)', () => {
  it.each<[string, ConversationState, Actor, boolean]>([
    ['C2: an agent knows of another agent\'s conversation in its queue (it may have lost a race for it)', conversation('open', OTHER_AGENT, { queueId: MY_QUEUE }), agent('agent'), true],
    ['C2: an agent knows of another agent\'s conversation in no queue', conversation('open', OTHER_AGENT), agent('agent'), true],
    ['R10: an agent does not know of another agent\'s conversation in a queue it is not in', conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE }), agent('agent'), false],
    ['R10: an agent knows of what it may view, whatever the queue', conversation('open', ME, { queueId: OTHER_QUEUE }), agent('agent'), true],
    ['R10: a supervisor knows of every conversation', conversation('closed', OTHER_AGENT, { queueId: OTHER_QUEUE }), agent('supervisor', ME, []), true],
    ['C1: a visitor knows of its own conversation', conversation('open', OTHER_AGENT), visitor(), true],
    ['C1/D11: a visitor never knows of another visitor\'s conversation, even in no queue', conversation('open', null), visitor(OTHER_VISITOR), false],
    ['C1/D11: a visitor never knows of its id\'s conversation on another site', conversation('open', null), visitor(VISITOR, OTHER_SITE), false],
  ])('%s', (_name, state, actor, expected) => {
    expect(mayKnow(actor, state)).toBe(expected);
  });
});

describe('R10/R7: isSupervisor and holds', () => {
  it.each<[AgentRole, boolean]>([
    ['agent', false],
    ['supervisor', true],
    ['admin', true],
  ])('R10: role %s supervises: %s', (role, expected) => {
    expect(isSupervisor(agent(role))).toBe(expected);
  });

  it('R10: a visitor never supervises', () => {
    expect(isSupervisor(visitor())).toBe(false);
  });

  it.each<[string, ConversationState, boolean]>([
    ['R7: the assigned agent holds it', conversation('open', ME), true],
    ['R7: a conference guest holds it', conversation('open', OTHER_AGENT, { participants: [{ id: ME, name: 'Me' }] }), true],
    ['R7: another agent\'s conversation is not held', conversation('open', OTHER_AGENT), false],
    ['R7: an unassigned conversation is held by nobody', conversation('open', null), false],
    ['R7: an offer is not holding', conversation('open', null, { offer: { agentId: ME, agentName: 'Me', expiresAt: AT } }), false],
  ])('%s', (_name, state, expected) => {
    expect(holds(agent('agent'), state)).toBe(expected);
  });
});

describe('D11: visibleToVisitor', () => {
  const visible: ReadonlySet<EventKind> = new Set<EventKind>([
    'created',
    'message',
    'assigned',
    'conference_joined',
    'conference_left',
    'ended_by_visitor',
    'closed',
    'returned_to_bot',
    // T2, T5: the visitor learns its ticket's number and sees its own rating.
    'ticket_created',
    'rated',
    // Issue 15: the address the visitor itself gave for its ticket.
    'ticket_email',
    // R8b: the visitor's chat is open again.
    'reopened',
  ]);

  it.each(EVENT_KINDS.map((kind) => [kind, visible.has(kind)] as const))('D11/R9: event kind %s is visible to a visitor: %s', (kind, expected) => {
    expect(visibleToVisitor(kind)).toBe(expected);
  });

  it.each([
    ['note', false],
    ['transfer', false],
    ['internal', false],
    ['', false],
    ['Message', false],
    ['message ', false],
    ['toString', false],
    ['__proto__', false],
  ])('D11: kind %j is visible to a visitor: %s', (kind, expected) => {
    expect(visibleToVisitor(kind)).toBe(expected);
  });

  it('D11: the visible kinds list matches visibleToVisitor and holds no private kind', () => {
    expect([...VISITOR_VISIBLE_KINDS].sort()).toEqual([...visible].sort());
    for (const kind of ['note', 'offered', 'no_answer', 'transfer_requested', 'conference_requested', 'labels_changed'] as const) {
      expect(VISITOR_VISIBLE_KINDS).not.toContain(kind);
    }
  });
});

describe('event builders', () => {
  it('C3: createdEvent is by the visitor, without client id or text', () => {
    expect(createdEvent(VISITOR)).toEqual({ kind: 'created', author: { kind: 'visitor', id: VISITOR, name: null }, clientId: null, text: null });
  });

  it.each<[string, Parameters<typeof authorOf>[0], ReturnType<typeof authorOf>]>([
    ['a visitor', visitor(), { kind: 'visitor', id: VISITOR, name: null }],
    ['an agent', agent('agent'), agentAuthor()],
    ['an admin', agent('admin'), agentAuthor()],
    ['R12: the bot', { kind: 'bot', siteId: SITE }, { kind: 'bot', id: null, name: null }],
  ])('authorOf names %s', (_name, actor, expected) => {
    expect(authorOf(actor)).toEqual(expected);
  });

  it('messageEvent names the actor; the bot writes without a client id', () => {
    expect(messageEvent(agent('agent'), 'oi', CLIENT_ID)).toEqual({ kind: 'message', author: agentAuthor(), clientId: CLIENT_ID, text: 'oi' });
    expect(messageEvent({ kind: 'bot', siteId: SITE }, 'oi', null)).toEqual({
      kind: 'message',
      author: { kind: 'bot', id: null, name: null },
      clientId: null,
      text: 'oi',
    });
  });

  it('assignedEvent is by the new holder and says how it came', () => {
    expect(assignedEvent({ id: ME, name: 'Me' }, 'sticky')).toEqual({
      kind: 'assigned',
      author: { kind: 'agent', id: ME, name: 'Me' },
      clientId: null,
      text: null,
      data: { via: 'sticky' },
    });
  });
});

describe('R1/C2: givesWork', () => {
  const ok = (patch: StatePatch | null) => ({ ok: true as const, events: [], patch });
  const guest = { id: GUEST, name: `Name of ${GUEST}` };
  const me = { id: ME, name: `Name of ${ME}` };
  it.each<[string, ConversationState, Parameters<typeof givesWork>[0], boolean]>([
    ['a first reply (assigned to it)', conversation('open', null), decideMessage(conversation('open', null), agent('agent'), TEXT, CLIENT_ID), true],
    ['a reply into its own conversation', conversation('open', ME), decideMessage(conversation('open', ME), agent('agent'), TEXT, CLIENT_ID), false],
    ['a note', conversation('open', null), decideMessage(conversation('open', null), agent('agent'), TEXT, CLIENT_ID, { note: true }), false],
    ['a refusal', conversation('open', OTHER_AGENT), decideMessage(conversation('open', OTHER_AGENT), agent('agent'), TEXT, CLIENT_ID), false],
    ['a takeover from another agent', conversation('open', OTHER_AGENT), ok({ assignedAgentId: ME }), true],
    ['joining as a conference guest', conversation('open', OTHER_AGENT), ok({ participants: [me] }), true],
    ['a guest becoming the holder (transfer)', conversation('open', OTHER_AGENT, { participants: [me] }), ok({ assignedAgentId: ME, participants: [] }), true],
    ['another guest joining', conversation('open', ME), ok({ participants: [guest] }), false],
    ['the conversation going to another agent', conversation('open', null), ok({ assignedAgentId: OTHER_AGENT }), false],
    ['a change of priority', conversation('open', null), ok({ priority: 3 }), false],
  ])('R1: %s gives the agent new work: %s', (_name, before, decision, expected) => {
    expect(givesWork(decision, before, ME)).toBe(expected);
  });
});

describe('R10 history: canReadHistory (read, never write)', () => {
  const mineOpen = conversation('open', ME, { id: 'now' });
  const pastOther = conversation('closed', OTHER_AGENT, { id: 'past', queueId: OTHER_QUEUE });
  it.each<[string, ConversationState, ConversationState[], AgentActor, boolean]>([
    ['what it may see anyway', mineOpen, [], agent('agent'), true],
    ["another agent's closed conversation with a visitor it is talking to", pastOther, [mineOpen, pastOther], agent('agent'), true],
    ["another agent's closed conversation with a visitor whose closed chat it held", pastOther, [conversation('closed', ME, { id: 'mine-before' }), pastOther], agent('agent'), true],
    ["another agent's closed conversation with a visitor it has nothing with", pastOther, [pastOther], agent('agent'), false],
    ["another agent's open conversation of that visitor (not history)", conversation('open', OTHER_AGENT, { queueId: OTHER_QUEUE }), [mineOpen], agent('agent'), false],
    ["another agent's ended conversation of that visitor (still being wrapped up)", conversation('ended', OTHER_AGENT), [mineOpen], agent('agent'), false],
    ['a closed conversation of another visitor', pastOther, [conversation('open', ME, { visitorId: OTHER_VISITOR })], agent('agent'), false],
    ['the same visitor id on another site', pastOther, [conversation('open', ME, { siteId: OTHER_SITE })], agent('agent'), false],
    ['a supervisor: everything', pastOther, [], agent('supervisor'), true],
  ])('%s', (_name, target, sameVisitor, actor, expected) => {
    expect(canReadHistory(actor, target, sameVisitor)).toBe(expected);
  });

  it('a visitor reads only its own (C1), history or not', () => {
    expect(canReadHistory(visitor(OTHER_VISITOR), pastOther, [pastOther])).toBe(false);
  });
});
