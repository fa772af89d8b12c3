import { describe, expect, it } from 'vitest';
import { may, type Privilege } from '../../server/domain/roles';
import { AGENT_ROLES } from '../../shared/protocol';
import { TABS_BY_ROLE, type AdminTab } from './tabs';

/** The privilege the server checks for what each tab changes. */
const PRIVILEGE_OF: Record<AdminTab, Privilege> = {
  canned: 'manageCannedReplies',
  reasons: 'manageWrapUpReasons',
  queues: 'manageQueues',
  agents: 'manageAgents',
  sites: 'manageSites',
  blocks: 'manageBlocks',
};

describe('TABS_BY_ROLE (SPEC R10)', () => {
  it.each(AGENT_ROLES.flatMap((role) => Object.entries(PRIVILEGE_OF).map(([tab, privilege]) => [role, tab as AdminTab, privilege] as const)))(
    '%s sees the %s tab exactly when the server lets it %s',
    (role, tab, privilege) => {
      expect(TABS_BY_ROLE[role].includes(tab)).toBe(may(role, privilege));
    },
  );
});
