/**
 * @module Limits every part of Papo agrees on. The server enforces them; the widget and console show them.
 */

/** Most characters in one chat message (Webex's compose box allows 1000; see ../shared/seeds/webex-livechat.txt). */
export const MAX_MESSAGE_CHARS = 1000;

/** Largest WebSocket frame the server reads. A frame above it closes the socket with 1009 (SPEC D9). */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * A client that is more than this many events behind gets a `history` frame with `reset: true` (the newest
 * page) instead of a replay (SPEC D6).
 */
export const MAX_REPLAY_EVENTS = 500;

/** How many events a snapshot (`reset`) or one history page carries. */
export const HISTORY_PAGE_EVENTS = 200;

/** Longest display name, e-mail or password the server accepts in a request body. */
export const MAX_NAME_CHARS = 120;
export const MAX_EMAIL_CHARS = 254;
export const MAX_PASSWORD_CHARS = 200;

/**
 * Characters as a person counts them closely enough: Unicode code points, so an emoji counts once and not
 * as its two UTF-16 halves. The widget's counter and the server's check use this same function.
 *
 * @example countChars('olá 👋') // 5
 */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A message is sendable when it has something besides white space and is within MAX_MESSAGE_CHARS. */
export function messageProblem(text: string): 'message_empty' | 'message_too_long' | null {
  if (text.trim() === '') return 'message_empty';
  if (text.length > MAX_MESSAGE_CHARS && countChars(text) > MAX_MESSAGE_CHARS) return 'message_too_long';
  return null;
}
