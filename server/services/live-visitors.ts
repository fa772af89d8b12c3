/**
 * @module Who is on the site now (SPEC R11): visitors with a widget socket open, their current page and
 * when this visit began. In memory: a visit is a run of sockets with gaps shorter than VISIT_GAP_MS (a page
 * navigation closes one socket and opens the next within a second).
 */
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

export function createLiveVisitors(now: () => number, maxDeparted = MAX_DEPARTED_VISITS) {
  const visits = new Map<string, Visit>();
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
      if (visit && (visit.sockets > 0 || at - visit.lastSeen < VISIT_GAP_MS)) {
        visit.sockets++;
        visit.lastSeen = at;
        if (page) visit.page = page;
        if (ip) visit.ip = ip;
        return;
      }
      visits.set(visitorId, { siteId, sockets: 1, since: at, lastSeen: at, page, returning: returning || visit !== undefined, ip });
    },

    /** The address the visitor last connected from, while it is remembered. */
    ipOf(visitorId: string): string | null {
      return visits.get(visitorId)?.ip ?? null;
    },

    disconnected(visitorId: string): void {
      const visit = visits.get(visitorId);
      if (!visit) return;
      visit.sockets = Math.max(0, visit.sockets - 1);
      visit.lastSeen = now();
      if (visit.sockets === 0) {
        departed.delete(visitorId); // to the end: the most recently gone
        departed.set(visitorId, visit);
      }
      // Forget visits long gone, and the oldest past the bound, so the map stays bounded by recent visitors.
      forget(visit.lastSeen);
    },

    /** Visitors with at least one socket open, longest on the site first. */
    online(siteIds?: ReadonlySet<string>): OnlineVisitor[] {
      return [...visits]
        .filter(([, v]) => v.sockets > 0 && (!siteIds || siteIds.has(v.siteId)))
        .map(([visitorId, v]) => online(visitorId, v))
        .sort((a, b) => a.since - b.since);
    },

    /** Visits kept: online, or left less than VISIT_GAP_MS ago (read-only; for tests). */
    remembered(): number {
      return visits.size;
    },

    /** One visitor, when it has a socket open (a lookup, not a scan of everyone online). */
    visitor(visitorId: string): OnlineVisitor | null {
      const visit = visits.get(visitorId);
      return visit && visit.sockets > 0 ? online(visitorId, visit) : null;
    },
  };
}
