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

export interface Heartbeat {
  stop(): void;
}

/**
 * SPEC D13, spread: every socket has a fixed tick of the `slices` ticks an interval is cut into, given when
 * the heartbeat first sees it (round-robin, so the ticks share the sockets evenly), and is visited on that
 * tick of every round: always exactly one interval after its previous visit, however many sockets open or
 * close meanwhile (issue 12 review: slots by position in a fresh list of each round moved an old socket
 * earlier when many opened, and checked it a few hundred ms after its ping). A visit terminates a socket
 * that has not answered the previous visit's ping, and pings the others. Sockets that opened are given
 * their tick when the next round starts (one pass over the open sockets per interval), so one is first
 * pinged within two intervals of opening; one that stops answering is terminated one to two intervals after
 * its last pong. A socket that closed is dropped at its tick. A socket whose ping or terminate throws is
 * reported to `failed` and the others are still visited.
 */
export function startHeartbeat(
  members: ReadonlySet<Beating>,
  intervalMs: number,
  timers: Timers,
  failed: (err: unknown) => void = () => undefined,
): Heartbeat {
  const { slices, sliceMs } = heartbeatPlan(intervalMs);
  const ticks: Set<Beating>[] = Array.from({ length: slices }, () => new Set());
  const placed = new WeakSet<Beating>();
  let next = 0; // the tick the next new socket is given
  let k = 0;
  let handle: unknown;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (k === 0) {
      for (const member of members) {
        if (placed.has(member)) continue;
        placed.add(member);
        ticks[next]!.add(member);
        next = (next + 1) % slices;
      }
    }
    const due = ticks[k]!;
    for (const member of due) {
      if (!members.has(member)) {
        due.delete(member);
        placed.delete(member);
        continue;
      }
      try {
        if (!member.alive) {
          member.terminate();
          continue;
        }
        member.alive = false;
        member.ping();
      } catch (err) {
        // In a timer a throw would be uncaught, and the heartbeat would stop: report it and go on.
        try {
          failed(err);
        } catch {
          // a logger that throws stops nothing either
        }
      }
    }
    k = (k + 1) % slices;
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
 * the last slice. An item whose `each` throws is passed to `failed` (to log) and the rest go on: a throw in a
 * deferred slice would otherwise be an uncaught exception, and stop the close half way.
 */
export function inSlices<T>(
  items: Iterable<T>,
  each: (item: T) => void,
  failed: (err: unknown, item: T) => void,
  { size = CLOSE_SLICE, defer = setImmediate as (fn: () => void) => unknown }: { size?: number; defer?: (fn: () => void) => unknown } = {},
): Promise<void> {
  const list = [...items];
  return new Promise((resolve) => {
    let at = 0;
    const slice = () => {
      const end = Math.min(list.length, at + size);
      for (; at < end; at++) {
        const item = list[at]!;
        try {
          each(item);
        } catch (err) {
          try {
            failed(err, item);
          } catch {
            // a logger that throws must not stop the close either
          }
        }
      }
      if (at < list.length) defer(slice);
      else resolve();
    };
    slice();
  });
}
