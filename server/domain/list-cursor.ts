/**
 * @module The conversation lists' paging cursor (issue 12): where a page ended, as an opaque string. The next
 * page is read by keyset from there, so a page costs the same on the first screen and the thousandth, and a
 * row is never skipped or repeated when rows share an activity time (the id breaks the tie).
 */

/** The last row of a page: its activity time and id, the lists' order (newest first, then id). */
export interface ListPosition {
  updatedAt: number;
  id: string;
}

/**
 * The cursor of a position: base64url of `[updatedAt, id]`. Opaque to clients, who hand it back as is.
 *
 * @example encodeCursor({ updatedAt: 1750000000000, id: 'c1' }) // 'WzE3NTAwMDAwMDAwMDAsImMxIl0'
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.updatedAt, position.id]), 'utf8').toString('base64url');
}

/** Ids are UUIDs; anything longer than this was not made by encodeCursor. */
const MAX_ID_CHARS = 64;

/**
 * The position a cursor names, or null when the string is not one `encodeCursor` could have made (the
 * caller answers `invalid_cursor`).
 *
 * @example decodeCursor('WzE3NTAwMDAwMDAwMDAsImMxIl0') // { updatedAt: 1750000000000, id: 'c1' }
 */
export function decodeCursor(cursor: string): ListPosition | null {
  if (cursor.length === 0 || cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [updatedAt, id] = value as unknown[];
  if (!Number.isSafeInteger(updatedAt) || (updatedAt as number) < 0) return null;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_CHARS) return null;
  return { updatedAt: updatedAt as number, id };
}

/**
 * A page of `limit` rows out of `rows`, read with one row more than the page holds: when that extra row is
 * there, more follow and the cursor names the page's last row; otherwise this is the last page.
 *
 * @example pageOf([a, b, c], 2) // { page: [a, b], next: { updatedAt: b.updatedAt, id: b.id } }
 */
export function pageOf<T extends ListPosition>(rows: readonly T[], limit: number): { page: T[]; next: ListPosition | null } {
  if (rows.length <= limit) return { page: [...rows], next: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1]!;
  return { page, next: { updatedAt: last.updatedAt, id: last.id } };
}
