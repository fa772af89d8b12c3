/**
 * @module Which actions the console offers on a conversation. The server decides (SPEC R5-R12, R10) and
 * refuses what is not allowed; this only hides buttons that would surely be refused. Pure.
 */
import type { AgentProfile, ConversationSummary } from '../../shared/protocol';
import { isSupervisor } from '../inbox/lists';

export interface Allowed {
  /** Reply (or write a note); a first reply to an unassigned conversation claims it (SPEC C2). */
  reply: boolean;
  note: boolean;
  take: boolean;
  transfer: boolean;
  invite: boolean;
  leave: boolean;
  end: boolean;
  /** Priority, labels, requester name and e-mail. */
  edit: boolean;
  archive: boolean;
  unarchive: boolean;
  remove: boolean;
  returnToBot: boolean;
  /** Issue 6 "block and end": the holder or a supervisor, while the chat is not closed. */
  block: boolean;
}

export function allowedActions(c: ConversationSummary, agent: Pick<AgentProfile, 'id' | 'role'>): Allowed {
  const sup = isSupervisor(agent.role);
  const holder = c.assignedAgentId === agent.id;
  const guest = c.participants.some((p) => p.id === agent.id);
  const open = c.status === 'open';
  const closed = c.status === 'closed';
  const unassigned = c.assignedAgentId === null;
  return {
    reply: open && (holder || guest || sup || (unassigned && !c.bot)),
    note: !closed,
    take: open && !holder && (sup || (unassigned && !c.bot)),
    transfer: open && !unassigned && (holder || sup) && c.request === null,
    invite: open && !unassigned && (holder || sup) && c.request === null,
    leave: !closed && (guest || (holder && c.participants.length > 0)),
    end: !closed && (holder || sup),
    edit: !closed && (holder || guest || sup || unassigned),
    archive: closed && !c.archived && (sup || holder),
    unarchive: closed && c.archived && (sup || holder),
    remove: agent.role === 'admin',
    returnToBot: open && !unassigned && (holder || sup),
    block: !closed && (holder || sup),
  };
}
