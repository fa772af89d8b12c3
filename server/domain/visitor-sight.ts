/**
 * @module Whose visitors an agent sees on the site now (SPEC R10, R11; issue 11 F5): the live visitors list
 * and proactive chat. Pure.
 */
import type { AgentActor } from './conversation';

/**
 * The sites whose online visitors `actor` sees and may start a chat with; null: every site (supervisors and
 * admins). An agent sees the sites of its queues, and the sites without a default queue: their chats may wait
 * in no queue, which is every agent's (R10). A site it serves no chat of is none of its business, as its
 * conversations are not: its visitors' names and pages stay out of its console.
 *
 * @example visitorSites(agentOfSupport, queues, sites) // Set { 'demo-site' }
 */
export function visitorSites(
  actor: Pick<AgentActor, 'role' | 'queueIds'>,
  queues: ReadonlyArray<{ id: string; siteId: string }>,
  sites: ReadonlyArray<{ id: string; defaultQueueId: string | null }>,
): ReadonlySet<string> | null {
  if (actor.role !== 'agent') return null;
  const seen = new Set<string>();
  for (const q of queues) if (actor.queueIds.has(q.id)) seen.add(q.siteId);
  for (const s of sites) if (s.defaultQueueId === null) seen.add(s.id);
  return seen;
}
