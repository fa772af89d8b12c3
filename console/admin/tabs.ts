/**
 * @module Which administration tabs each role sees. It mirrors server/domain/roles.ts (SPEC R10), which
 * tabs.test.ts checks; the console only hides what the server would refuse.
 */
import type { AgentRole } from '../../shared/protocol';

export const ADMIN_TABS = ['canned', 'reasons', 'queues', 'agents', 'sites', 'blocks'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export const TABS_BY_ROLE: Record<AgentRole, readonly AdminTab[]> = {
  agent: [],
  supervisor: ['canned', 'reasons'],
  admin: ['canned', 'reasons', 'queues', 'agents', 'sites', 'blocks'],
};
