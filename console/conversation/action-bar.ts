/**
 * @module The conversation's action bar (issue 15), without UI: which actions are the few buttons always
 * in view (take, transfer, end while open; reopen once closed), which go into the "More" menu, and which destructive
 * ones sit apart at its bottom (block, delete). Built on permissions.ts (what the server would allow) and
 * the site's facts (a bot to return to). Also the header's status line, per state. Pure.
 */
import type { AgentProfile, ConversationSummary } from '../../shared/protocol';
import { t as defaultStrings, type Strings } from '../i18n/i18n';
import { isSupervisor } from '../inbox/lists';
import { allowedActions } from '../session/permissions';

export type ActionId =
  | 'take'
  | 'transfer'
  | 'end'
  | 'reopen'
  | 'resolve'
  | 'reopenTransfer'
  | 'invite'
  | 'leave'
  | 'endWithTicket'
  | 'returnToBot'
  | 'labels'
  | 'requester'
  | 'archive'
  | 'unarchive'
  | 'block'
  | 'delete';

export interface ActionBar {
  /** Buttons in view, at most three. */
  primary: ActionId[];
  /** The "More" menu, in order. */
  menu: ActionId[];
  /** Priority as a radio group in the menu. */
  priority: boolean;
  /** Destructive, at the bottom of the menu after a separator. */
  danger: ActionId[];
}

export function actionBar(c: ConversationSummary, agent: Pick<AgentProfile, 'id' | 'role'>, site: { bot: boolean }): ActionBar {
  const can = allowedActions(c, agent);
  const steer = c.assignedAgentId === agent.id || isSupervisor(agent.role);
  const reopen = c.status === 'closed' && steer;
  const pick = (pairs: Array<[ActionId, boolean]>) => pairs.filter(([, ok]) => ok).map(([id]) => id);
  return {
    primary: pick([
      ['take', can.take],
      ['transfer', can.transfer],
      // Once the visitor ended it, the wrap-up prompt under the log is the way on; End would be stale.
      ['end', can.end && c.status === 'open'],
      ['reopen', reopen],
    ]),
    menu: pick([
      ['resolve', can.end],
      ['reopenTransfer', reopen],
      ['invite', can.invite],
      ['leave', can.leave],
      ['endWithTicket', can.end],
      ['returnToBot', can.returnToBot && site.bot],
      ['labels', can.edit],
      ['requester', can.edit],
      ['archive', can.archive],
      ['unarchive', can.unarchive],
    ]),
    priority: can.edit,
    danger: pick([
      ['block', can.block],
      ['delete', can.remove],
    ]),
  };
}

/** The header's status line: who holds it and how it stands, true to its state (no stale "in conference"). */
export function headLine(c: ConversationSummary, agent: Pick<AgentProfile, 'id'>, queueName: (id: string) => string | null, s: Strings = defaultStrings): string {
  const who = c.assignedAgentId === null ? null : c.assignedAgentId === agent.id ? s.youLower : (c.assignedAgentName ?? s.agent);
  const parts: string[] = [];
  if (c.status === 'closed') {
    if (c.archived) parts.push(who ? s.cv.archivedHead(who) : s.cv.archivedNobody);
    else parts.push(who ? s.cv.closedHead(who) : s.cv.closedNobody);
  } else if (c.status === 'ended') {
    parts.push(who ? s.with(who) : s.unassigned, s.cv.endedHead);
  } else {
    parts.push(who ? s.with(who) : c.bot ? s.withBot : s.unassigned);
    const guests = c.participants.map((p) => (p.id === agent.id ? s.youLower : p.name));
    if (guests.length > 0) parts.push(s.inConference(guests.join(', ')));
  }
  const queue = c.queueId ? queueName(c.queueId) : null;
  if (queue) parts.push(queue);
  if (c.requesterEmail) parts.push(c.requesterEmail);
  return parts.join(' · ');
}
