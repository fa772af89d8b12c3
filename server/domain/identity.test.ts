import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyIdentity, userHash } from './identity';

const SECRET = 'site-identity-secret-for-tests';
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const NOW_S = NOW / 1000;

// Tokens are made here with node:crypto, not with the code under test.
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function jwt(claims: unknown, { header = { alg: 'HS256', typ: 'JWT' } as unknown, secret = SECRET } = {}): string {
  const signing = `${b64(header)}.${b64(claims)}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}
const hmacHex = (id: string, secret = SECRET) => createHmac('sha256', secret).update(id).digest('hex');
const good = { sub: 'user-42', name: 'Ana Souza', email: 'ana@example.com.br', exp: NOW_S + 300 };

describe('verifyIdentity: JWT (SPEC W6)', () => {
  const cases: Array<[string, string, ReturnType<typeof verifyIdentity>]> = [
    ['a valid HS256 token names its user', jwt(good), { ok: true, user: { userId: 'user-42', name: 'Ana Souza', email: 'ana@example.com.br' } }],
    ['name and e-mail are optional', jwt({ sub: 'u1', exp: NOW_S + 60 }), { ok: true, user: { userId: 'u1', name: null, email: null } }],
    ['a token without typ is accepted', jwt(good, { header: { alg: 'HS256' } }), { ok: true, user: { userId: 'user-42', name: 'Ana Souza', email: 'ana@example.com.br' } }],
    ['exp just past, within the 30 s leeway', jwt({ ...good, exp: NOW_S - 20 }), { ok: true, user: { userId: 'user-42', name: 'Ana Souza', email: 'ana@example.com.br' } }],
    ['exp 24 h ahead is the longest allowed', jwt({ ...good, exp: NOW_S + 86_400 }), { ok: true, user: { userId: 'user-42', name: 'Ana Souza', email: 'ana@example.com.br' } }],
    ['nbf now is fine', jwt({ ...good, nbf: NOW_S }), { ok: true, user: { userId: 'user-42', name: 'Ana Souza', email: 'ana@example.com.br' } }],
    ['the signed e-mail is kept lower-case', jwt({ ...good, email: ' Ana@Example.COM ' }), { ok: true, user: { userId: 'user-42', name: 'Ana Souza', email: 'ana@example.com' } }],
    ['exp in the past is expired', jwt({ ...good, exp: NOW_S - 31 }), { ok: false, code: 'identity_expired' }],
    ['exp more than 24 h ahead', jwt({ ...good, exp: NOW_S + 86_400 + 3600 }), { ok: false, code: 'identity_invalid' }],
    ['nbf in the future', jwt({ ...good, nbf: NOW_S + 600 }), { ok: false, code: 'identity_invalid' }],
    ['signed with another secret', jwt(good, { secret: 'another-secret' }), { ok: false, code: 'identity_invalid' }],
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`, { ok: false, code: 'identity_invalid' }],
    ['alg none with a signature anyway', jwt(good, { header: { alg: 'none' } }), { ok: false, code: 'identity_invalid' }],
    ['alg HS512', jwt(good, { header: { alg: 'HS512', typ: 'JWT' } }), { ok: false, code: 'identity_invalid' }],
    ['alg RS256', jwt(good, { header: { alg: 'RS256', typ: 'JWT' } }), { ok: false, code: 'identity_invalid' }],
    ['missing sub', jwt({ exp: NOW_S + 60 }), { ok: false, code: 'identity_invalid' }],
    ['empty sub', jwt({ sub: '', exp: NOW_S + 60 }), { ok: false, code: 'identity_invalid' }],
    ['numeric sub', jwt({ sub: 42, exp: NOW_S + 60 }), { ok: false, code: 'identity_invalid' }],
    ['missing exp', jwt({ sub: 'u1' }), { ok: false, code: 'identity_invalid' }],
    ['exp as a string', jwt({ sub: 'u1', exp: String(NOW_S + 60) }), { ok: false, code: 'identity_invalid' }],
    ['name that is not a string', jwt({ ...good, name: { first: 'Ana' } }), { ok: false, code: 'identity_invalid' }],
    ['claims that are not an object', jwt('"just a string"'), { ok: false, code: 'identity_invalid' }],
    ['header that is not JSON', `${b64('not json')}.${b64(good)}.${'A'.repeat(43)}`, { ok: false, code: 'identity_invalid' }],
    ['two parts', `${b64({ alg: 'HS256' })}.${b64(good)}`, { ok: false, code: 'identity_invalid' }],
    ['four parts', `${jwt(good)}.x`, { ok: false, code: 'identity_invalid' }],
    ['not base64url', jwt(good).replace(/\.[^.]*$/, '.+/=+/='), { ok: false, code: 'identity_invalid' }],
    ['a padded signature', `${jwt(good)}=`, { ok: false, code: 'identity_invalid' }],
  ];
  it.each(cases)('%s', (_name, token, expected) => {
    expect(verifyIdentity({ jwt: token }, SECRET, NOW)).toEqual(expected);
  });

  it('tampered claims fail the signature', () => {
    const [h, , s] = jwt(good).split('.');
    const forged = `${h}.${b64({ ...good, sub: 'admin' })}.${s}`;
    expect(verifyIdentity({ jwt: forged }, SECRET, NOW)).toEqual({ ok: false, code: 'identity_invalid' });
  });

  it('a signature one character off fails', () => {
    const token = jwt(good);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    expect(verifyIdentity({ jwt: `${token.slice(0, -2)}${last}${token.at(-1)}` }, SECRET, NOW)).toEqual({ ok: false, code: 'identity_invalid' });
  });

  it('an empty secret verifies nothing', () => {
    const token = jwt(good, { secret: '' });
    expect(verifyIdentity({ jwt: token }, '', NOW)).toEqual({ ok: false, code: 'identity_invalid' });
  });
});

describe('verifyIdentity: userHash (SPEC W6)', () => {
  const cases: Array<[string, Parameters<typeof verifyIdentity>[0], ReturnType<typeof verifyIdentity>]> = [
    // Issue 11 F8: the hash signs the user id alone; the e-mail beside it is nobody's word and is dropped.
    ['a matching hash names the user; its unsigned e-mail is dropped', { userId: 'user-42', userHash: hmacHex('user-42'), name: 'Ana', email: 'ana@example.com' }, { ok: true, user: { userId: 'user-42', name: 'Ana', email: null } }],
    ['upper-case hex is the same hash', { userId: 'user-42', userHash: hmacHex('user-42').toUpperCase() }, { ok: true, user: { userId: 'user-42', name: null, email: null } }],
    ['blank name and e-mail are none', { userId: 'u', userHash: hmacHex('u'), name: '  ', email: '' }, { ok: true, user: { userId: 'u', name: null, email: null } }],
    ['an e-mail that is not an address is dropped, the identity stands', { userId: 'u', userHash: hmacHex('u'), email: 'not-an-email' }, { ok: true, user: { userId: 'u', name: null, email: null } }],
    ["another user's hash", { userId: 'user-43', userHash: hmacHex('user-42') }, { ok: false, code: 'identity_invalid' }],
    ['a hash with another secret', { userId: 'user-42', userHash: hmacHex('user-42', 'other') }, { ok: false, code: 'identity_invalid' }],
    ['not hex', { userId: 'user-42', userHash: 'z'.repeat(64) }, { ok: false, code: 'identity_invalid' }],
  ];
  it.each(cases)('%s', (_name, proof, expected) => {
    expect(verifyIdentity(proof, SECRET, NOW)).toEqual(expected);
  });

  it('userHash is the hex HMAC-SHA256 of the user id', () => {
    expect(userHash(SECRET, 'user-42')).toBe(hmacHex('user-42'));
  });
});

describe('verifyIdentity: lone surrogates in a JWT (SPEC D14)', () => {
  const cases: Array<[string, unknown, ReturnType<typeof verifyIdentity>]> = [
    // JSON.stringify writes the lone surrogate as the escape \ud800, as a host backend's JSON would.
    ['a name with a lone surrogate is kept with U+FFFD in its place', { ...good, name: 'Ana \ud800' }, { ok: true, user: { userId: 'user-42', name: 'Ana \ufffd', email: 'ana@example.com.br' } }],
    ['a user id with a lone surrogate is refused, never merged with another id', { ...good, sub: 'user-\udc00' }, { ok: false, code: 'identity_invalid' }],
    ['a name cut at its 200th unit does not keep half an emoji', { ...good, name: `${'a'.repeat(199)}😀` }, { ok: true, user: { userId: 'user-42', name: 'a'.repeat(199), email: 'ana@example.com.br' } }],
  ];
  it.each(cases)('D14: %s', (_name, claims, expected) => {
    expect(verifyIdentity({ jwt: jwt(claims) }, SECRET, NOW)).toEqual(expected);
  });
});
