/**
 * @module What one node tells every node (issue 14): a cache to reload, sockets to close, presence. Each
 * member names what changed, never the new value: receivers read the store, which is the truth. (The node
 * state a heartbeat carries is the exception: it is memory, in no store.)
 */
import type { NodeState } from '../cluster/node-state';

export type ControlMessage =
  /** Blocks were added or lifted: reload them. */
  | { type: 'blocks' }
  /** A site's settings changed (masking, origins, identity, ticketing...): reload that site. */
  | { type: 'site'; siteId: string }
  /** Agents, queues or memberships changed: reload the directory. */
  | { type: 'directory' }
  /**
   * Messages from the sender may have been lost (its Redis publisher was away): every other node rereads
   * what its sockets watch (bus.onResync).
   */
  | { type: 'resync' }
  /** One agent's record changed (its chosen state, R1): re-read that agent. */
  | { type: 'agent'; agentId: string }
  /** A node is alive, with what it holds in memory (agents' consoles, addresses, visitors): cluster/node.ts. */
  | { type: 'node'; state: NodeState }
  /** A node stops cleanly: drop what it held now rather than after its heartbeats' TTL. */
  | { type: 'bye' }
  /**
   * A commit with workflow events (anything but messages and notes), published by services/conversations.ts:
   * the routing leader arms or clears its timers and runs a pass (services/router.ts); every node's
   * availability recomputes when a load may have changed (T1). `kinds`: the committed events' kinds.
   */
  | { type: 'commit'; siteId: string; conversationId: string; kinds: string[] }
  /** Close a blocked visitor's sockets on every node (issue 6). */
  | { type: 'close_visitor'; visitorId: string }
  /** Close an agent's sockets (by session or agent) on every node: logout, password, disable, role change. */
  | { type: 'close_agent'; tokenHash?: string; agentId?: string; why: 'session_ended' | 'role_changed' }
  /** Strict identity turned on (SPEC W6): every node closes the site's anonymous visitors. */
  | { type: 'close_anonymous'; siteId: string };
