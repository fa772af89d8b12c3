/**
 * @module Pure helpers for what a message shows: safe links and an agent's initials.
 */
import { webUrl } from '../../shared/safe-url';

/** Text, or a link: only http(s) and mailto ever become one (never javascript:, data:...). */
export type Piece = string | { href: string; text: string };

const LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;

/**
 * The message's text cut into plain pieces and links, every character kept as sent (emoji, any script).
 * Punctuation right after a link ("veja https://x.com.") stays text.
 *
 * @example linkify('veja https://x.com.') // ['veja ', { href: 'https://x.com/', text: 'https://x.com' }, '.']
 */
export function linkify(text: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(LINK)) {
    const found = m[0].replace(/[.,;:!?'")\]}]+$/, '');
    const mailto = /^mailto:/i.test(found);
    const href = mailto || !/^http/i.test(found)
      ? EMAIL.test(mailto ? found.slice(7) : found) && `mailto:${mailto ? found.slice(7) : found}`
      : webUrl(found);
    if (!href) continue;
    if (m.index > at) pieces.push(text.slice(at, m.index));
    pieces.push({ href, text: found });
    at = m.index + found.length;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return pieces;
}

/** Up to two initials, of the first and last words. @example initials('ana maria souza') // "AS" */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (w: string | undefined) => (w ? [...w][0]!.toLocaleUpperCase() : '');
  return first(words[0]) + (words.length > 1 ? first(words.at(-1)) : '');
}
