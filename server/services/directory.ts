/**
 * @module Who the agents are right now: profiles, capacity, queue memberships, the state each chose and
 * whether a console is connected (SPEC R1). Read from the store at start and kept in memory, because routing
 * and every agent socket's audience check read it on each event. Every change is written through to the
 * store and announced to listeners (the supervisors' consoles, the router).
 *
 * One node: presence lives in this process. Several nodes would share it through the bus (DESIGN.md).
 */
import type { AgentPresence, AgentProfile, AgentState } from '../../shared/protocol';
import type { AgentActor, Entry as ConversationEntry } from '../domain/conversation';
import { isOpen } from '../domain/business-hours';
import { canTakeWork, visibleState } from '../domain/routing';
import { AppError } from '../errors';
import type { AgentPrefs, AgentRecord, ChosenState, QueueRecord, Site, Store } from '../store/store';

interface Entry {
  record: AgentRecord;
  /** Shared with this agent's actor objects: membership changes reach open sockets at once. */
  queueIds: Set<string>;
  sockets: number;
  /** When the visible state last changed. */
  since: number;
  lastAssignedAt: number;
}

export type PresenceListener = (presence: AgentPresence) => void;

export type Directory = Awaited<ReturnType<typeof createDirectory>>;

export async function createDirectory(store: Store, now: () => number) {
  const agents = new Map<string, Entry>();
  let queues = new Map<string, QueueRecord>();
  const listeners = new Set<PresenceListener>();

  async function load(): Promise<void> {
    const [records, memberships, queueList] = await Promise.all([store.agents.list(), store.queues.memberships(), store.queues.list()]);
    queues = new Map(queueList.map((q) => [q.id, q]));
    for (const record of records) {
      const known = agents.get(record.id);
      const queueIds = known?.queueIds ?? new Set<string>();
      queueIds.clear();
      for (const id of memberships.get(record.id) ?? []) queueIds.add(id);
      agents.set(record.id, known ? { ...known, record } : { record, queueIds, sockets: 0, since: record.availabilitySince || now(), lastAssignedAt: 0 });
    }
  }
  await load();

  function entry(agentId: string): Entry {
    const e = agents.get(agentId);
    if (!e) throw new AppError('not_found', 'No such agent.');
    return e;
  }

  function presenceOf(e: Entry): AgentPresence {
    return {
      id: e.record.id,
      name: e.record.name,
      role: e.record.role,
      state: visibleState(e.record.availability, e.sockets > 0),
      capacity: e.record.capacity,
      queueIds: [...e.queueIds],
      since: e.since,
    };
  }

  function announce(e: Entry): void {
    const presence = presenceOf(e);
    for (const listener of listeners) listener(presence);
  }

  return {
    /** Re-reads agents, queues and memberships after an admin change, and announces every agent. */
    async reload(): Promise<void> {
      await load();
      for (const e of agents.values()) announce(e);
    },

    /** Makes sure an agent created since the last load (by another process or a test) is known. */
    async ensure(agentId: string): Promise<void> {
      if (!agents.has(agentId)) await load();
    },

    onPresence(listener: PresenceListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Presence listeners, and consoles counted as connected over all agents (read-only; for tests of closed sockets). */
    counts(): { presenceListeners: number; consoles: number } {
      let consoles = 0;
      for (const e of agents.values()) consoles += e.sockets;
      return { presenceListeners: listeners.size, consoles };
    },

    /** The actor an agent's requests and frames act as; its queue set stays current. */
    actor(profile: AgentProfile): AgentActor {
      const e = agents.get(profile.id);
      return { kind: 'agent', id: profile.id, name: profile.name, role: profile.role, queueIds: e?.queueIds ?? new Set() };
    },

    presence(agentId: string): AgentPresence {
      return presenceOf(entry(agentId));
    },

    all(): AgentPresence[] {
      return [...agents.values()].map(presenceOf);
    },

    state(agentId: string): AgentState {
      const e = agents.get(agentId);
      return e ? visibleState(e.record.availability, e.sockets > 0) : 'offline';
    },

    record(agentId: string): AgentRecord | null {
      return agents.get(agentId)?.record ?? null;
    },

    prefs(agentId: string): AgentPrefs {
      return entry(agentId).record.prefs;
    },

    lastAssignedAt(agentId: string): number {
      return agents.get(agentId)?.lastAssignedAt ?? 0;
    },

    noteAssigned(agentId: string, at: number): void {
      const e = agents.get(agentId);
      if (e) e.lastAssignedAt = at;
    },

    members(queueId: string): string[] {
      return [...agents.values()].filter((e) => e.queueIds.has(queueId)).map((e) => e.record.id);
    },

    queue(queueId: string | null): QueueRecord | null {
      return queueId === null ? null : (queues.get(queueId) ?? null);
    },

    queues(siteId?: string): QueueRecord[] {
      return [...queues.values()].filter((q) => siteId === undefined || q.siteId === siteId);
    },

    /**
     * R3/R12: where a site's new conversation goes: its bot when it has one, else the queue the widget
     * named (id or name; an unknown one falls back), else the site's default queue.
     */
    entryFor(site: Site, hint: string | null | undefined): ConversationEntry {
      if (site.botWebhookUrl) return { bot: true };
      const own = [...queues.values()].filter((q) => q.siteId === site.id);
      const wanted = hint ? hint.trim().toLowerCase() : null;
      const queue =
        (wanted ? own.find((q) => q.id === hint || q.name.toLowerCase() === wanted) : undefined) ??
        (site.defaultQueueId ? queues.get(site.defaultQueueId) : undefined);
      return { bot: false, queueId: queue?.id ?? null, queueName: queue?.name ?? null };
    },

    /**
     * T1/T2: whether someone can answer a site's queue (any agent for no queue) at `at`: within the site's
     * business hours, an agent of the queue who can take work (R1) with these loads.
     */
    canAnswer(site: Pick<Site, 'ticketing'>, queueId: string | null, loads: ReadonlyMap<string, number>, at: number): boolean {
      if (!isOpen(site.ticketing?.businessHours ?? null, at)) return false;
      for (const e of agents.values()) {
        if (queueId !== null && !e.queueIds.has(queueId)) continue;
        const state = visibleState(e.record.availability, e.sockets > 0);
        if (canTakeWork({ state, load: loads.get(e.record.id) ?? 0, capacity: e.record.capacity })) return true;
      }
      return false;
    },

    /** R1: the agent chose a state, or routing put it in No-answer. Stored, then announced. */
    async setState(agentId: string, state: ChosenState): Promise<AgentPresence> {
      const e = entry(agentId);
      if (e.record.availability !== state) {
        const at = now();
        const record = await store.agents.update(agentId, { availability: state, availabilitySince: at });
        if (record) e.record = record;
        e.since = at;
        announce(e);
      }
      return presenceOf(e);
    },

    async setPrefs(agentId: string, prefs: Partial<AgentPrefs>): Promise<AgentPrefs> {
      const e = entry(agentId);
      const record = await store.agents.update(agentId, { prefs: { ...e.record.prefs, ...prefs } });
      if (record) e.record = record;
      return e.record.prefs;
    },

    /** A console connected: Offline ends. */
    connected(agentId: string): void {
      const e = agents.get(agentId);
      if (!e) return;
      e.sockets++;
      if (e.sockets === 1) {
        e.since = now();
        announce(e);
      }
    },

    /** A console disconnected: with none left the agent is Offline. */
    disconnected(agentId: string): void {
      const e = agents.get(agentId);
      if (!e || e.sockets === 0) return;
      e.sockets--;
      if (e.sockets === 0) {
        e.since = now();
        announce(e);
      }
    },
  };
}
