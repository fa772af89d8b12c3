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
   * Messages from the sender may have been lost (its Redis publisher was away): every other node rereads
   * what its sockets watch (bus.onResync).
   */
  | { type: 'resync' };
