import { describe, expect, it } from 'vitest';
import type { AgentRole, ConversationStatus } from '../../shared/protocol';
import {
  authorOf,
  canView,
  createdEvent,
  decideMessage,
  messageEvent,
  VISITOR_VISIBLE_KINDS,
  visibleToVisitor,
  type Actor,
  type ConversationState,
} from './conversation';

const SITE = 'site-1';
const OTHER_SITE = 'site-2';
const VISITOR = 'visitor-1';
const OTHER_VISITOR = 'visitor-2';
const ME = 'agent-me';
const OTHER_AGENT = 'agent-other';
const CLIENT_ID = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const TEXT = 'Olá, posso ajudar?';

function conversation(status: ConversationStatus, assignedAgentId: string | null): ConversationState {
  return { id: 'conv-1', siteId: SITE, visitorId: VISITOR, status, assignedAgentId, lastSeq: 7 };
}

const visitor = (visitorId = VISITOR, siteId = SITE): Actor => ({ kind: 'visitor', visitorId, siteId });
const agent = (role: AgentRole, id = ME): Actor => ({ kind: 'agent', id, name: `Name of ${id}`, role });

type Owner = 'unassigned' | 'me' | 'other';
const assignee = (owner: Owner): string | null => (owner === 'unassigned' ? null : owner === 'me' ? ME : OTHER_AGENT);

type Expected = { kinds: string[]; claims: boolean } | { code: string };

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
    // Nobody writes into a closed conversation.
    ['closed', 'unassigned', 'agent', { code: 'conversation_closed' }],
    ['closed', 'unassigned', 'supervisor', { code: 'conversation_closed' }],
    ['closed', 'unassigned', 'admin', { code: 'conversation_closed' }],
    ['closed', 'me', 'agent', { code: 'conversation_closed' }],
    ['closed', 'me', 'admin', { code: 'conversation_closed' }],
    ['closed', 'other', 'agent', { code: 'conversation_closed' }],
    ['closed', 'other', 'supervisor', { code: 'conversation_closed' }],
    ['closed', 'other', 'admin', { code: 'conversation_closed' }],
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
    expect(decision.patch).toEqual(expected.claims ? { assignedAgentId: ME, assignedAgentName: `Name of ${ME}` } : null);
    // The message is always last, by this agent, with the sender's client id (D3).
    const message = decision.events.at(-1)!;
    expect(message).toEqual({ kind: 'message', author: { kind: 'agent', id: ME, name: `Name of ${ME}` }, clientId: CLIENT_ID, text: TEXT });
  });

  it('C2: the claiming assigned event is by the agent and carries no client id or text', () => {
    const decision = decideMessage(conversation('open', null), agent('agent'), TEXT, CLIENT_ID);
    expect(decision.ok && decision.events[0]).toEqual({
      kind: 'assigned',
      author: { kind: 'agent', id: ME, name: `Name of ${ME}` },
      clientId: null,
      text: null,
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

describe('canView', () => {
  const conv = { siteId: SITE, visitorId: VISITOR };
  it.each<[string, boolean, Actor]>([
    ['C1: the visitor who owns it', true, visitor()],
    ['C1: another visitor on the same site', false, visitor(OTHER_VISITOR)],
    ['C1: the same visitor id on another site', false, visitor(VISITOR, OTHER_SITE)],
    ['C1: another visitor on another site', false, visitor(OTHER_VISITOR, OTHER_SITE)],
    ['an agent', true, agent('agent')],
    ['a supervisor', true, agent('supervisor')],
    ['an admin', true, agent('admin')],
    ['an agent who does not hold it', true, agent('agent', OTHER_AGENT)],
  ])('%s may view it: %s', (_name, expected, actor) => {
    expect(canView(actor, conv)).toBe(expected);
  });
});

describe('D11: visibleToVisitor', () => {
  it.each([
    ['created', true],
    ['message', true],
    ['assigned', true],
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

  it('D11: the visible kinds are exactly created, message and assigned', () => {
    expect([...VISITOR_VISIBLE_KINDS].sort()).toEqual(['assigned', 'created', 'message']);
  });
});

describe('event builders', () => {
  it('C3: createdEvent is by the visitor, without client id or text', () => {
    expect(createdEvent(VISITOR)).toEqual({ kind: 'created', author: { kind: 'visitor', id: VISITOR, name: null }, clientId: null, text: null });
  });

  it('messageEvent and authorOf name the actor', () => {
    expect(authorOf(visitor())).toEqual({ kind: 'visitor', id: VISITOR, name: null });
    expect(authorOf(agent('admin'))).toEqual({ kind: 'agent', id: ME, name: `Name of ${ME}` });
    expect(messageEvent(agent('agent'), 'oi', CLIENT_ID)).toEqual({
      kind: 'message',
      author: { kind: 'agent', id: ME, name: `Name of ${ME}` },
      clientId: CLIENT_ID,
      text: 'oi',
    });
  });
});
