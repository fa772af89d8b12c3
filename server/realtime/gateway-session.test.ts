/**
 * Issue 14: the gateway's periodic session check also closes an agent socket whose role changed or whose
 * agent was disabled on another node when that node's close was lost: the rule, as a table.
 */
import { describe, expect, it } from 'vitest';
import { staleAgentSocket } from './gateway';

describe('staleAgentSocket', () => {
  it.each([
    ['same role, enabled: stays', 'agent', { role: 'agent', disabled: false }, null],
    ['promoted to supervisor: reconnect with the new role', 'agent', { role: 'supervisor', disabled: false }, 'role_changed'],
    ['admin demoted to agent: reconnect with fewer powers', 'admin', { role: 'agent', disabled: false }, 'role_changed'],
    ['disabled: the session ends', 'agent', { role: 'agent', disabled: true }, 'session_ended'],
    ['disabled and role changed: the session ends', 'agent', { role: 'admin', disabled: true }, 'session_ended'],
    ['not in this node\'s directory yet: left alone', 'agent', null, null],
  ] as const)('%s', (_name, socketRole, record, expected) => {
    expect(staleAgentSocket({ role: socketRole }, record)).toBe(expected);
  });
});
