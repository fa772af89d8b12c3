/**
 * @module What one node tells every node (issue 14): a cache to reload, sockets to close, presence. Each
 * member names what changed, never the new value: receivers read the store, which is the truth.
 */
export type ControlMessage =
  /** Blocks were added or lifted: reload them. */
  | { type: 'blocks' }
  /** A site's settings changed (masking, origins, identity, ticketing...): reload that site. */
  | { type: 'site'; siteId: string }
  /** Agents, queues or memberships changed: reload the directory. */
  | { type: 'directory' }
  /**
   * A commit with workflow events (anything but messages and notes): the routing leader arms or clears its
   * timers and runs a pass (services/router.ts). `kinds`: the committed events' kinds.
   */
  | { type: 'commit'; siteId: string; conversationId: string; kinds: string[] };
