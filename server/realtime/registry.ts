/**
 * @module The open sockets, for the few actions that reach into them from outside a connection (issue 6):
 * a blocked visitor's chat ends, an agent whose session ended is disconnected within seconds. Several nodes
 * (issue 14): once `attach`ed to the bus, each close acts here at once and is told to the other nodes on
 * the control channel, which close their own sockets of that visitor, agent or site.
 */
import { topics, type Bus, type ControlMessage } from '../bus/bus';
import { CLOSE } from '../../shared/errors';
import { silentLogger, type Logger } from '../log';
import type { Connection } from './connection';
import type { LiveSockets } from '../services/live-sockets';
import { inSlices } from './heartbeat';

/** How a mass close is spread: sockets per slice, and what runs the next slice (setImmediate). */
export interface MassClose {
  size?: number;
  defer?: (fn: () => void) => unknown;
}

export class SocketRegistry implements LiveSockets {
  readonly connections = new Set<Connection>();

  readonly #log: Logger;
  readonly #slices: MassClose;
  /** The other nodes, once attached; null on one node. */
  #control: Bus['control'] | null = null;

  /** `slices`: how a mass close is spread (tests hold its later slices). */
  constructor(log: Logger = silentLogger, slices: MassClose = {}) {
    this.#log = log;
    this.#slices = slices;
  }

  /**
   * Issue 14: closes on every node from now on. Answers the unsubscribe. Closes told by this node act here
   * synchronously, not through the channel, so their counts stay this node's as before.
   */
  attach(bus: Pick<Bus, 'nodeId' | 'control'>): () => void {
    this.#control = bus.control;
    const off = bus.control.subscribe((message: ControlMessage, from: string) => {
      if (from === bus.nodeId) return;
      if (message.type === 'close_visitor') this.#closeVisitor(message.visitorId);
      else if (message.type === 'close_anonymous') this.#closeAnonymousVisitors(message.siteId);
      else if (message.type === 'close_agent') this.#closeAgent(message, message.why);
      // Issue 15: a site created on another node (any site change: already watched ones are skipped).
      else if (message.type === 'site') this.watchSite(message.siteId);
    });
    return () => {
      off();
      this.#control = null;
    };
  }

  #tell(message: ControlMessage): void {
    try {
      this.#control?.publish(message);
    } catch (err) {
      // The gateway's session check and the blocks reloaded on every node still end these sockets.
      this.#log.warn('could not tell the other nodes to close sockets', { type: message.type, err });
    }
  }

  /** Closes every socket of one visitor with 4004 `blocked` (the widget says the chat ended), on every node. */
  closeVisitor(visitorId: string): number {
    const n = this.#closeVisitor(visitorId);
    this.#tell({ type: 'close_visitor', visitorId });
    return n;
  }

  #closeVisitor(visitorId: string): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.visitorId === visitorId) {
        c.end('blocked', CLOSE.blocked);
        n++;
      }
    }
    return n;
  }

  /**
   * Issue 14: after this node read the blocks again (the close another node told may have been lost while
   * Redis was away): ends this node's sockets of visitors blocked now, with 4004 as closeVisitor does. Told
   * to nobody: every node checks its own sockets after its own reload.
   */
  closeBlockedVisitors(isBlocked: (visitorId: string) => boolean): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.visitorId !== null && !c.closed && isBlocked(c.visitorId)) {
        c.end('blocked', CLOSE.blocked);
        n++;
      }
    }
    return n;
  }

  /**
   * SPEC W6 (issue 11 F11): strict identity was turned on for a site. Its visitors' sockets welcomed as
   * anonymous get `identity_required` and close with 4001, as a refused hello does, so the widget shows the
   * site's sign-in instead of chatting on. A socket not welcomed yet may be a signed-in visitor whose hello
   * is still being answered (it is known to be identified only once the welcome is made): it closes with
   * 1012 and no error, which the widget takes as passing, and its reconnect's hello, read against the
   * strict site, decides. Identified visitors chat on. A whole site's sockets may be thousands: they close a
   * slice per turn of the event loop (issue 12); the count is of those chosen now. Until its turn comes, a
   * chosen socket that is (or is then welcomed) anonymous has every frame but ping refused with
   * `identity_required`: it chats no more after this returns.
   */
  /**
   * Issue 15: a new site: every agent console here watches it too (agents see every site), without a
   * reconnect. Told to the other nodes by the site's own control message. Answers how many started watching.
   */
  watchSite(siteId: string): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.peer.role !== 'agent' || c.closed || c.peer.siteIds.includes(siteId)) continue;
      // A hello still being answered subscribes to every id in siteIds; the connection subscribes once per topic.
      c.peer.siteIds.push(siteId);
      c.subscribe(topics.site(siteId));
      n++;
    }
    return n;
  }

  closeAnonymousVisitors(siteId: string): number {
    const n = this.#closeAnonymousVisitors(siteId);
    this.#tell({ type: 'close_anonymous', siteId });
    return n;
  }

  #closeAnonymousVisitors(siteId: string): number {
    const chosen: Connection[] = [];
    for (const c of this.connections) {
      if (c.peer.role === 'visitor' && c.peer.site.id === siteId && !c.identified) {
        c.closingAnonymous = true;
        chosen.push(c);
      }
    }
    void inSlices(
      chosen,
      (c) => {
        if (c.identified) return; // welcomed as an identified visitor since it was chosen: it chats on
        if (c.visitorId === null) c.close(CLOSE.site_changed, 'site_changed');
        else c.end('identity_required', CLOSE.auth_failed);
      },
      (err) => this.#log.error('closing an anonymous visitor socket failed', { err }),
      this.#slices,
    );
    return chosen.length;
  }

  /** Addresses agent consoles are connected from. */
  agentAddresses(): Set<string> {
    const ips = new Set<string>();
    for (const c of this.connections) if (c.peer.role === 'agent') ips.add(c.peer.ip);
    return ips;
  }

  /**
   * Closes the sockets of one session, or of every session of an agent, with 4006 `session_ended`; or, for
   * `role_changed`, with 4007: the session stands and the console reconnects with the new role's powers
   * (issue 11 F3: a socket keeps the role it said hello with, so a changed role must not outlive it).
   */
  closeAgent(match: { tokenHash?: string; agentId?: string }, why: 'session_ended' | 'role_changed' = 'session_ended'): number {
    const n = this.#closeAgent(match, why);
    this.#tell({ type: 'close_agent', ...(match.tokenHash ? { tokenHash: match.tokenHash } : {}), ...(match.agentId ? { agentId: match.agentId } : {}), why });
    return n;
  }

  #closeAgent(match: { tokenHash?: string; agentId?: string }, why: 'session_ended' | 'role_changed'): number {
    let n = 0;
    for (const c of this.connections) {
      if (c.peer.role !== 'agent') continue;
      if ((match.tokenHash && c.peer.tokenHash === match.tokenHash) || (match.agentId && c.peer.agent.id === match.agentId)) {
        if (why === 'role_changed') c.end('role_changed', CLOSE.role_changed);
        else c.end('not_authenticated', CLOSE.session_ended);
        n++;
      }
    }
    return n;
  }
}
