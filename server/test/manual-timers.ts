/**
 * Timers that fire only when a test says so, for the timers Papo takes from `StartOptions.timers` (offers,
 * requests, the presence grace, the bot's retry pause): a test of a 30-second timer takes milliseconds.
 * Timers are told apart by the delay they were armed with.
 */
import type { Timers } from '../services/timers';

export class ManualTimers implements Timers {
  #next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.pending.set(id, { fn, ms });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** The ids of the timers armed with this delay and waiting now. */
  armed(ms: number): number[] {
    return [...this.pending].filter(([, t]) => t.ms === ms).map(([id]) => id);
  }

  /** Runs these timers now, as if their time had come. */
  fire(ids: readonly number[]): void {
    for (const id of ids) {
      const t = this.pending.get(id);
      this.pending.delete(id);
      t?.fn();
    }
  }

  /** Runs every timer armed with this delay, as if that long had passed. */
  elapse(ms: number): void {
    this.fire(this.armed(ms));
  }
}
