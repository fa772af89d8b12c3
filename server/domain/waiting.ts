/**
 * @module Issue 15, what a waiting visitor is told: its place in the queue and how soon the site usually
 * answers, measured from its recent conversations (the median time from the visitor's first message to the
 * first agent's). Pure: the waits service (services/waits.ts) reads the store and sends the frames.
 */
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';

/** How many recent first responses the median is taken over, and how old one may be. */
export const FIRST_RESPONSE_SAMPLES = 20;
export const FIRST_RESPONSE_MAX_AGE_MS = 30 * 864e5;

/**
 * Milliseconds from the visitor's first message to the first message written by an agent (not a bot, not
 * a note); null when no agent answered (yet), or the agent wrote first (a proactive chat answers no one).
 *
 * @example firstResponseMs([visitor message at 1000, agent message at 61_000]) // 60_000
 */
export function firstResponseMs(events: readonly ConversationEvent[]): number | null {
  let asked: number | null = null;
  for (const e of events) {
    if (e.kind !== 'message') continue;
    if (e.author.kind === 'visitor') asked ??= e.at;
    else if (e.author.kind === 'agent') return asked === null ? null : Math.max(0, e.at - asked);
  }
  return null;
}

/** The median of `samples` (the mean of the middle two for an even count); null for none. */
export function median(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/**
 * Each waiting conversation's place in its own queue (1 = next), from the list in routing order (SPEC R2:
 * priority, then the longest waiting; `store.conversations.waiting()`): conversations of one site and one
 * queue (or none) count against each other only.
 */
export function queuePositions(waiting: readonly Pick<ConversationSummary, 'id' | 'siteId' | 'queueId'>[]): Map<string, number> {
  const counts = new Map<string, number>();
  const positions = new Map<string, number>();
  for (const c of waiting) {
    const key = `${c.siteId}|${c.queueId ?? ''}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    positions.set(c.id, n);
  }
  return positions;
}
