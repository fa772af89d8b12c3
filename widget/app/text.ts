/**
 * @module Pure helpers for what a message shows: safe links, an agent's initials, the text colour on the
 * site's accent.
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

/**
 * Black or white, whichever contrasts more with `hex` (#rrggbb), by WCAG relative luminance: the text
 * colour on the site's accent.
 *
 * @example onAccent('#047857') // "#fff"
 */
export function onAccent(hex: string): '#000' | '#fff' {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  // Contrast with black (l + .05) / .05 against with white 1.05 / (l + .05).
  return (l + 0.05) ** 2 > 0.0525 ? '#000' : '#fff';
}
