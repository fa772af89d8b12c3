/**
 * @module Timer functions, injectable so tests can drive time: the router's offers, requests and waits
 * (SPEC R4, R6, T2) and the directory's presence grace (R13) take them from the composition root.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's own timers. */
export const systemTimers: Timers = globalThis as Timers;

/**
 * A timer that keeps nothing alive: a Papo started without `stop()` (a script, a test) exits without waiting
 * for it. Injected timers that have no `unref` are left as they are.
 */
export function unref(handle: unknown): unknown {
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}
