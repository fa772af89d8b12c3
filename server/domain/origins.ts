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
 * This server's origin as browsers see it: PUBLIC_URL's origin when configured (behind a proxy the request
 * only knows the proxy's Host and scheme), else the request's Host over http.
 *
 * @example selfOrigin(null, '127.0.0.1:8787') // 'http://127.0.0.1:8787'
 */
export function selfOrigin(publicOrigin: string | null, host: string | undefined): string {
  return publicOrigin ?? `http://${host ?? 'localhost'}`;
}

/**
 * A browser-sent Origin that is not this server's (cross-site request or WebSocket hijacking). A missing
 * Origin is not foreign: browsers always send one on these requests, so only non-browser clients omit it.
 *
 * @example isForeignOrigin('https://evil.example', 'http://localhost:8787') // true
 */
export function isForeignOrigin(origin: string | undefined, self: string): boolean {
  return origin !== undefined && normalizeOrigin(origin) !== normalizeOrigin(self);
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
