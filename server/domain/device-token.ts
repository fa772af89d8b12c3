/**
 * @module Device cookies (issue 11 F7, SPEC L6; OWASP "Slow down online guessing attacks with device
 * cookies"): a browser where an agent signed in gets a token naming that agent and a random device id,
 * signed by this server (HMAC-SHA256), with an expiry. A sign-in that shows one for the same agent is a known
 * browser: the account's lockout does not apply to it. Format `d1.<claims base64url>.<signature base64url>`.
 * Pure apart from the hash.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface DeviceClaims {
  agentId: string;
  /** Random, per sign-in: the key its own failures are counted by. */
  deviceId: string;
  /** Expiry, Unix milliseconds. */
  exp: number;
}

/** How long a browser stays known without signing in again. */
export const DEVICE_TTL_MS = 90 * 86_400_000;

const PREFIX = 'd1';
const MAX_TOKEN = 400;

/** @example signDeviceToken({ agentId, deviceId: randomToken(16), exp: Date.now() + DEVICE_TTL_MS }, secret) */
export function signDeviceToken(claims: DeviceClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify({ a: claims.agentId, d: claims.deviceId, e: claims.exp })).toString('base64url');
  return `${PREFIX}.${body}.${sign(`${PREFIX}.${body}`, secret)}`;
}

/** The claims of a token this server signed and that has not expired; null for anything else. */
export function verifyDeviceToken(token: string | undefined, secret: string, now: number): DeviceClaims | null {
  if (!token || token.length > MAX_TOKEN) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const [, body, mac] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${PREFIX}.${body}`, secret));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as { a?: unknown; d?: unknown; e?: unknown };
  if (typeof c.a !== 'string' || typeof c.d !== 'string' || typeof c.e !== 'number' || c.d === '') return null;
  if (c.e <= now) return null;
  return { agentId: c.a, deviceId: c.d, exp: c.e };
}

function sign(data: string, secret: string): string {
  // A label of its own: a visitor token (signed with the same secret) can never pass for a device token.
  return createHmac('sha256', secret).update(`papo-device|${data}`).digest('base64url');
}
