/**
 * @module What every node knows of the others (issue 14): the state each peer's heartbeat carries (agents'
 * consoles, addresses agents use, per-address socket counts, visitors online), merged into one view that
 * reads synchronously, and which peers have gone silent for longer than the TTL. Pure: no timers, no bus;
 * cluster/node.ts feeds it.
 *
 * A heartbeat carries the whole agent part every time (a few hundred agents at most: small) and the
 * address and visitor parts only when they changed since the sender's previous heartbeat, plus in full now
 * and then (a node that joined, a Redis blip). Absent parts keep what the receiver had. So a lost message
 * heals at the next heartbeat for presence, and at the next full one for the rest.
 */
import type { LivePage } from '../services/live-visitors';

/** A visitor online on some node (SPEC R11), as the live list and "block and end" read it. */
export interface PeerVisitor {
  visitorId: string;
  siteId: string;
  since: number;
  page: LivePage | null;
  returning: boolean;
  ip: string | null;
}

export interface NodeState {
  /** Agents with a console connected on the node (SPEC R1): [agentId, consoles]. */
  agents: Array<[string, number]>;
  /** Addresses agent consoles are connected from ("block and end" never blocks one, issue 6). */
  agentIps: string[];
  /** Per-address socket counts (limit keys, SPEC L1) of 2 or more; absent: unchanged. */
  addresses?: Array<[string, number]>;
  /** Visitors with a socket open on the node; absent: unchanged. */
  visitors?: PeerVisitor[];
  /** The node's first heartbeat since it started: the others send it their full state (it may have restarted under the same id). */
  first?: true;
}

interface Peer {
  heardAt: number;
  agents: Map<string, number>;
  agentIps: string[];
  addresses: Map<string, number>;
  visitors: Map<string, PeerVisitor>;
}

/** The peers' states, merged. Never holds this node's own: the services keep that. */
export class ClusterView {
  readonly #peers = new Map<string, Peer>();

  /**
   * A heartbeat from `nodeId` heard at `at`. Answers the agents whose console count over the peers changed
   * (presence may have changed for them) and whether the node is new to this one (it then needs our full
   * state: it has none of it).
   */
  apply(nodeId: string, state: NodeState, at: number): { agents: Set<string>; joined: boolean } {
    const known = this.#peers.get(nodeId);
    const before = known?.agents ?? new Map<string, number>();
    const after = new Map(state.agents);
    const peer: Peer = {
      heardAt: at,
      agents: after,
      agentIps: state.agentIps,
      addresses: state.addresses ? new Map(state.addresses) : (known?.addresses ?? new Map()),
      visitors: state.visitors ? new Map(state.visitors.map((v) => [v.visitorId, v])) : (known?.visitors ?? new Map()),
    };
    this.#peers.set(nodeId, peer);
    const agents = new Set<string>();
    for (const [id, n] of before) if ((after.get(id) ?? 0) !== n) agents.add(id);
    for (const [id, n] of after) if ((before.get(id) ?? 0) !== n) agents.add(id);
    return { agents, joined: known === undefined || state.first === true };
  }

  /** Forgets a node (dead or gone); answers the agents that had consoles there. */
  drop(nodeId: string): Set<string> {
    const peer = this.#peers.get(nodeId);
    this.#peers.delete(nodeId);
    return new Set(peer ? [...peer.agents].filter(([, n]) => n > 0).map(([id]) => id) : []);
  }

  /** The peers unheard since `at - ttlMs` or longer: dead. */
  expired(at: number, ttlMs: number): string[] {
    return [...this.#peers].filter(([, p]) => at - p.heardAt >= ttlMs).map(([id]) => id);
  }

  nodes(): string[] {
    return [...this.#peers.keys()];
  }

  /** An agent's consoles on the peers. */
  agentConsoles(agentId: string): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.agents.get(agentId) ?? 0;
    return n;
  }

  agentIps(): Set<string> {
    const ips = new Set<string>();
    for (const p of this.#peers.values()) for (const ip of p.agentIps) ips.add(ip);
    return ips;
  }

  /** Sockets open on the peers from this limit key (counts below 2 per peer are not sent: see NodeState). */
  sockets(key: string): number {
    let n = 0;
    for (const p of this.#peers.values()) n += p.addresses.get(key) ?? 0;
    return n;
  }

  /** The visitor as some peer has it online: the earliest visit when two nodes have it (two tabs). */
  visitor(visitorId: string): PeerVisitor | null {
    let found: PeerVisitor | null = null;
    for (const p of this.#peers.values()) {
      const v = p.visitors.get(visitorId);
      if (v && (!found || v.since < found.since)) found = v;
    }
    return found;
  }

  /** Every visitor online on a peer, once each (the earliest visit). */
  visitors(): Map<string, PeerVisitor> {
    const all = new Map<string, PeerVisitor>();
    for (const p of this.#peers.values()) {
      for (const v of p.visitors.values()) {
        const seen = all.get(v.visitorId);
        if (!seen || v.since < seen.since) all.set(v.visitorId, v);
      }
    }
    return all;
  }
}
