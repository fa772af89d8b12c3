import { describe, expect, it } from 'vitest';
import type { AgentRole, ConversationSummary } from '../../shared/protocol';
import { summaryFixture as s } from '../../shared/test/summary';
import { allowedActions, type Allowed } from './permissions';

const as = (role: AgentRole) => ({ id: 'me', role });
const req = { kind: 'transfer' as const, fromAgentId: 'me', toAgentId: 'x', toQueueId: null, toName: 'X', expiresAt: 1 };

/** The actions on, as a sorted list, so each row reads as what the console offers. */
const on = (a: Allowed) => (Object.keys(a) as Array<keyof Allowed>).filter((k) => a[k]).sort();

describe('allowedActions', () => {
  it.each<[string, ConversationSummary, AgentRole, string[]]>([
    ['agent, unassigned: reply (claims), take, edit', s(), 'agent', ['edit', 'note', 'reply', 'take']],
    ['agent, holder', s({ assignedAgentId: 'me' }), 'agent', ['block', 'edit', 'end', 'invite', 'note', 'reply', 'returnToBot', 'transfer']],
    ['agent, holder with a guest', s({ assignedAgentId: 'me', participants: [{ id: 'g', name: 'G' }] }), 'agent', ['block', 'edit', 'end', 'invite', 'leave', 'note', 'reply', 'returnToBot', 'transfer']],
    ['agent, holder, transfer pending', s({ assignedAgentId: 'me', request: req }), 'agent', ['block', 'edit', 'end', 'note', 'reply', 'returnToBot']],
    ['agent, guest', s({ assignedAgentId: 'x', participants: [{ id: 'me', name: 'Me' }] }), 'agent', ['edit', 'leave', 'note', 'reply']],
    ['agent, someone else\'s (request to me)', s({ assignedAgentId: 'x' }), 'agent', ['note']],
    ['agent, bot conversation', s({ bot: true }), 'agent', ['edit', 'note']],
    ['supervisor, someone else\'s: take over and steer', s({ assignedAgentId: 'x' }), 'supervisor', ['block', 'edit', 'end', 'invite', 'note', 'reply', 'returnToBot', 'take', 'transfer']],
    ['supervisor, bot conversation: may also end it', s({ bot: true }), 'supervisor', ['block', 'edit', 'end', 'note', 'reply', 'take']],
    ['agent, ended by the visitor', s({ assignedAgentId: 'me', status: 'ended' }), 'agent', ['block', 'edit', 'end', 'note']],
    ['agent, closed', s({ assignedAgentId: 'me', status: 'closed' }), 'agent', ['archive']],
    ['agent, archived', s({ assignedAgentId: 'me', status: 'closed', archived: true }), 'agent', ['unarchive']],
    ['agent, someone else\'s closed', s({ assignedAgentId: 'x', status: 'closed' }), 'agent', []],
    ['admin, closed: archive and delete', s({ assignedAgentId: 'x', status: 'closed' }), 'admin', ['archive', 'remove']],
  ])('%s', (_name, c, role, actions) => expect(on(allowedActions(c, as(role)))).toEqual(actions));
});
