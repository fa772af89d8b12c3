/**
 * Issue 11 F7 (SPEC L6): device cookies are believed only when this server signed them, for the agent they
 * name, before their expiry.
 */
import { describe, expect, it } from 'vitest';
import { signVisitorToken } from './visitor-token';
import { DEVICE_TTL_MS, signDeviceToken, verifyDeviceToken } from './device-token';

const SECRET = 'device-secret-device-secret-0123456789';
const NOW = 1_750_000_000_000;
const claims = { agentId: 'agent-1', deviceId: 'dev-abc', exp: NOW + DEVICE_TTL_MS };

describe('L6: device tokens', () => {
  it('a signed, unexpired token answers its claims', () => {
    expect(verifyDeviceToken(signDeviceToken(claims, SECRET), SECRET, NOW)).toEqual(claims);
    expect(DEVICE_TTL_MS).toBe(90 * 86_400_000);
  });

  const good = signDeviceToken(claims, SECRET);
  const [prefix, body, mac] = good.split('.') as [string, string, string];
  const forgedBody = Buffer.from(JSON.stringify({ a: 'admin', d: 'dev-abc', e: NOW + DEVICE_TTL_MS })).toString('base64url');
  it.each<[string, string | undefined, number]>([
    ['no cookie', undefined, NOW],
    ['empty', '', NOW],
    ['expired', signDeviceToken({ ...claims, exp: NOW }, SECRET), NOW],
    ['signed with another secret', signDeviceToken(claims, `${SECRET}x`), NOW],
    ['another agent written into a signed token', `${prefix}.${forgedBody}.${mac}`, NOW],
    ['a flipped signature', `${prefix}.${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, NOW],
    ['another prefix', `v1.${body}.${mac}`, NOW],
    ['a visitor token signed by the same secret', signVisitorToken({ siteId: 's', visitorId: 'v', exp: NOW + 1000 }, SECRET), NOW],
    ['too long', `${good}${'x'.repeat(400)}`, NOW],
    ['two parts', `${prefix}.${body}`, NOW],
  ])('%s: null', (_name, token, now) => {
    expect(verifyDeviceToken(token, SECRET, now)).toBeNull();
  });
});
