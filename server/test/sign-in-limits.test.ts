/**
 * Issue 11 F10 against the real server (SPEC L1, L2): sign-in limits key IPv6 by its /64 and cannot be reset
 * by a flood of junk keys. The servers trust one proxy so the tests speak for other addresses with
 * X-Forwarded-For.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from './harness';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({ env: { TRUST_PROXY: '1', ...env } });
  servers.push(server);
  return server;
}

const DEVICE = 'papo_device';
const WINDOW_MS = 15 * 60_000;

interface SignIn {
  status: number;
  code: string | undefined;
  retryAfterMs: number | undefined;
  retryAfter: string | null;
  /** The device cookie this answer set (`papo_device=...`), if any. */
  device: string | null;
  deviceAttributes: string | null;
}

/** POST /api/v1/auth/login "from" `ip`, with a device cookie or none. */
async function signIn(server: TestServer, ip: string, email: string, password: string, device: string | null = null): Promise<SignIn> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin, 'x-forwarded-for': ip, ...(device ? { cookie: device } : {}) },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { error?: { code: string; retryAfterMs?: number } };
  const set = res.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE}=`)) ?? null;
  return {
    status: res.status,
    code: body.error?.code,
    retryAfterMs: body.error?.retryAfterMs,
    retryAfter: res.headers.get('retry-after'),
    device: set ? set.split(';')[0]! : null,
    deviceAttributes: set,
  };
}

const wrong = 'not the password';

function expectLocked(answer: SignIn) {
  expect(answer.status).toBe(429);
  expect(answer.code).toBe('rate_limited');
  expect(answer.retryAfterMs).toBeGreaterThan(0);
  expect(answer.retryAfterMs).toBeLessThanOrEqual(WINDOW_MS);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(answer.device).toBeNull();
}

describe('L1/L2 (issue 11 F10): address keys and junk keys', () => {
  it('L1: sign-in failures from one IPv6 /64 share one budget, the next /64 has its own; IPv4-mapped IPv6 is the IPv4 address', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '3' });
    const junk = () => `nobody-${randomUUID().slice(0, 8)}@example.com`;
    for (const ip of ['2001:db8:5:1::1', '2001:db8:5:1::2', '2001:db8:5:1:abcd::3']) expect((await signIn(server, ip, junk(), wrong)).status).toBe(401);
    expectLocked(await signIn(server, '2001:db8:5:1:ffff:ffff:ffff:ffff', junk(), wrong));
    expect((await signIn(server, '2001:db8:5:2::1', junk(), wrong)).status).toBe(401);

    for (const ip of ['198.51.100.9', '::ffff:198.51.100.9', '::ffff:c633:6409']) expect((await signIn(server, ip, junk(), wrong)).status).toBe(401);
    expectLocked(await signIn(server, '198.51.100.9', junk(), wrong));
  });

  it('L2: 40 junk sign-ins from 40 addresses (80 new keys, RATE_LIMIT_KEYS=20) cannot reset the admin\'s spent budget', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '3', RATE_LIMIT_KEYS: '20' });
    for (let i = 0; i < 3; i++) expect((await signIn(server, `203.0.113.${100 + i}`, ADMIN.email, wrong)).status).toBe(401);
    expectLocked(await signIn(server, '203.0.113.110', ADMIN.email, ADMIN.password));

    for (let i = 0; i < 40; i++) {
      const answer = await signIn(server, `198.18.${i}.1`, `junk-${i}@example.com`, wrong);
      expect([401, 429]).toContain(answer.status);
    }
    expectLocked(await signIn(server, '203.0.113.111', ADMIN.email, ADMIN.password));
  });
});
