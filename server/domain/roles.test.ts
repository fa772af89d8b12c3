import { describe, expect, it } from 'vitest';
import { AGENT_ROLES, type AgentRole } from '../../shared/protocol';
import { may, PRIVILEGES, type Privilege } from './roles';

/** R10: every privilege against every role. A new privilege or role must add its row or column here. */
const MATRIX: Record<Privilege, Record<AgentRole, boolean>> = {
  supervise: { agent: false, supervisor: true, admin: true },
  manageCannedReplies: { agent: false, supervisor: true, admin: true },
  manageWrapUpReasons: { agent: false, supervisor: true, admin: true },
  manageAgents: { agent: false, supervisor: false, admin: true },
  manageQueues: { agent: false, supervisor: false, admin: true },
  manageSites: { agent: false, supervisor: false, admin: true },
  deleteConversations: { agent: false, supervisor: false, admin: true },
  manageBlocks: { agent: false, supervisor: false, admin: true },
  manageDataRights: { agent: false, supervisor: false, admin: true },
};

const cases = (Object.keys(MATRIX) as Privilege[]).flatMap((privilege) =>
  AGENT_ROLES.map((role) => [privilege, role, MATRIX[privilege][role]] as const),
);

describe('R10: may', () => {
  it.each(cases)('R10: %s by role %s: %s', (privilege, role, expected) => {
    expect(may(role, privilege)).toBe(expected);
  });

  it('R10: the table above names every privilege there is', () => {
    expect(Object.keys(PRIVILEGES).sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('R10: an admin may do everything a supervisor may', () => {
    for (const privilege of Object.keys(PRIVILEGES) as Privilege[]) {
      if (may('supervisor', privilege)) expect(may('admin', privilege)).toBe(true);
    }
  });

  it.each(['', 'Admin', 'owner', 'root'])('R10: an unknown role %j may nothing', (role) => {
    for (const privilege of Object.keys(PRIVILEGES) as Privilege[]) {
      expect(may(role as AgentRole, privilege)).toBe(false);
    }
  });
});
