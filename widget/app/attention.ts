/**
 * @module Getting the visitor's attention for agent messages (SPEC W2): the tab title while hidden, and
 * the opt-in sound, played by one tab only (the beep itself is `beep.ts`, a chunk fetched when it plays).
 */

/**
 * Whether this tab plays the sound for message `seq` of `conversationId`, given the stored chime
 * (`conversationId:seq` of the last one any tab played): only for a newer message than that. The tab that
 * plays stores its own next, so the others, reading it, stay quiet.
 *
 * @example claimChime('c1:4', 'c1', 5) // true
 */
export function claimChime(stored: string | null, conversationId: string, seq: number): boolean {
  const at = stored?.lastIndexOf(':') ?? -1;
  return !stored || stored.slice(0, at) !== conversationId || !(Number(stored.slice(at + 1)) >= seq);
}

/** The page's title with "(n) " before it while the tab is hidden and messages are unread; without it else. */
export function titled(title: string, unread: number, hidden: boolean): string {
  const base = title.replace(/^\(\d+\) /, '');
  return hidden && unread > 0 ? `(${unread}) ${base}` : base;
}
