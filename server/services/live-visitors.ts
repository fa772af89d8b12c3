/**
 * @module Who is on the site now (SPEC R11): visitors with a widget socket open, their current page and
 * when this visit began. In memory: a visit is a run of sockets with gaps shorter than VISIT_GAP_MS (a page
 * navigation closes one socket and opens the next within a second).
 *
 * Several nodes (issue 14): each node keeps its own sockets' visits and sends the online ones in its
 * heartbeat (cluster/node.ts); the lists and lookups here merge the peers' (`peers`), so the live list and
 * "block and end" see the whole cluster, a heartbeat late at most. A visit that moves to this node while a
 * peer still has it online keeps its start (a page navigation that lands on another node).
 */
import type { PeerVisitor } from '../cluster/node-state';
export const VISIT_GAP_MS = 30 * 60_000;

/**
 * Most visits kept after their last socket closed (about 400 bytes each). Every hello without a token is a
 * new visitor, so without a bound the visitors who left in the last VISIT_GAP_MS could fill the memory.
 */
export const MAX_DEPARTED_VISITS = 50_000;

export interface LivePage {
  url: string;
  title: string | null;
  referrer: string | null;
}

interface Visit {
  siteId: string;
  sockets: number;
  since: number;
  lastSeen: number;
  page: LivePage | null;
  returning: boolean;
  /** The address of its latest socket: "block and end" blocks it too (issue 6). */
  ip: string | null;
}

export type LiveVisitors = ReturnType<typeof createLiveVisitors>;

export interface OnlineVisitor {
  visitorId: string;
  siteId: string;
  since: number;
  page: LivePage | null;
  returning: boolean;
}

const online = (visitorId: string, v: Visit): OnlineVisitor => ({ visitorId, siteId: v.siteId, since: v.since, page: v.page, returning: v.returning });

/** The visitors online on the other nodes (cluster/node-state.ts's ClusterView). */
export interface PeerVisitors {
  visitor(visitorId: string): PeerVisitor | null;
  visitors(): ReadonlyMap<string, PeerVisitor>;
}

const NO_PEERS: PeerVisitors = { visitor: () => null, visitors: () => new Map() };

export function createLiveVisitors(now: () => number, maxDeparted = MAX_DEPARTED_VISITS, peers: PeerVisitors = NO_PEERS) {
  const visits = new Map<string, Visit>();
  /** Changes whenever the online visits here change (the heartbeat sends them again). */
  let version = 0;
  /**
   * The visits with no socket open, in the order their last socket closed (so by lastSeen): the longest
   * gone are first, and forgetting them stops at the first one to keep. A scan of every visit on each
   * disconnect cost 2.6-4 s of CPU per 2,000 disconnects with 16,000 visits kept (a reconnect storm).
   */
  const departed = new Map<string, Visit>();

  function forget(at: number): void {
    for (const [id, v] of departed) {
      if (departed.size <= maxDeparted && at - v.lastSeen <= VISIT_GAP_MS) return;
      departed.delete(id);
      visits.delete(id);
    }
  }

  return {
    /** A widget socket said hello. `returning`: the visitor came with a token from an earlier visit. */
    connected(visitorId: string, siteId: string, page: LivePage | null, returning: boolean, ip: string | null = null): void {
      const at = now();
      const visit = visits.get(visitorId);
      departed.delete(visitorId);
      version++;
      if (visit && (visit.sockets > 0 || at - visit.lastSeen < VISIT_GAP_MS)) {
        visit.sockets++;
        visit.lastSeen = at;
        if (page) visit.page = page;
        if (ip) visit.ip = ip;
        return;
      }
      const elsewhere = peers.visitor(visitorId);
      visits.set(visitorId, {
        siteId,
        sockets: 1,
        since: elsewhere?.since ?? at,
        lastSeen: at,
        page,
        returning: returning || visit !== undefined || (elsewhere?.returning ?? false),
        ip,
      });
    },

    /** The address the visitor last connected from, while it is remembered. */
    ipOf(visitorId: string): string | null {
      return visits.get(visitorId)?.ip ?? peers.visitor(visitorId)?.ip ?? null;
    },

    disconnected(visitorId: string): void {
      const visit = visits.get(visitorId);
      if (!visit) return;
      version++;
      visit.sockets = Math.max(0, visit.sockets - 1);
      visit.lastSeen = now();
      if (visit.sockets === 0) {
        departed.delete(visitorId); // to the end: the most recently gone
        departed.set(visitorId, visit);
      }
      // Forget visits long gone, and the oldest past the bound, so the map stays bounded by recent visitors.
      forget(visit.lastSeen);
    },

    /** Visitors with at least one socket open on any node, longest on the site first. */
    online(siteIds?: ReadonlySet<string>): OnlineVisitor[] {
      const here = [...visits].filter(([, v]) => v.sockets > 0 && (!siteIds || siteIds.has(v.siteId))).map(([visitorId, v]) => online(visitorId, v));
      const ids = new Set(here.map((v) => v.visitorId));
      for (const v of peers.visitors().values()) {
        if (ids.has(v.visitorId) || (siteIds && !siteIds.has(v.siteId))) continue;
        here.push({ visitorId: v.visitorId, siteId: v.siteId, since: v.since, page: v.page, returning: v.returning });
      }
      return here.sort((a, b) => a.since - b.since);
    },

    /** Issue 14, for this node's heartbeat: its online visits, and a number that changes when they do. */
    here: {
      version: (): number => version,
      online(): PeerVisitor[] {
        const out: PeerVisitor[] = [];
        for (const [visitorId, v] of visits) {
          if (v.sockets > 0) out.push({ visitorId, siteId: v.siteId, since: v.since, page: v.page, returning: v.returning, ip: v.ip });
        }
        return out;
      },
    },

    /** Visits kept: online, or left less than VISIT_GAP_MS ago (read-only; for tests). */
    remembered(): number {
      return visits.size;
    },

    /** One visitor, when it has a socket open (a lookup, not a scan of everyone online). */
    visitor(visitorId: string): OnlineVisitor | null {
      const visit = visits.get(visitorId);
      if (visit && visit.sockets > 0) return online(visitorId, visit);
      const v = peers.visitor(visitorId);
      return v && { visitorId, siteId: v.siteId, since: v.since, page: v.page, returning: v.returning };
    },
  };
}
