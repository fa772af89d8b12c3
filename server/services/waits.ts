/**
 * @module Issue 15: what a waiting visitor is told, its place in its queue and how soon the site usually
 * answers (domain/waiting.ts). Visitor sockets watch their waiting conversation; after a commit that may move
 * a queue (a conversation entering, taken, offered, closed, re-prioritised), on this node or another
 * (`committedElsewhere`, as availability does), one read of the waiting list recomputes every watcher's
 * place, and a watcher hears only a change. The usual first-response time is read from the store (the
 * site's recent conversations and their first messages), kept per site for a few minutes: every node
 * computes the same figure from the same log, and a restart loses nothing.
 */
import type { ConversationEvent } from '../../shared/protocol';
import { FIRST_RESPONSE_MAX_AGE_MS, FIRST_RESPONSE_SAMPLES, firstResponseMs, median, queuePositions } from '../domain/waiting';
import type { Logger } from '../log';
import type { Store } from '../store/store';
import type { ConversationService } from './conversations';

/** Event kinds after which a queue's order may have changed. */
export const QUEUE_KINDS: ReadonlySet<string> = new Set([
  'created',
  'queued',
  'offered',
  'no_answer',
  'accepted',
  'assigned',
  'priority_changed',
  'transfer_accepted',
  'bot_handoff',
  'returned_to_bot',
  'ended_by_visitor',
  'closed',
]);

/** How long a site's usual first-response time is kept before it is read again. */
export const TYPICAL_TTL_MS = 5 * 60_000;
/** How many of the site's newest conversations are read for it. */
const TYPICAL_READ = 40;

export type WaitListener = (position: number | null, typicalMs: number | null) => void;

interface Watcher {
  conversationId: string;
  siteId: string;
  listener: WaitListener;
  /** What it was last told (`${position}|${typicalMs}`); null before the first. */
  told: string | null;
}

export type Waits = ReturnType<typeof createWaits>;

export function createWaits(deps: { store: Store; conversations: ConversationService; log: Logger; now: () => number }) {
  const { store, log, now } = deps;
  const watchers = new Set<Watcher>();
  const typical = new Map<string, { at: number; ms: Promise<number | null> }>();

  /** The median of the site's recent first responses (read through, kept TYPICAL_TTL_MS). */
  function typicalMs(siteId: string): Promise<number | null> {
    const kept = typical.get(siteId);
    if (kept && now() - kept.at < TYPICAL_TTL_MS) return kept.ms;
    const ms = readTypical(siteId).catch((err: unknown) => {
      log.warn('could not read the usual first-response time', { err, siteId });
      typical.delete(siteId);
      return null;
    });
    typical.set(siteId, { at: now(), ms });
    return ms;
  }

  async function readTypical(siteId: string): Promise<number | null> {
    const since = now() - FIRST_RESPONSE_MAX_AGE_MS;
    const recent = (await store.conversations.list({ siteId, limit: TYPICAL_READ })).filter((c) => c.assignedAgentId !== null && c.createdAt >= since);
    const samples: number[] = [];
    for (const c of recent) {
      if (samples.length >= FIRST_RESPONSE_SAMPLES) break;
      const events: ConversationEvent[] = await store.events.after(c.id, 0, { kinds: ['message'], limit: 50 });
      const ms = firstResponseMs(events);
      if (ms !== null) samples.push(ms);
    }
    return median(samples);
  }

  async function refresh(): Promise<void> {
    if (watchers.size === 0) return;
    const positions = queuePositions(await store.conversations.waiting());
    for (const w of watchers) {
      const position = positions.get(w.conversationId) ?? null;
      const ms = await typicalMs(w.siteId);
      const told = `${position}|${ms}`;
      if (!watchers.has(w) || told === w.told) continue;
      w.told = told;
      w.listener(position, ms);
    }
  }

  // One refresh at a time, and one more when a trigger came during it (availability.ts does the same).
  let pending: Promise<void> | null = null;
  let dirty = false;
  function schedule(): void {
    if (watchers.size === 0) return;
    if (pending) {
      dirty = true;
      return;
    }
    pending = Promise.resolve()
      .then(refresh)
      .catch((err: unknown) => log.warn('queue positions refresh failed', { err }))
      .finally(() => {
        pending = null;
        if (dirty) {
          dirty = false;
          schedule();
        }
      });
  }

  const offCommit = deps.conversations.onCommit((events, conversation) => {
    // An agent's first reply (it claims the conversation, SPEC C2) is a new sample: the figure is read again.
    if (events.some((e) => e.kind === 'assigned') && events.some((e) => e.kind === 'message' && e.author.kind === 'agent')) typical.delete(conversation.siteId);
    if (events.some((e) => QUEUE_KINDS.has(e.kind))) schedule();
  });
  const offRemove = deps.conversations.onRemove(schedule);

  return {
    /**
     * Tells `listener` the conversation's place and the site's usual first-response time now, and again
     * whenever either changes, until the answer is called.
     */
    watch(siteId: string, conversationId: string, listener: WaitListener): () => void {
      const w: Watcher = { conversationId, siteId, listener, told: null };
      watchers.add(w);
      schedule();
      return () => void watchers.delete(w);
    },

    /** Issue 14: a commit on another node with these event kinds. */
    committedElsewhere(kinds: readonly string[]): void {
      if (kinds.some((k) => QUEUE_KINDS.has(k))) schedule();
    },

    /** Watchers, over all sockets (for tests of closed sockets). */
    watchers: () => watchers.size,

    stop(): void {
      offCommit();
      offRemove();
      watchers.clear();
    },
  };
}
