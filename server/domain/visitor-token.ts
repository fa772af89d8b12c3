/**
 * @module Visitor tokens: who a widget is, bound to one site, signed by this server (HMAC-SHA256), with an
 * expiry. Format `v1.<claims base64url>.<signature base64url>`. Pure apart from the hash.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VisitorClaims {
  siteId: string;
  visitorId: string;
  /** Expiry, Unix milliseconds. */
  exp: number;
}

export type TokenCheck = { ok: true; claims: VisitorClaims } | { ok: false; code: 'token_invalid' | 'token_expired' };

const PREFIX = 'v1';

/** @example signVisitorToken({ siteId, visitorId, exp: Date.now() + 86_400_000 }, secret) */
export function signVisitorToken(claims: VisitorClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify({ s: claims.siteId, v: claims.visitorId, e: claims.exp })).toString('base64url');
  return `${PREFIX}.${body}.${sign(`${PREFIX}.${body}`, secret)}`;
}

/** Checks signature first, then shape, then expiry; a token for another site is the caller's check. */
export function verifyVisitorToken(token: string, secret: string, now: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, code: 'token_invalid' };
  const [, body, mac] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${PREFIX}.${body}`, secret));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, code: 'token_invalid' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, code: 'token_invalid' };
  }
  if (typeof raw !== 'object' || raw === null) return { ok: false, code: 'token_invalid' };
  const c = raw as { s?: unknown; v?: unknown; e?: unknown };
  if (typeof c.s !== 'string' || typeof c.v !== 'string' || typeof c.e !== 'number') return { ok: false, code: 'token_invalid' };
  if (c.e <= now) return { ok: false, code: 'token_expired' };
  return { ok: true, claims: { siteId: c.s, visitorId: c.v, exp: c.e } };
}

function sign(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}
