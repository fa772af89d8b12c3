/**
 * @module Work over every open socket, spread so no turn of the event loop does it for all of them (issue 12):
 * the heartbeat (SPEC D13) pings a slice of the sockets at a time over its interval, and a mass close
 * (shutdown, SPEC D12; a site-wide close) closes a slice per turn. At 10,000 sockets one heartbeat tick that
 * pinged them all blocked the loop 141-240 ms, and closing 2,000 at once 458 ms.
 *
 * Timers and the next-turn function are injected, so tests drive them and count the slices.
 */
import type { Timers } from '../services/timers';
import { unref } from '../services/timers';

/** What the heartbeat needs of a socket. */
export interface Beating {
  /** Set by every pong; a socket still false when its next turn comes is terminated. */
  alive: boolean;
  ping(): void;
  terminate(): void;
}

/** The heartbeat ticks at least this far apart (ms); fewer, bigger slices for a short interval. */
export const MIN_SLICE_MS = 10;
/** Ticks per heartbeat interval, when the interval allows them MIN_SLICE_MS apart. */
export const HEARTBEAT_SLICES = 100;

/** How many ticks make one heartbeat interval, and how far apart they are. */
export function heartbeatPlan(intervalMs: number): { slices: number; sliceMs: number } {
  const slices = Math.max(1, Math.min(HEARTBEAT_SLICES, Math.floor(intervalMs / MIN_SLICE_MS)));
  return { slices, sliceMs: intervalMs / slices };
}

/**
 * The sockets (indexes into the round's list of `open`) that tick `k` of a round of `slices` ticks visits:
 * each tick its even share, so a round always lasts the whole interval, however few sockets there are.
 */
export function sliceOf(k: number, open: number, slices: number): { from: number; to: number } {
  return { from: Math.floor((k * open) / slices), to: Math.floor(((k + 1) * open) / slices) };
}

export interface Heartbeat {
  stop(): void;
}

/**
 * SPEC D13, spread: a round takes the sockets open at its start and visits its share of them on each of its
 * `slices` ticks (sliceOf), so it lasts `intervalMs`, and the next round starts with the sockets open then.
 * Every socket is pinged once per round, and one that has not answered the previous ping by its next turn
 * is terminated. A socket that closed meanwhile is skipped; one that opened waits for the next round.
 */
export function startHeartbeat(members: ReadonlySet<Beating>, intervalMs: number, timers: Timers): Heartbeat {
  const { slices, sliceMs } = heartbeatPlan(intervalMs);
  let round: Beating[] = [];
  let k = 0;
  let handle: unknown;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (k === 0) round = [...members];
    const { from, to } = sliceOf(k, round.length, slices);
    for (let at = from; at < to; at++) {
      const member = round[at]!;
      if (!members.has(member)) continue;
      if (!member.alive) {
        member.terminate();
        continue;
      }
      member.alive = false;
      member.ping();
    }
    k = (k + 1) % slices;
    if (k === 0) round = []; // not kept until the next round: closed sockets are garbage now
    handle = unref(timers.setTimeout(tick, sliceMs));
  };
  handle = unref(timers.setTimeout(tick, sliceMs));
  return {
    stop() {
      stopped = true;
      timers.clearTimeout(handle);
    },
  };
}

/** Most sockets a mass close closes in one turn of the event loop. */
export const CLOSE_SLICE = 250;

/**
 * Runs `each` over `items` (taken now: later additions are not included) in slices of `size`, one slice per
 * `defer` (setImmediate): a mass close leaves the loop free for other work between slices. Resolves after
 * the last slice.
 */
export function inSlices<T>(
  items: Iterable<T>,
  each: (item: T) => void,
  { size = CLOSE_SLICE, defer = setImmediate as (fn: () => void) => unknown }: { size?: number; defer?: (fn: () => void) => unknown } = {},
): Promise<void> {
  const list = [...items];
  return new Promise((resolve) => {
    let at = 0;
    const slice = () => {
      const end = Math.min(list.length, at + size);
      for (; at < end; at++) each(list[at]!);
      if (at < list.length) defer(slice);
      else resolve();
    };
    slice();
  });
}
