/**
 * @module The client side of SPEC D5/D6: how a `history` frame folds into the events a client holds for one
 * conversation. Pure; the widget's and the console's sessions both use it.
 */
import type { ConversationEvent, HistoryFrame } from './protocol';

export interface Held {
  /** Events of the conversation, ascending `seq`. */
  events: ConversationEvent[];
  /** The highest sequence the client holds: its resume point. */
  lastSeq: number;
}

/**
 * A reset replaces what is held (D6); a replay appends the events newer than it (D5), so a replay that
 * overlaps what is held repeats nothing.
 *
 * @example mergeHistory({ events: [e1, e2], lastSeq: 2 }, { reset: false, events: [e2, e3], lastSeq: 3, ... })
 *   // { events: [e1, e2, e3], lastSeq: 3 }
 */
export function mergeHistory(held: Held, frame: Pick<HistoryFrame, 'events' | 'reset' | 'lastSeq'>): Held {
  const events = frame.reset ? frame.events : [...held.events, ...frame.events.filter((e) => e.seq > held.lastSeq)];
  return { events, lastSeq: Math.max(frame.reset ? 0 : held.lastSeq, frame.lastSeq, events.at(-1)?.seq ?? 0) };
}
