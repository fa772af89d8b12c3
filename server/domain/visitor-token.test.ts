import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signVisitorToken, verifyVisitorToken, type VisitorClaims } from './visitor-token';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const OTHER_SECRET = 'another-secret-of-at-least-thirty-two-chars';
const NOW = 1_700_000_000_000;
const claims: VisitorClaims = { siteId: 'site-1', visitorId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', exp: NOW + 86_400_000 };

/** Signs any body the way a holder of the secret would, to reach the checks after the signature. */
function forge(body: string, secret = SECRET, prefix = 'v1'): string {
  const mac = createHmac('sha256', secret).update(`${prefix}.${body}`).digest('base64url');
  return `${prefix}.${body}.${mac}`;
}
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('D10: visitor tokens', () => {
  it('D10: round-trips its claims', () => {
    const token = signVisitorToken(claims, SECRET);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyVisitorToken(token, SECRET, NOW)).toEqual({ ok: true, claims });
  });

  it('D10: is valid until just before exp', () => {
    const token = signVisitorToken(claims, SECRET);
    expect(verifyVisitorToken(token, SECRET, claims.exp - 1)).toEqual({ ok: true, claims });
  });

  it.each([
    ['exp equal to now', 0],
    ['exp one millisecond before now', 1],
    ['exp long ago', 365 * 86_400_000],
  ])('D10: %s answers token_expired', (_name, late) => {
    const token = signVisitorToken(claims, SECRET);
    expect(verifyVisitorToken(token, SECRET, claims.exp + late)).toEqual({ ok: false, code: 'token_expired' });
  });

  it('D10: a token signed with another secret is invalid', () => {
    const token = signVisitorToken(claims, OTHER_SECRET);
    expect(verifyVisitorToken(token, SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it('D10: an expired token signed with another secret is invalid, not expired (signature first)', () => {
    const token = signVisitorToken({ ...claims, exp: NOW - 1 }, OTHER_SECRET);
    expect(verifyVisitorToken(token, SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it.each<[string, Partial<{ s: unknown; v: unknown; e: unknown }>]>([
    ['another site', { s: 'site-2' }],
    ['another visitor', { v: 'someone-else' }],
    ['a later expiry', { e: NOW + 10 * 365 * 86_400_000 }],
  ])('D10: claims tampered to name %s are invalid', (_name, change) => {
    const token = signVisitorToken(claims, SECRET);
    const [prefix, body, mac] = token.split('.') as [string, string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${prefix}.${b64({ ...decoded, ...change })}.${mac}`;
    expect(verifyVisitorToken(tampered, SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it('D10: claims of another valid token under this signature are invalid', () => {
    const mine = signVisitorToken(claims, SECRET).split('.');
    const theirs = signVisitorToken({ ...claims, visitorId: 'other' }, SECRET).split('.');
    expect(verifyVisitorToken(`v1.${theirs[1]}.${mine[2]}`, SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it.each<[string, (mac: string) => string]>([
    ['one character changed', (mac) => (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1)],
    ['last character changed', (mac) => mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A')],
    ['cut short', (mac) => mac.slice(0, -1)],
    ['made longer', (mac) => mac + 'A'],
    ['empty', () => ''],
    ['non-ASCII of the same length', (mac) => 'é'.repeat(mac.length / 2) + (mac.length % 2 ? 'a' : '')],
    ['hex instead of base64url', (mac) => Buffer.from(mac, 'base64url').toString('hex')],
  ])('D10: a signature %s is invalid', (_name, change) => {
    const [prefix, body, mac] = signVisitorToken(claims, SECRET).split('.') as [string, string, string];
    expect(verifyVisitorToken(`${prefix}.${body}.${change(mac)}`, SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it.each<[string, (token: string) => string]>([
    ['an empty string', () => ''],
    ['one part', () => 'v1'],
    ['two parts', (t) => t.split('.').slice(0, 2).join('.')],
    ['four parts', (t) => `${t}.extra`],
    ['an empty fourth part', (t) => `${t}.`],
    ['prefix v2', (t) => t.replace(/^v1\./, 'v2.')],
    ['prefix V1', (t) => t.replace(/^v1\./, 'V1.')],
    ['no prefix', (t) => t.split('.').slice(1).join('.')],
    ['white space around it', (t) => ` ${t} `],
  ])('D10: %s is invalid', (_name, change) => {
    expect(verifyVisitorToken(change(signVisitorToken(claims, SECRET)), SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it('D10: a prefix other than v1 is invalid even when signed over that prefix', () => {
    expect(verifyVisitorToken(forge(b64({ s: 'site-1', v: 'x', e: NOW + 1000 }), SECRET, 'v2'), SECRET, NOW)).toEqual({
      ok: false,
      code: 'token_invalid',
    });
  });

  it('the forge helper signs like the module (so the shape tests below reach the shape checks)', () => {
    expect(verifyVisitorToken(forge(b64({ s: 'site-1', v: 'vis', e: NOW + 1000 })), SECRET, NOW)).toEqual({
      ok: true,
      claims: { siteId: 'site-1', visitorId: 'vis', exp: NOW + 1000 },
    });
  });

  it.each<[string, string]>([
    ['garbage base64 that decodes to nothing', '!!!!'],
    ['an empty body', ''],
    ['base64 of bytes that are not JSON', Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64url')],
    ['base64 of text that is not JSON', b64('hello world')],
    ['JSON null', b64('null')],
    ['a JSON number', b64('42')],
    ['a JSON string', b64('"s"')],
    ['a JSON array', b64([1, 2, 3])],
    ['an object without the site', b64({ v: 'vis', e: NOW + 1000 })],
    ['an object without the visitor', b64({ s: 'site-1', e: NOW + 1000 })],
    ['an object without exp', b64({ s: 'site-1', v: 'vis' })],
    ['exp as a string', b64({ s: 'site-1', v: 'vis', e: String(NOW + 1000) })],
    ['a numeric site', b64({ s: 1, v: 'vis', e: NOW + 1000 })],
    ['long claim names instead of the short ones', b64({ siteId: 'site-1', visitorId: 'vis', exp: NOW + 1000 })],
  ])('D10: a correctly signed body holding %s is invalid', (_name, body) => {
    expect(verifyVisitorToken(forge(body), SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
  });

  it('D10: never throws on odd input', () => {
    for (const t of ['...', 'v1..', 'v1.\u0000.\u0000', 'v1.' + 'A'.repeat(10_000) + '.x', '\ud800']) {
      expect(() => verifyVisitorToken(t, SECRET, NOW)).not.toThrow();
      expect(verifyVisitorToken(t, SECRET, NOW)).toEqual({ ok: false, code: 'token_invalid' });
    }
  });
});
