/**
 * @module Which page origins may use a site key (SPEC D10). Pure.
 *
 * A site's allow-list holds exact origins (`https://shop.example.com`), wildcard subdomains
 * (`https://*.example.com`), `self` (the Papo server's own origin: its demo pages) or `*` (any page).
 */

/** Normalises an origin: lower-case scheme and host, default port dropped. Null when it is not an origin. */
export function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * @example originAllowed(['https://*.example.com'], 'https://shop.example.com', 'http://localhost:8787') // true
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined, selfOrigin: string): boolean {
  if (origin === undefined) return false;
  const given = normalizeOrigin(origin);
  if (given === null) return false;
  for (const entry of allowed) {
    if (entry === '*') return true;
    if (entry === 'self') {
      if (given === normalizeOrigin(selfOrigin)) return true;
      continue;
    }
    const star = entry.indexOf('://*.');
    if (star !== -1) {
      const scheme = entry.slice(0, star);
      const suffix = entry.slice(star + 4).toLowerCase();
      const url = new URL(given);
      if (url.protocol === `${scheme}:` && url.host.endsWith(suffix) && url.host.length > suffix.length) return true;
      continue;
    }
    if (given === normalizeOrigin(entry)) return true;
  }
  return false;
}
