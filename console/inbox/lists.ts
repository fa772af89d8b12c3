/**
 * @module Which list of the console a conversation belongs to (New, Mine, Others), the order each list is
 * shown in, the filters, and what waits for the agent's answer (offers, transfer and conference requests).
 * Pure: the session and the components share these, and the tests read them as tables.
 */
import type { AgentRole, ConversationSummary } from '../../shared/protocol';

export type LiveList = 'new' | 'mine' | 'others';
export type ListId = LiveList | 'closed' | 'archived';
export const LIVE_LISTS: readonly LiveList[] = ['new', 'mine', 'others'];

export interface ListContext {
  agentId: string;
  role: AgentRole;
  /** The queues the agent is a member of (its presence). */
  queueIds: readonly string[];
}

export const isSupervisor = (role: AgentRole) => role !== 'agent';

/** Holds it or is a conference guest in it. */
export function isMine(c: ConversationSummary, agentId: string): boolean {
  return c.assignedAgentId === agentId || c.participants.some((p) => p.id === agentId);
}

/**
 * The live list a conversation shows in, or null:
 * - mine: held by the agent or joined in conference (open or ended: an ended one still needs its wrap-up);
 * - new: open, unassigned, not with the bot, in one of the agent's queues (an agent with no queue, or a
 *   conversation with no queue, counts as everyone's). The server only sends an agent what it may see;
 * - others (supervisors and admins): everything else they see, held by other agents, the bot's, and
 *   unassigned ones outside their queues. A plain agent has no Others list.
 */
export function listOf(c: ConversationSummary, ctx: ListContext): LiveList | null {
  if (c.status === 'closed') return null;
  if (isMine(c, ctx.agentId)) return 'mine';
  const waiting = c.status === 'open' && c.assignedAgentId === null && !c.bot;
  const inMyQueues = c.queueId === null || ctx.queueIds.length === 0 || ctx.queueIds.includes(c.queueId);
  if (waiting && (inMyQueues || !isSupervisor(ctx.role))) return 'new';
  return isSupervisor(ctx.role) ? 'others' : null;
}

/** When it started waiting: the queue time, else its creation. */
export const waitingSince = (c: ConversationSummary) => c.queuedAt ?? c.createdAt;

/** SPEC R2: higher priority first, then the longest waiting. */
export function byServingOrder(a: ConversationSummary, b: ConversationSummary): number {
  return b.priority - a.priority || waitingSince(a) - waitingSince(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export const byActivity = (a: ConversationSummary, b: ConversationSummary) => b.updatedAt - a.updatedAt;

/** Issue 15: open, and the visitor wrote last: the agent owes an answer since that message. */
export const awaitingReply = (c: ConversationSummary) => c.status === 'open' && c.lastMessage?.authorKind === 'visitor';

/**
 * Issue 15, Mine: higher priority first; within one, the conversations whose visitor waits for an answer (the
 * visitor wrote last), the one waiting since the earliest message first; then the rest, newest activity first.
 */
export function byMineOrder(a: ConversationSummary, b: ConversationSummary): number {
  const wa = awaitingReply(a);
  const wb = awaitingReply(b);
  if (b.priority !== a.priority) return b.priority - a.priority;
  if (wa !== wb) return wa ? -1 : 1;
  if (wa && wb) return a.lastMessage!.at - b.lastMessage!.at || byActivity(a, b);
  return byActivity(a, b);
}

/** Issue 15, Others: higher priority first, then newest activity. */
export const byPriorityThenActivity = (a: ConversationSummary, b: ConversationSummary) => b.priority - a.priority || byActivity(a, b);

export type Lists = Record<LiveList, ConversationSummary[]>;

/** The three live lists (issue 15: priority first in each): New in serving order, Mine as byMineOrder, Others by priority then activity. */
export function sortIntoLists(conversations: Iterable<ConversationSummary>, ctx: ListContext): Lists {
  const lists: Lists = { new: [], mine: [], others: [] };
  for (const c of conversations) {
    const list = listOf(c, ctx);
    if (list) lists[list].push(c);
  }
  lists.new.sort(byServingOrder);
  lists.mine.sort(byMineOrder);
  lists.others.sort(byPriorityThenActivity);
  return lists;
}

/** An offer made to this agent that has not run out. */
export function offeredToMe(c: ConversationSummary, agentId: string, now: number): boolean {
  return c.status === 'open' && c.offer !== null && c.offer.agentId === agentId && c.offer.expiresAt > now;
}

/** A transfer or invitation this agent may accept: named, or sent to one of its queues, and not its own. */
export function requestForMe(c: ConversationSummary, ctx: ListContext, now: number): boolean {
  const r = c.request;
  if (!r || c.status !== 'open' || r.expiresAt <= now || r.fromAgentId === ctx.agentId || isMine(c, ctx.agentId)) return false;
  return r.toAgentId === ctx.agentId || (r.toQueueId !== null && ctx.queueIds.includes(r.toQueueId));
}

export interface Filters {
  queueId: string | null;
  priority: number | null;
  label: string | null;
  /** Others only; '' for conversations nobody holds. */
  agentId: string | null;
}

export const NO_FILTERS: Filters = { queueId: null, priority: null, label: null, agentId: null };

export function matches(c: ConversationSummary, f: Filters): boolean {
  return (
    (f.queueId === null || c.queueId === f.queueId) &&
    (f.priority === null || c.priority === f.priority) &&
    (f.label === null || c.labels.includes(f.label)) &&
    (f.agentId === null || (c.assignedAgentId ?? '') === f.agentId)
  );
}

/** Others: how many conversations each agent holds ('' = nobody: the bot's or unassigned), most first. */
export function countByAgent(list: readonly ConversationSummary[]): Array<{ agentId: string; name: string | null; count: number }> {
  const counts = new Map<string, { agentId: string; name: string | null; count: number }>();
  for (const c of list) {
    const key = c.assignedAgentId ?? '';
    const entry = counts.get(key) ?? { agentId: key, name: c.assignedAgentName, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.name ?? '').localeCompare(b.name ?? ''));
}

/** Every label in use, sorted, for the label filter. */
export function labelsIn(conversations: Iterable<ConversationSummary>): string[] {
  const all = new Set<string>();
  for (const c of conversations) for (const l of c.labels) all.add(l);
  return [...all].sort();
}

/**
 * Issue 12: a stored list (Closed, Archived) after its next page: the page's rows that are not shown yet,
 * after the ones that are, in the order the server gave. A conversation that changed between two pages
 * (moved up by a label, say) is never shown twice.
 *
 * @example appendPage([a, b], [b, c]) // [a, b, c]
 */
export function appendPage(shown: readonly ConversationSummary[], page: readonly ConversationSummary[]): ConversationSummary[] {
  const ids = new Set(shown.map((c) => c.id));
  return [...shown, ...page.filter((c) => !ids.has(c.id))];
}

/**
 * Issue 15: the one count a live list's tab shows. While some of its conversations have a new message, how
 * many (the accent badge); otherwise how many it holds. Two numbers side by side ("Novas 1 1") read as one
 * garbled count, so a tab never shows both.
 */
export function tabCount(size: number, unread: number): { kind: 'unread' | 'size'; n: number } {
  return unread > 0 ? { kind: 'unread', n: unread } : { kind: 'size', n: size };
}
