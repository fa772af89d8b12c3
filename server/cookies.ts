/**
 * @module The agent session and device cookies: their names, and reading one from a raw Cookie header (the
 * WebSocket upgrade has no Hono context) with the parser Hono's getCookie uses, so the socket and the HTTP
 * routes read a cookie alike. The HTTP routes write them with hono/cookie's setCookie.
 */
import { parse } from 'hono/utils/cookie';

export const SESSION_COOKIE = 'papo_session';
/** SPEC L6: marks a browser where an agent signed in (signed; sent only to /api/v1/auth). */
export const DEVICE_COOKIE = 'papo_device';

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  return header ? parse(header, name)[name] : undefined;
}
