/**
 * @module Issue 15 (site owners): pages on an origin a site does not allow. Pure: which origins are worth
 * recording, how the admin's list is summed from the store's daily rows, and the one browser-console line
 * the loader prints for the site owner.
 */
import { normalizeOrigin } from './origins';

/** One refused origin's count on one UTC day (YYYY-MM-DD), as the store keeps it. */
export interface RefusedOriginRow {
  origin: string;
  day: string;
  count: number;
  lastAt: number;
}

/** At most this many distinct refused origins are recorded per site and UTC day (a flood writes no more). */
export const REFUSED_ORIGINS_PER_DAY = 20;
/** The admin sees the refusals of this many days (today included). */
export const REFUSED_ORIGINS_DAYS = 7;
const MAX_ORIGIN_CHARS = 200;

/** The UTC day (YYYY-MM-DD) of a time: the rows' `day`. */
export const utcDay = (at: number): string => new Date(at).toISOString().slice(0, 10);

/**
 * The origin as it is recorded, or null when it is not worth recording: missing, `null` (a sandboxed frame,
 * a file), not http(s), with a path or credentials, or longer than 200 characters.
 *
 * @example recordableOrigin('https://shop.example.com') // 'https://shop.example.com'; recordableOrigin('null') // null
 */
export function recordableOrigin(origin: string | undefined): string | null {
  if (!origin || origin.length > MAX_ORIGIN_CHARS) return null;
  const normal = normalizeOrigin(origin);
  // A browser's Origin header is exactly its serialized origin (lower-case, no default port, no path).
  return normal === origin ? normal : null;
}

/** One refused origin as the admin sees it. */
export interface RefusedOrigin {
  origin: string;
  /** Refusals on the UTC day of `now`. */
  today: number;
  /** Refusals over the days read. */
  total: number;
  lastAt: number;
}

/** The daily rows summed per origin, the most recently refused first. */
export function summarizeRefused(rows: readonly RefusedOriginRow[], now: number): RefusedOrigin[] {
  const today = utcDay(now);
  const byOrigin = new Map<string, RefusedOrigin>();
  for (const row of rows) {
    const seen = byOrigin.get(row.origin) ?? { origin: row.origin, today: 0, total: 0, lastAt: 0 };
    seen.total += row.count;
    if (row.day === today) seen.today += row.count;
    seen.lastAt = Math.max(seen.lastAt, row.lastAt);
    byOrigin.set(row.origin, seen);
  }
  return [...byOrigin.values()].sort((a, b) => b.lastAt - a.lastAt || (a.origin < b.origin ? -1 : 1));
}

/**
 * The one line the loader writes to the browser console on a refused page: what to add and where.
 *
 * @example refusedMessage('https://shop.example.com', 'Loja') // 'Papo: chat is off on this page because ...'
 */
export function refusedMessage(origin: string, siteName: string): string {
  return (
    `Papo: chat is off on this page because its origin ${origin} is not allowed for the site "${siteName}". ` +
    `To turn it on, add ${origin} in the Papo console: Administration → Sites and widget → ${siteName} → Allowed pages ` +
    `(em português: Administração → Sites e widget → ${siteName} → Páginas permitidas), ` +
    `or PUT /api/v1/sites/<site id>/origins with {"allowedOrigins": [..., "${origin}"]}.`
  );
}
