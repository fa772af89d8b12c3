// @ts-check
/**
 * @module How a host backend proves to Papo who its signed-in user is (SPEC W6), with node:crypto alone:
 * a short-lived HS256 JWT (preferred), or the user id's HMAC-SHA256 ("userHash"). The key is the site's
 * identity secret from Papo's console; it stays on this server and is never sent to the browser.
 */
import { createHmac } from 'node:crypto';

/** How long a JWT for the widget lives: long enough to load a page, short enough to be useless if copied. */
export const JWT_LIFETIME_S = 5 * 60;

const base64url = (/** @type {string | Buffer} */ value) => Buffer.from(value).toString('base64url');

/**
 * An HS256 JWT naming the user: `sub` (the user id), `name`, `email`, `iat`, `exp` (5 minutes).
 *
 * @param {{ id: string; name?: string | null; email?: string | null }} user
 * @param {string} secret the site's identity secret
 * @param {number} [nowMs]
 * @returns {string}
 */
export function signJwt(user, secret, nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const claims = { sub: user.id, iat, exp: iat + JWT_LIFETIME_S };
  if (user.name) Object.assign(claims, { name: user.name });
  if (user.email) Object.assign(claims, { email: user.email });
  const signing = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}

/**
 * The hex HMAC-SHA256 of the user id: the other proof Papo takes, `{ userId, userHash, name, email }`.
 * It never expires, so prefer the JWT.
 *
 * @param {string} userId
 * @param {string} secret
 * @returns {string}
 */
export function userHash(userId, secret) {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}
