/**
 * @module This node among the others (issue 14): it says it is alive on the bus's control channel every
 * heartbeat with what it holds in memory (NodeState), merges what the peers say into a ClusterView, and
 * declares a peer dead when it has been silent for the TTL: its consoles, visitors and addresses are
 * dropped, presence reacts (the grace, SPEC R13, then Offline) and the bus resyncs (events the dead node
 * committed but never published are read from the store). A node that stops says goodbye, so the others
 * drop it at once instead of after the TTL.
 *
 * Why whole states and not deltas: a state replaces the sender's previous one, so a heartbeat lost in a
 * Redis blip, or one overtaken by a later one, costs nothing: the next one is the truth. Presence changes
 * are sent at once (one heartbeat per turn of the event loop at most) so routing on the other nodes sees a
 * console within milliseconds; visitors and addresses ride on the next periodic heartbeat, only when they
 * changed, and in full every FULL_EVERY heartbeats and whenever a node joins or the bus resyncs.
 *
 * Silence proves nothing while this node itself cannot reach Redis (its own heartbeats are being dropped,
 * `dropped`): no peer is declared dead then, and once its heartbeats go out again every peer gets a whole
 * TTL to be heard. Otherwise a Redis restart longer than the TTL would make every node drop every other
 * node's agents (no new work for them until Redis is back, and Offline after the grace).
 */
import type { Bus, ControlMessage } from '../bus/bus';
import type { Logger } from '../log';
import { unref } from '../services/timers';
import { ClusterView, type NodeState, type PeerVisitor } from './node-state';

/** Defaults: a heartbeat a second, dead after 4 s unheard (four heartbeats lost in a row). */
export const HEARTBEAT_MS = 1_000;
export const NODE_TTL_MS = 4_000;
/** Every this many heartbeats the optional parts are sent even when unchanged (heals anything lost). */
export const FULL_EVERY = 30;

/** What this node holds, read at each heartbeat. `version`s change when the part changed. */
export interface LocalState {
  agents(): Array<[string, number]>;
  agentIps(): Iterable<string>;
  addresses: { version(): number; counts(): Array<[string, number]> };
  visitors: { version(): number; online(): PeerVisitor[] };
}

export interface ClusterNodeDeps {
  bus: Pick<Bus, 'nodeId' | 'control' | 'onResync' | 'resync'>;
  view: ClusterView;
  local: LocalState;
  now: () => number;
  log: Logger;
  heartbeatMs?: number;
  ttlMs?: number;
  /** Agents whose consoles on the peers changed in number (presence may change). */
  onAgents(agentIds: ReadonlySet<string>): void;
  /** Messages the bus could not send so far (the Redis bus's counter); absent: never cut off. */
  dropped?: () => number;
}

export type ClusterNode = ReturnType<typeof createClusterNode>;

export function createClusterNode(deps: ClusterNodeDeps) {
  const { bus, view, local, now, log } = deps;
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS;
  const ttlMs = deps.ttlMs ?? NODE_TTL_MS;
  let beats = 0;
  let full = true;
  let sent = { addresses: -1, visitors: -1 };
  let soon = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastDropped = deps.dropped?.() ?? 0;
  let cutOff = false;

  function state(): NodeState {
    const all = full || beats % FULL_EVERY === 0;
    full = false;
    beats++;
    const s: NodeState = { agents: local.agents(), agentIps: [...local.agentIps()], ...(beats === 1 ? { first: true as const } : {}) };
    const av = local.addresses.version();
    if (all || av !== sent.addresses) s.addresses = local.addresses.counts();
    const vv = local.visitors.version();
    if (all || vv !== sent.visitors) s.visitors = local.visitors.online();
    sent = { addresses: av, visitors: vv };
    return s;
  }

  function beat(): void {
    if (stopped) return;
    try {
      bus.control.publish({ type: 'node', state: state() });
    } catch (err) {
      log.warn('could not publish the node heartbeat', { err });
    }
  }

  /** Peers silent for the TTL are dead: what they held goes, and what they may not have published is read. */
  function reap(): void {
    const dead = view.expired(now(), ttlMs);
    if (dead.length === 0) return;
    const agents = new Set<string>();
    for (const id of dead) for (const a of view.drop(id)) agents.add(a);
    log.warn('peer nodes unheard: dropped', { nodes: dead, ttlMs });
    if (agents.size > 0) deps.onAgents(agents);
    bus.resync();
  }

  function tick(): void {
    timer = null;
    if (stopped) return;
    beat();
    const dropped = deps.dropped?.() ?? 0;
    if (dropped > lastDropped) cutOff = true;
    else if (cutOff) {
      // Our heartbeat went out again: the peers are heard from now on, or dead a TTL from now.
      cutOff = false;
      view.touchAll(now());
    }
    lastDropped = dropped;
    if (!cutOff) reap();
    timer = unref(setTimeout(tick, heartbeatMs)) as ReturnType<typeof setTimeout>;
  }

  function onControl(message: ControlMessage, from: string): void {
    // A node asks for a resync when its publishes were lost (this one's too, after its publisher came back:
    // our heartbeats' changes may be among them): the next heartbeat carries everything, not the next
    // FULL_EVERY one.
    if (message.type === 'resync') full = true;
    if (from === bus.nodeId) return;
    if (message.type === 'node') {
      const { agents, joined } = view.apply(from, message.state, now());
      // A node that just joined has nothing of ours: it gets everything in our next heartbeat, sent now.
      if (joined) {
        full = true;
        node.changed();
      }
      if (agents.size > 0) deps.onAgents(agents);
    } else if (message.type === 'bye') {
      const agents = view.drop(from);
      if (agents.size > 0) deps.onAgents(agents);
    }
  }

  const offControl = bus.control.subscribe(onControl);
  // Heartbeats may have been lost with the rest: the next one carries everything.
  const offResync = bus.onResync(() => {
    full = true;
  });

  const node = {
    view,
    start(): void {
      if (timer === null && !stopped) tick();
    },
    /** Local presence changed: a heartbeat goes out in this turn of the event loop (coalesced). */
    changed(): void {
      if (soon || stopped) return;
      soon = true;
      setImmediate(() => {
        soon = false;
        beat();
      });
    },
    /** Stops the heartbeats and says goodbye: the peers drop this node's state at once. */
    stop(): void {
      if (stopped) return;
      try {
        bus.control.publish({ type: 'bye' });
      } catch (err) {
        log.warn('could not say goodbye to the peer nodes', { err });
      }
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      offControl();
      offResync();
    },
  };
  return node;
}
