/**
 * @module When a client tries to reconnect (SPEC D8): exponential backoff with full jitter, so that a
 * server restart is not met by every client at the same instant.
 */

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

/**
 * Delay before reconnect attempt `attempt` (0 for the first): a uniform draw in [0, min(cap, base * 2^n)].
 *
 * @example reconnectDelay(3, () => 0.5) // 2000
 */
export function reconnectDelay(
  attempt: number,
  random: () => number = Math.random,
  base = BACKOFF_BASE_MS,
  cap = BACKOFF_CAP_MS,
): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
