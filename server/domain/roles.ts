/**
 * @module Who may do what (SPEC R10). The server checks `may` on every request and frame that does a
 * privileged thing; the console only hides what would be refused.
 */
import type { AgentRole } from '../../shared/protocol';

export const PRIVILEGES = {
  /** The Others list, any conversation, other agents' presence, steering another agent's state. */
  supervise: ['supervisor', 'admin'],
  manageCannedReplies: ['supervisor', 'admin'],
  manageWrapUpReasons: ['supervisor', 'admin'],
  manageAgents: ['admin'],
  manageQueues: ['admin'],
  manageSites: ['admin'],
  deleteConversations: ['admin'],
  /** List and lift blocks, block whole ranges (issue 6). */
  manageBlocks: ['admin'],
  /** Export and erase what is held about a visitor or an e-mail address (issue 6). */
  manageDataRights: ['admin'],
} as const satisfies Record<string, readonly AgentRole[]>;

export type Privilege = keyof typeof PRIVILEGES;

/** @example may('agent', 'deleteConversations') // false */
export function may(role: AgentRole, privilege: Privilege): boolean {
  return (PRIVILEGES[privilege] as readonly AgentRole[]).includes(role);
}
