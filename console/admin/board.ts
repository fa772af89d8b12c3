/**
 * @module The supervisor board's counting, kept pure so tests can drive it with tables: per queue the
 * waiting conversations, the longest wait and the agents who could take one; per agent the state, the time
 * in it and the conversations it holds against its capacity.
 */
import type { AgentPresence, AgentRole, AgentState, ConversationSummary, QueueInfo } from '../../shared/protocol';

export interface QueueRow {
  /** null: conversations waiting without a queue this board knows. */
  id: string | null;
  name: string | null;
  waiting: number;
  /** How long the oldest waiting conversation has waited; null when none waits. */
  longestWaitMs: number | null;
  /** Members in the Available state. */
  available: number;
  /** Members with a console connected (any state but Offline). */
  connected: number;
  members: number;
}

export interface AgentRow {
  id: string;
  name: string;
  role: AgentRole;
  state: AgentState;
  inStateMs: number;
  /** Issue 15: offline and never signed in (no time in the state to show). */
  neverSignedIn: boolean;
  /** Conversations the agent holds or takes part in (a conference) that still need it: open or ended. */
  conversations: number;
  capacity: number;
  queueIds: string[];
  full: boolean;
  connected: boolean;
}

/** Waiting for an agent: open, nobody holds it, the bot does not hold it either. */
export function isWaiting(c: ConversationSummary): boolean {
  return c.status === 'open' && c.assignedAgentId === null && !c.bot && !c.archived;
}

/** Still on an agent's desk: ended ones count too, since the agent must wrap them up (SPEC R8). */
function isOnDesk(c: ConversationSummary): boolean {
  return c.status !== 'closed' && !c.archived;
}

/** How many conversations each agent holds or joined, by agent id. */
export function loadByAgent(conversations: readonly ConversationSummary[]): Map<string, number> {
  const load = new Map<string, number>();
  for (const c of conversations) {
    if (!isOnDesk(c)) continue;
    const agents = new Set<string>();
    if (c.assignedAgentId !== null) agents.add(c.assignedAgentId);
    for (const p of c.participants) agents.add(p.id);
    for (const agentId of agents) load.set(agentId, (load.get(agentId) ?? 0) + 1);
  }
  return load;
}

export function queueRows(
  queues: readonly QueueInfo[],
  presence: readonly AgentPresence[],
  conversations: readonly ConversationSummary[],
  now: number,
): QueueRow[] {
  const known = new Set(queues.map((q) => q.id));
  const waits = new Map<string | null, number[]>();
  for (const c of conversations) {
    if (!isWaiting(c)) continue;
    const key = c.queueId !== null && known.has(c.queueId) ? c.queueId : null;
    const list = waits.get(key) ?? [];
    list.push(Math.max(0, now - (c.queuedAt ?? c.createdAt)));
    waits.set(key, list);
  }
  const row = (id: string | null, name: string | null, members: readonly AgentPresence[]): QueueRow => {
    const list = waits.get(id) ?? [];
    return {
      id,
      name,
      waiting: list.length,
      longestWaitMs: list.length > 0 ? Math.max(...list) : null,
      available: members.filter((a) => a.state === 'available').length,
      connected: members.filter((a) => a.state !== 'offline').length,
      members: members.length,
    };
  };
  const rows = queues.map((q) => row(q.id, q.name, presence.filter((a) => a.queueIds.includes(q.id))));
  if (waits.has(null)) rows.push(row(null, null, []));
  return rows;
}

/**
 * One row per agent, optionally only the members of one queue: connected agents first, then by name, so
 * the board reads like Cosmo Desk's queue view (connected above, disconnected below).
 */
/** Issue 15: an agent whose state never changed since it was created is offline because it never signed in. */
export const neverSignedIn = (a: Pick<AgentPresence, 'state' | 'since'>): boolean => a.state === 'offline' && a.since === 0;

export function agentRows(
  presence: readonly AgentPresence[],
  conversations: readonly ConversationSummary[],
  now: number,
  queueId: string | null = null,
): AgentRow[] {
  const load = loadByAgent(conversations);
  return presence
    .filter((a) => queueId === null || a.queueIds.includes(queueId))
    .map((a): AgentRow => {
      const count = load.get(a.id) ?? 0;
      return {
        id: a.id,
        name: a.name,
        role: a.role,
        state: a.state,
        inStateMs: neverSignedIn(a) ? 0 : Math.max(0, now - a.since),
        neverSignedIn: neverSignedIn(a),
        conversations: count,
        capacity: a.capacity,
        queueIds: a.queueIds,
        full: count >= a.capacity,
        connected: a.state !== 'offline',
      };
    })
    .sort((x, y) => Number(y.connected) - Number(x.connected) || x.name.localeCompare(y.name) || x.id.localeCompare(y.id));
}

/**
 * A short, language-neutral duration: `45 s`, `12 min`, `1 h 05 min`, `2 d 3 h`.
 *
 * @example formatDuration(3_900_000) // '1 h 05 min'
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
