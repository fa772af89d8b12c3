/**
 * @module How a (re)connecting client catches up with one conversation (SPEC D5, D6). Pure.
 */
import { MAX_REPLAY_EVENTS } from '../../shared/limits';

export type ResumePlan = { kind: 'replay'; afterSeq: number } | { kind: 'snapshot' };

/**
 * - D5: a client that holds events up to `afterSeq` gets every later event, when there are at most
 *   `maxReplay` of them.
 * - D6: a client that holds nothing, is too far behind, or holds a sequence the server never wrote (a restored
 *   or different database) gets a snapshot that replaces what it has: an explicit reset, never a silent gap.
 *
 * @example planResume(10, 12) // { kind: 'replay', afterSeq: 10 }
 */
export function planResume(afterSeq: number, lastSeq: number, maxReplay: number = MAX_REPLAY_EVENTS): ResumePlan {
  if (afterSeq <= 0 || afterSeq > lastSeq || lastSeq - afterSeq > maxReplay) return { kind: 'snapshot' };
  return { kind: 'replay', afterSeq };
}
