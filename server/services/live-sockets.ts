/**
 * @module The port through which an HTTP route reaches the open sockets (issue 6): a blocked visitor's chat
 * ends, an agent whose session ended or whose role changed is disconnected, a site turning strict identity
 * on drops its anonymous visitors. `realtime/registry.ts` implements it; the HTTP adapter depends on this
 * type, not on the WebSocket adapter (ARCHITECTURE.md: nothing imports an adapter).
 */
export interface LiveSockets {
  /** Closes every socket of one visitor with 4004 `blocked`; answers how many. */
  closeVisitor(visitorId: string): number;
  /** Strict identity turned on (SPEC W6): a site's anonymous visitors' sockets close, in slices; answers how many were chosen. */
  closeAnonymousVisitors(siteId: string): number;
  /** Closes an agent's sockets, by session token or by agent; answers how many. */
  closeAgent(match: { tokenHash?: string; agentId?: string }, why?: 'session_ended' | 'role_changed'): number;
  /** Issue 15: a site was created: the agents' consoles open here watch it too; answers how many. */
  watchSite(siteId: string): number;
}
