/**
 * @module The agent session and device cookies: their names, and reading one from a raw Cookie header (the WebSocket
 * upgrade has no Hono context).
 */

export const SESSION_COOKIE = 'papo_session';
/** SPEC L6: marks a browser where an agent signed in (signed; sent only to /api/v1/auth). */
export const DEVICE_COOKIE = 'papo_device';

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
