/**
 * @module Who the agents are right now: profiles, capacity, queue memberships, the state each chose and
 * whether a console is connected (SPEC R1). Read from the store at start and kept in memory, because routing
 * and every agent socket's audience check read it on each event. Every change is written through to the
 * store and announced to listeners (the supervisors' consoles, the router).
 *
 * SPEC R13: an agent whose consoles all dropped stays present for a grace period (a reload, a network switch,
 * a server restart take seconds), and so do the agents whose chosen state is Available when the server
 * starts: they still count as someone who can answer (T1, T2) but are given no new work until a console is
 * back. Nothing is announced when one comes back within the grace; Offline is announced when it ends.
 *
 * Several nodes (issue 14): an agent's consoles are counted on every node (`sockets` here, `remote` on the
 * peers, told by cluster/node.ts), and the grace starts wherever its last console closed or its node died:
 * each node runs its own grace and announces to its own listeners. A chosen state or an admin's change is
 * announced on the control channel (`announce`) and every other node re-reads it from the store.
 */
import type { AgentPresence, AgentProfile, AgentState } from '../../shared/protocol';
import type { ControlMessage } from '../bus/control';
import type { AgentActor, Entry as ConversationEntry } from '../domain/conversation';
import { isOpen } from '../domain/business-hours';
import { canTakeWork, presenceStates } from '../domain/routing';
import { AppError } from '../errors';
import type { AgentPrefs, AgentRecord, ChosenState, QueueRecord, Site, Store } from '../store/store';
import { systemTimers, unref, type Timers } from './timers';

interface Entry {
  record: AgentRecord;
  /** Shared with this agent's actor objects: membership changes reach open sockets at once. */
  queueIds: Set<string>;
  sockets: number;
  /** Issue 14: its consoles on the other nodes. */
  remote: number;
  /** SPEC R13: the timer that ends this agent's grace; null when it is not in one. */
  grace: unknown;
  /** When the visible state last changed; 0: never since the agent exists (it never signed in, issue 15). */
  since: number;
  lastAssignedAt: number;
}

export type PresenceListener = (presence: AgentPresence) => void;

export type Directory = Awaited<ReturnType<typeof createDirectory>>;

export interface PresenceOptions {
  /** SPEC R13: how long an agent with no console stays present; 0 makes it Offline at once. */
  graceMs: number;
  /** The grace's timers (tests fire them). */
  timers: Timers;
  /** Issue 14: tells the other nodes what changed (the bus's control channel); nothing on one node. */
  announce?: (message: ControlMessage) => void;
  /** Issue 14: an agent's consoles on the other nodes, for agents loaded after the peers reported them. */
  remote?: (agentId: string) => number;
}

export async function createDirectory(store: Store, now: () => number, options: PresenceOptions = { graceMs: 0, timers: systemTimers }) {
  const { graceMs, timers } = options;
  const tell = options.announce ?? (() => {});
  const remoteOf = options.remote ?? (() => 0);
  /** Told when this node's console count of an agent changed (cluster/node.ts sends a heartbeat). */
  const consoleListeners = new Set<() => void>();
  const agents = new Map<string, Entry>();
  let queues = new Map<string, QueueRecord>();
  const listeners = new Set<PresenceListener>();
  /** Told when an agent may take work again without any visible change (a console back within its grace). */
  const returnListeners = new Set<(agentId: string) => void>();
  let stopped = false;

  async function load(): Promise<void> {
    const [records, memberships, queueList] = await Promise.all([store.agents.list(), store.queues.memberships(), store.queues.list()]);
    queues = new Map(queueList.map((q) => [q.id, q]));
    for (const record of records) {
      const known = agents.get(record.id);
      const queueIds = known?.queueIds ?? new Set<string>();
      queueIds.clear();
      for (const id of memberships.get(record.id) ?? []) queueIds.add(id);
      if (known) known.record = record;
      else agents.set(record.id, { record, queueIds, sockets: 0, remote: remoteOf(record.id), grace: null, since: record.availabilitySince, lastAssignedAt: 0 });
    }
  }
  await load();
  // SPEC R13: a starting server does not conclude nobody is there before the consoles had the time to come
  // back: every agent whose chosen state is Available is present for one grace from now.
  for (const e of agents.values()) if (e.record.availability === 'available' && !e.record.disabled) startGrace(e);

  function entry(agentId: string): Entry {
    const e = agents.get(agentId);
    if (!e) throw new AppError('not_found', 'No such agent.');
    return e;
  }

  const statesOf = (e: Entry) => presenceStates(e.record.availability, e.sockets + e.remote, e.grace !== null);

  /**
   * R1/R13 across nodes: the agent's consoles over the cluster went from none to some (`up`) or from some
   * to none. Up within a grace changes nothing visible but the agent takes work again; down starts the
   * grace (or, `grace: false` or none configured, is Offline at once).
   */
  function consolesChanged(e: Entry, up: boolean, grace = true): void {
    if (up) {
      if (e.grace !== null) {
        timers.clearTimeout(e.grace);
        e.grace = null;
        for (const listener of returnListeners) listener(e.record.id);
        return;
      }
      e.since = now();
      announce(e);
      return;
    }
    if (stopped) return;
    if (graceMs > 0 && grace) return startGrace(e);
    e.since = now();
    announce(e);
  }

  /** Re-reads everything; announces the agents whose presence changed (a peer's change, the safety reload). */
  async function sync(): Promise<void> {
    const before = new Map([...agents].map(([id, e]) => [id, JSON.stringify(presenceOf(e))]));
    await load();
    for (const [id, e] of agents) if (before.get(id) !== JSON.stringify(presenceOf(e))) announce(e);
  }

  /** SPEC R13: the agent's consoles are all gone; it stays present until the grace ends (or one is back). */
  function startGrace(e: Entry): void {
    if (graceMs <= 0 || stopped) return;
    if (e.grace !== null) timers.clearTimeout(e.grace);
    e.grace = unref(timers.setTimeout(() => {
      e.grace = null;
      if (e.sockets + e.remote > 0 || stopped) return;
      e.since = now();
      announce(e);
    }, graceMs));
  }

  function presenceOf(e: Entry): AgentPresence {
    // Issue 15: `since` 0 means "never signed in", which only an offline agent can be. One shown present
    // (its console is back, or the start-up grace) without a recorded change is so from the first look.
    if (e.since === 0 && statesOf(e).shown !== 'offline') e.since = now();
    return {
      id: e.record.id,
      name: e.record.name,
      role: e.record.role,
      state: statesOf(e).shown,
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
    /** Re-reads agents, queues and memberships after an admin change, and announces every agent (on every node). */
    async reload(): Promise<void> {
      await load();
      for (const e of agents.values()) announce(e);
      tell({ type: 'directory' });
    },

    /** Issue 14: another node changed agents, queues or memberships (or the periodic safety reload). */
    sync,

    /** Issue 14: another node changed one agent's record (its chosen state): re-read it, announce a change. */
    async refreshAgent(agentId: string): Promise<void> {
      const e = agents.get(agentId);
      if (!e) return sync();
      const before = JSON.stringify(presenceOf(e));
      const record = await store.agents.byId(agentId);
      if (!record) return sync();
      if (record.availability !== e.record.availability) e.since = record.availabilitySince || now();
      e.record = record;
      if (JSON.stringify(presenceOf(e)) !== before) announce(e);
    },

    /** Issue 14: the agent's consoles on the other nodes are now `n` (cluster/node.ts). */
    setRemote(agentId: string, n: number): void {
      const e = agents.get(agentId);
      if (!e || e.remote === n) return;
      const was = e.sockets + e.remote > 0;
      e.remote = n;
      const is = e.sockets + e.remote > 0;
      if (was !== is) consolesChanged(e, is);
    },

    /** Issue 14: this node's consoles per agent, for its heartbeat. */
    localConsoles(): Array<[string, number]> {
      const out: Array<[string, number]> = [];
      for (const [id, e] of agents) if (e.sockets > 0) out.push([id, e.sockets]);
      return out;
    },

    /** Issue 14: told whenever this node's console count of an agent changes. */
    onConsoles(listener: () => void): () => void {
      consoleListeners.add(listener);
      return () => consoleListeners.delete(listener);
    },

    /** Makes sure an agent created since the last load (by another process or a test) is known. */
    async ensure(agentId: string): Promise<void> {
      if (!agents.has(agentId)) await load();
    },

    onPresence(listener: PresenceListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** SPEC R13: a console came back within the grace: no visible change, but the agent takes work again. */
    onReturn(listener: (agentId: string) => void): () => void {
      returnListeners.add(listener);
      return () => returnListeners.delete(listener);
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

    /** The state new work is given by (R1): an agent with no console connected takes none, grace or not (R13). */
    workState(agentId: string): AgentState {
      const e = agents.get(agentId);
      return e ? statesOf(e).work : 'offline';
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
        // SPEC R13: an agent in its grace still counts here, though it is given no new work meanwhile.
        if (canTakeWork({ state: statesOf(e).shown, load: loads.get(e.record.id) ?? 0, capacity: e.record.capacity })) return true;
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
        tell({ type: 'agent', agentId });
      }
      return presenceOf(e);
    },

    async setPrefs(agentId: string, prefs: Partial<AgentPrefs>): Promise<AgentPrefs> {
      const e = entry(agentId);
      const record = await store.agents.update(agentId, { prefs: { ...e.record.prefs, ...prefs } });
      if (record) e.record = record;
      return e.record.prefs;
    },

    /** A console connected: Offline ends. Within a grace nothing visible changes (SPEC R13). */
    connected(agentId: string): void {
      const e = agents.get(agentId);
      if (!e) return;
      e.sockets++;
      for (const listener of consoleListeners) listener();
      if (e.sockets + e.remote !== 1) return;
      consolesChanged(e, true);
    },

    /**
     * A console disconnected: with none left the agent is Offline, after the grace (SPEC R13). `grace: false`
     * when its session ended (signed out, disabled): that agent meant to go, and is Offline at once.
     */
    disconnected(agentId: string, { grace = true }: { grace?: boolean } = {}): void {
      const e = agents.get(agentId);
      if (!e || e.sockets === 0) return;
      e.sockets--;
      for (const listener of consoleListeners) listener();
      if (e.sockets + e.remote > 0 || stopped) return;
      consolesChanged(e, false, grace);
    },

    /** Ends every grace timer; the consoles closing at shutdown start none. */
    stop(): void {
      stopped = true;
      for (const e of agents.values()) {
        if (e.grace !== null) timers.clearTimeout(e.grace);
        e.grace = null;
      }
    },
  };
}
