/**
 * @module Identity proofs from host pages (SPEC W6): an HS256 JWT signed with the site's identity secret, or
 * a user id with its userHash (hex HMAC-SHA256 of the id). Pure apart from the hash; the clock is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IdentityProof } from '../../shared/protocol';
import { sliceWhole, wellFormed, wellFormedString } from '../../shared/well-formed';
import { EMAIL } from './tickets';

/**
 * The user a verified proof names. `email` is one the site signed (a JWT claim), or null: a userHash signs
 * the user id alone, so the e-mail beside it is anyone's claim and is not kept (issue 11 F8, SPEC W6).
 */
export interface IdentifiedUser {
  userId: string;
  email: string | null;
  name: string | null;
}

export type IdentityCheck = { ok: true; user: IdentifiedUser } | { ok: false; code: 'identity_invalid' | 'identity_expired' };

/** Clock skew a JWT's `exp` and `nbf` are allowed, in seconds. */
export const IDENTITY_LEEWAY_S = 30;
/** A JWT may live at most this long from now (SPEC W6): a leaked token is useless after a day. */
export const IDENTITY_MAX_LIFETIME_S = 24 * 60 * 60;
/** The longest user id, name and e-mail kept from a JWT (the userHash form's schema has the same bounds). */
const MAX_USER_ID = 200;
const MAX_NAME = 200;
const MAX_EMAIL = 254;

const INVALID: IdentityCheck = { ok: false, code: 'identity_invalid' };

/**
 * The hex HMAC-SHA256 of `userId` keyed by the site's identity secret: what a host backend computes.
 *
 * @example userHash('s3cret', 'user-42') // '9f86...'
 */
export function userHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/**
 * Checks a host page's proof against the site's identity secret at `now` (Unix ms). The signature is checked
 * before any claim is believed; comparisons are constant-time. Only what was signed is vouched for: a
 * userHash's e-mail is not (answered as null). A JWT must be HS256 (anything else, `none`
 * included, is refused), carry a string `sub` and a numeric `exp` at most 24 h ahead, and not be before its
 * `nbf`; `name` and `email` are optional strings.
 *
 * @example verifyIdentity({ jwt }, site.identitySecret, Date.now()) // { ok: true, user: { userId: '42', ... } }
 */
export function verifyIdentity(proof: IdentityProof, secret: string, now: number): IdentityCheck {
  if (!secret) return INVALID;
  if ('jwt' in proof) return verifyJwt(proof.jwt, secret, now);
  const expected = Buffer.from(userHash(secret, proof.userId), 'hex');
  // Case-insensitive hex: both sides compared as bytes.
  if (!/^[0-9a-fA-F]{64}$/.test(proof.userHash)) return INVALID;
  const given = Buffer.from(proof.userHash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return INVALID;
  // Issue 11 F8: the hash covers the user id only. Its e-mail would become the requester tickets and
  // transcripts are mailed to and the key data-rights exports and erasures match, so an unsigned one is
  // dropped; its name is kept as a display name, no more trusted than one typed in the pre-chat form.
  return { ok: true, user: { userId: proof.userId, email: null, name: clean(proof.name, MAX_NAME) } };
}

function verifyJwt(jwt: string, secret: string, now: number): IdentityCheck {
  const parts = jwt.split('.');
  if (parts.length !== 3) return INVALID;
  const [head, body, mac] = parts as [string, string, string];
  if (!isBase64Url(head) || !isBase64Url(body) || !isBase64Url(mac) || mac === '') return INVALID;
  const header = parseJson(head);
  // Only HS256: `none`, RS256 (key confusion) and anything else never reach the signature check.
  if (!header || header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT')) return INVALID;
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return INVALID;

  const claims = parseJson(body);
  if (!claims) return INVALID;
  const { sub, exp, nbf, name, email } = claims;
  // SPEC D14: a user id is an identifier, so one with a lone surrogate is refused rather than replaced (two
  // different ids must not become the same visitor); the name and e-mail are text, made well-formed below.
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_USER_ID || wellFormedString(sub) !== sub) return INVALID;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return INVALID;
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf))) return INVALID;
  if (name !== undefined && name !== null && typeof name !== 'string') return INVALID;
  if (email !== undefined && email !== null && typeof email !== 'string') return INVALID;
  const nowS = now / 1000;
  if (exp + IDENTITY_LEEWAY_S <= nowS) return { ok: false, code: 'identity_expired' };
  // A token that lives longer than a day is refused outright: the site must sign short-lived ones.
  if (exp > nowS + IDENTITY_MAX_LIFETIME_S + IDENTITY_LEEWAY_S) return INVALID;
  if (typeof nbf === 'number' && nbf > nowS + IDENTITY_LEEWAY_S) return INVALID;
  return { ok: true, user: { userId: sub, email: cleanEmail(wellFormed(email)), name: clean(wellFormed(name), MAX_NAME) } };
}

function isBase64Url(part: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(part) && part.length % 4 !== 1;
}

/** A JSON object from a base64url part, or null (not JSON, not an object, or a `__proto__` trick). */
function parseJson(part: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return Object.assign(Object.create(null) as Record<string, unknown>, value);
}

/**
 * The site vouches for the e-mail, but it becomes a requester address tickets and transcripts are sent to:
 * one that is not an address is dropped (the identity stands), and it is kept lower-case like the forms'.
 */
function cleanEmail(value: unknown): string | null {
  const email = clean(value, MAX_EMAIL)?.toLowerCase() ?? null;
  return email !== null && EMAIL.test(email) ? email : null;
}

/** Trimmed, bounded, and null when empty or absent. */
function clean(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = sliceWhole(value.trim(), max);
  return trimmed === '' ? null : trimmed;
}
