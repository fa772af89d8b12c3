/** SPEC R8a (resolve: close and archive in one write) and R8b (reopen), as table tests of the pure rules. */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors';
import type { AgentRole, EventData, EventKind, Participant } from '../../shared/protocol';
import { stateFixture } from '../../shared/test/summary';
import type { AgentActor, ConversationState, Decision, NewEvent, StatePatch } from './conversation';
import { decideReopen, decideResolve } from './workflow';

const ME = 'agent-me';
const OTHER = 'agent-other';
const actor = (id: string, role: AgentRole = 'agent'): AgentActor => ({ kind: 'agent', id, name: `Name of ${id}`, role, queueIds: new Set(['queue-1']) });
const me = actor(ME);
const sup = actor('agent-sup', 'supervisor');
const admin = actor('agent-admin', 'admin');
const by = (a: AgentActor) => ({ kind: 'agent' as const, id: a.id, name: a.name });
const person = (id: string): Participant => ({ id, name: `Name of ${id}` });
const ev = (kind: EventKind, author: NewEvent['author'], data?: EventData): NewEvent => ({ kind, author, clientId: null, text: null, ...(data ? { data } : {}) });

const BASE: ConversationState = stateFixture({ id: 'conv-1', siteId: 'site-1', visitorId: 'visitor-1', lastSeq: 5, queueId: 'queue-1' });
const heldBy = (id: string | null, more: Partial<ConversationState> = {}): ConversationState => ({ ...BASE, assignedAgentId: id, ...more });

type Expected = ErrorCode | { events: NewEvent[]; patch: StatePatch | null };
function check(decision: Decision, expected: Expected): void {
  if (typeof expected === 'string') expect(decision).toEqual({ ok: false, code: expected });
  else expect(decision).toEqual({ ok: true, ...expected });
}

describe('R8a: decideResolve', () => {
  const resolved = (who: AgentActor): Expected => ({
    events: [ev('closed', by(who), { reason: 'Resolvido' }), ev('archived', by(who))],
    patch: { status: 'closed', offer: null, request: null, wrapUpReason: 'Resolvido', archived: true },
  });
  it.each<[string, ConversationState, AgentActor, string | null, Expected]>([
    ['R8a: the holder resolves an open conversation: closed and archived in one decision', heldBy(ME), me, 'Resolvido', resolved(me)],
    ['R8a: one the visitor ended (waiting for the wrap-up) too', heldBy(ME, { status: 'ended' }), me, 'Resolvido', resolved(me)],
    ['R8a/R10: a supervisor resolves another agent\'s conversation', heldBy(OTHER), sup, 'Resolvido', resolved(sup)],
    ['R8a/R8: an open one needs a wrap-up reason', heldBy(ME), me, null, 'wrap_up_required'],
    ['R8a/R8: a blank reason is none', heldBy(ME), me, '  ', 'wrap_up_required'],
    ['R8a: a closed one is only archived (it has its reason already)', heldBy(ME, { status: 'closed' }), me, null, { events: [ev('archived', by(me))], patch: { archived: true } }],
    ['R8a: an archived one is refused', heldBy(ME, { status: 'closed', archived: true }), me, 'Resolvido', 'conflict'],
    ['R8a: another agent may not resolve it', heldBy(OTHER), me, 'Resolvido', 'not_holder'],
    ['R8a/R7: nor may a conference guest', heldBy(OTHER, { participants: [person(ME)] }), me, 'Resolvido', 'not_holder'],
    ['R8a: nor an agent a waiting one nobody holds', heldBy(null), me, 'Resolvido', 'not_holder'],
  ])('%s', (_name, state, who, reason, expected) => {
    check(decideResolve(state, who, reason), expected);
  });
});

describe('R8b: decideReopen', () => {
  const reopened = (who: AgentActor, from: string | null): Expected => ({
    events: [ev('reopened', by(who), { fromAgentId: from })],
    patch: { status: 'open', archived: false, wrapUpReason: null, bot: false, assignedAgentId: who.id, assignedAgentName: who.name, participants: [], offer: null, request: null },
  });
  const closed = { status: 'closed' as const, wrapUpReason: 'Resolvido' };
  it.each<[string, ConversationState, AgentActor, boolean, Expected]>([
    ['R8b: the agent who held an archived conversation reopens it, and holds it', heldBy(ME, { ...closed, archived: true }), me, false, reopened(me, ME)],
    ['R8b: a closed one not archived too', heldBy(ME, closed), me, false, reopened(me, ME)],
    ['R8b: a supervisor reopens another agent\'s, and holds it', heldBy(OTHER, { ...closed, archived: true }), sup, false, reopened(sup, OTHER)],
    ['R8b: an admin reopens one nobody held', heldBy(null, closed), admin, false, reopened(admin, null)],
    ['R8b: its former guests are not brought back', heldBy(ME, { ...closed, participants: [person(OTHER)] }), me, false, reopened(me, ME)],
    ['R8b/C3: refused while the visitor has another open conversation', heldBy(ME, { ...closed, archived: true }), me, true, 'visitor_has_open_conversation'],
    ['R8b/C3: for a supervisor too', heldBy(OTHER, closed), sup, true, 'visitor_has_open_conversation'],
    ['R8b: another agent may not reopen it', heldBy(OTHER, closed), me, false, 'not_holder'],
    ['R8b: nor an agent one nobody held', heldBy(null, closed), me, false, 'not_holder'],
    ['R8b: an open one is not reopened', heldBy(ME), me, false, 'not_closed'],
    ['R8b: nor one waiting for its wrap-up', heldBy(ME, { status: 'ended' }), me, false, 'not_closed'],
  ])('%s', (_name, state, who, visitorHasOpen, expected) => {
    check(decideReopen(state, who, visitorHasOpen), expected);
  });
});
