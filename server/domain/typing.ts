/**
 * @module SPEC W1: which `typing` frames of one socket are worth relaying. Pure; the connection keeps one
 * `TypingThrottle` per socket and hands it the clock.
 */

/** At most one `on: true` per conversation per socket in this long; the widget and console send one every 3 s. */
export const TYPING_MIN_INTERVAL_MS = 1000;

/** What was last relayed for one conversation from one socket. */
export interface TypingState {
  on: boolean;
  /** When the last `on: true` was relayed. */
  onAt: number;
}

/**
 * Whether to relay a `typing` frame, given what this socket last relayed for the conversation (undefined:
 * nothing yet). An `on: true` goes out when the author was not typing or a second has passed since the
 * last one (it refreshes the indicator's TYPING_TTL_MS); an `on: false` only ends a typing that was shown.
 * Dropping is silent: a chatty client is not an error.
 *
 * @example relayTyping(undefined, true, 0) // true
 * @example relayTyping({ on: true, onAt: 0 }, true, 500) // false: within a second
 */
export function relayTyping(last: TypingState | undefined, on: boolean, now: number): boolean {
  if (!on) return last?.on === true;
  if (!last) return true;
  // Even after an `on: false`, a new `on: true` within the second waits: toggling cannot flood the audience.
  return now - last.onAt >= TYPING_MIN_INTERVAL_MS;
}

/** Conversations one socket remembers before it forgets the stale ones (an agent writes in few at once). */
const MAX_TRACKED = 64;

/** One socket's typing per conversation. */
export class TypingThrottle {
  readonly #last = new Map<string, TypingState>();

  /** True when this frame should be relayed; it is then recorded as relayed. */
  admit(conversationId: string, on: boolean, now: number): boolean {
    const last = this.#last.get(conversationId);
    if (!relayTyping(last, on, now)) return false;
    if (on) {
      if (!last && this.#last.size >= MAX_TRACKED) this.#makeRoom(now);
      this.#last.set(conversationId, { on: true, onAt: now });
    } else {
      this.#last.set(conversationId, { on: false, onAt: last?.onAt ?? now });
    }
    return true;
  }

  /**
   * Forgets the conversations whose last `on` is over a second old; if all are recent (a client naming
   * conversation after conversation), the oldest one. The map never passes MAX_TRACKED, so this stays cheap.
   */
  #makeRoom(now: number): void {
    for (const [id, state] of this.#last) if (now - state.onAt >= TYPING_MIN_INTERVAL_MS) this.#last.delete(id);
    if (this.#last.size >= MAX_TRACKED) this.#last.delete(this.#last.keys().next().value!);
  }

  /** How many conversations are remembered (tests). */
  get size(): number {
    return this.#last.size;
  }
}
