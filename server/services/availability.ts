/**
 * @module Whether someone can answer a site's queue now (SPEC T1): an agent of the queue (any agent when
 * the conversation is in no queue) is Available with room, within the site's business hours. Widgets are
 * told at hello and on every change; the router turns waiting chats into tickets when it is false (T2).
 * Recomputed after presence changes, after commits that change loads, and every minute (business hours).
 * Several nodes (issue 14): presence is the cluster's (the directory's), and commits on the other nodes
 * arrive as control messages (`committedElsewhere`), so the answer and the frames are the cluster's.
 */
import type { ConversationEvent } from '../../shared/protocol';
import type { Logger } from '../log';
import type { Site, Store } from '../store/store';
import type { ConversationService } from './conversations';
import type { Directory } from './directory';

/** Events after which an agent's load may have changed. */
export const LOAD_KINDS: ReadonlySet<string> = new Set(['assigned', 'closed', 'ended_by_visitor', 'returned_to_bot', 'transfer_accepted', 'conference_left']);

type Listener = (online: boolean) => void;

export type Availability = ReturnType<typeof createAvailability>;

const keyOf = (siteId: string, queueId: string | null) => `${siteId}|${queueId ?? ''}`;

export function createAvailability(deps: { store: Store; directory: Directory; conversations: ConversationService; log: Logger; now: () => number }) {
  const { store, directory, log, now } = deps;
  const known = new Map<string, boolean>();
  const listeners = new Map<string, Set<Listener>>();
  let loads = new Map<string, number>();
  let sites = new Map<string, Site>();
  let pending: Promise<void> | null = null;

  /** The loads before the first hello is answered. */
  const ready = store.conversations.loads().then((l) => {
    loads = l;
  });

  const compute = (site: Site, queueId: string | null): boolean => directory.canAnswer(site, queueId, loads, now());

  /** Re-reads loads and sites, then tells the listeners of every key whose answer changed. */
  async function refresh(): Promise<void> {
    [loads, sites] = await Promise.all([store.conversations.loads(), store.sites.list().then((l) => new Map(l.map((s) => [s.id, s])))]);
    for (const [key, set] of listeners) {
      const [siteId, queueId] = key.split('|') as [string, string];
      const site = sites.get(siteId);
      if (!site) continue;
      const online = compute(site, queueId === '' ? null : queueId);
      if (known.get(key) === online) continue;
      known.set(key, online);
      for (const listener of set) listener(online);
    }
  }

  /** Coalesces bursts of triggers into one refresh at a time, and one more when any came during it. */
  let dirty = false;
  function schedule(): void {
    if (pending) {
      dirty = true;
      return;
    }
    pending = Promise.resolve()
      .then(refresh)
      .catch((err: unknown) => log.warn('availability refresh failed', { err }))
      .finally(() => {
        pending = null;
        if (dirty) {
          dirty = false;
          schedule();
        }
      });
  }

  const offPresence = directory.onPresence(() => schedule());
  const offCommit = deps.conversations.onCommit((events: readonly ConversationEvent[]) => {
    if (events.some((e) => LOAD_KINDS.has(e.kind))) schedule();
  });
  const offRemove = deps.conversations.onRemove(schedule);
  const tick = setInterval(schedule, 60_000);
  tick.unref();

  return {
    /**
     * Someone can answer this site's queue now. Reads the loads the refreshes keep current (after every
     * commit that changes one) rather than the store on each hello; a hello that lands between a commit and
     * its refresh is corrected by the `availability` frame the refresh sends.
     */
    async online(site: Site, queueId: string | null): Promise<boolean> {
      await ready;
      sites.set(site.id, site);
      const online = compute(site, queueId);
      known.set(keyOf(site.id, queueId), online);
      return online;
    },

    /** Calls `listener` whenever the answer for this site and queue changes. */
    watch(siteId: string, queueId: string | null, listener: Listener): () => void {
      const key = keyOf(siteId, queueId);
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },

    /** Recomputes now (after a site's settings change). */
    refresh: schedule,

    /** Issue 14: a commit on another node with these event kinds: loads may have changed there. */
    committedElsewhere(kinds: readonly string[]): void {
      if (kinds.some((k) => LOAD_KINDS.has(k))) schedule();
    },

    /** How many listeners are watching, over all sites and queues (read-only; for tests of closed sockets). */
    listeners(): number {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },

    stop(): void {
      offPresence();
      offCommit();
      offRemove();
      clearInterval(tick);
    },
  };
}
