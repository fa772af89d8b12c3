/**
 * @module Everything the console shows that follows from the conversation summaries it holds: the lists,
 * offers and requests waiting for this agent, unread conversations and counts, the agent's own presence and
 * the summary of the conversation on screen. Pure; the session recomputes it after every change.
 */
import type { AgentPresence, AgentProfile, ConversationSummary } from '../../shared/protocol';
import { LIVE_LISTS, offeredToMe, requestForMe, sortIntoLists, type ListContext, type Lists, type LiveList } from './lists';

export interface InboxView {
  /** Open and ended conversations the agent sees, newest activity first. */
  conversations: ConversationSummary[];
  lists: Lists;
  /** Offers made to this agent, soonest expiry first. */
  offers: ConversationSummary[];
  /** Transfers and conference invitations this agent may accept. */
  requests: ConversationSummary[];
  /** Conversations with visitor messages the agent has not had on screen. */
  unread: ReadonlySet<string>;
  unreadCounts: Record<LiveList, number>;
  /** This agent's own state (available, unavailable, rona...). */
  me: AgentPresence | null;
  /** The summary of the conversation on screen (also a closed one opened from the Closed list). */
  current: ConversationSummary | null;
}

export const EMPTY_LISTS: Lists = { new: [], mine: [], others: [] };

export interface InboxInput {
  summaries: ReadonlyMap<string, ConversationSummary>;
  agent: AgentProfile | null;
  presence: readonly AgentPresence[];
  /** Highest sequence the agent has had on screen, per conversation. */
  seen: ReadonlyMap<string, number>;
  currentId: string | null;
  now: number;
}

/** The list context of the signed-in agent: its queues come from its presence. */
export function listContext(agent: AgentProfile | null, presence: readonly AgentPresence[]): ListContext | null {
  if (!agent) return null;
  return { agentId: agent.id, role: agent.role, queueIds: presence.find((p) => p.id === agent.id)?.queueIds ?? [] };
}

export function deriveInbox({ summaries, agent, presence, seen, currentId, now }: InboxInput): InboxView {
  const ctx = listContext(agent, presence);
  const conversations = [...summaries.values()].filter((c) => c.status !== 'closed').sort((a, b) => b.updatedAt - a.updatedAt);
  const lists = ctx ? sortIntoLists(conversations, ctx) : EMPTY_LISTS;
  const unread = new Set<string>();
  for (const c of conversations) {
    if (c.id !== currentId && c.lastMessage?.authorKind === 'visitor' && c.lastSeq > (seen.get(c.id) ?? 0)) unread.add(c.id);
  }
  const unreadCounts = { new: 0, mine: 0, others: 0 };
  for (const list of LIVE_LISTS) unreadCounts[list] = lists[list].filter((c) => unread.has(c.id)).length;
  return {
    conversations,
    lists,
    unread,
    unreadCounts,
    me: ctx ? (presence.find((p) => p.id === ctx.agentId) ?? null) : null,
    offers: ctx ? conversations.filter((c) => offeredToMe(c, ctx.agentId, now)).sort((a, b) => a.offer!.expiresAt - b.offer!.expiresAt) : [],
    requests: ctx ? conversations.filter((c) => requestForMe(c, ctx, now)) : [],
    current: currentId ? (summaries.get(currentId) ?? null) : null,
  };
}
