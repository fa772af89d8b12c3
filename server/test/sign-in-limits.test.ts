/**
 * Issue 11 F7 and F10 against the real server (SPEC L1, L2, L6): sign-in limits count failures, never lock
 * the admin out of a browser it signed in from (the device cookie), keep refusing an attacker's address, key
 * IPv6 by its /64, and cannot be reset by a flood of junk keys. The servers trust one proxy so the tests
 * speak for other addresses with X-Forwarded-For.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminApi } from './agents';
import { ADMIN, serversPerTest, type TestServer } from './harness';

const startServer = serversPerTest();

function serverWith(env: Record<string, string>): Promise<TestServer> {
  return startServer({ env: { TRUST_PROXY: '1', ...env } });
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

describe('L6 (issue 11 F7): sign-in failures, known devices', () => {
  it('L6: after 12 wrong passwords from an attacker, the admin signs in from its known browser (from any address); the attacker\'s address and unknown browsers stay refused, even with the right password', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '10' });
    const admin = await adminApi(server);
    const email = `agente-${randomUUID().slice(0, 6)}@example.com`;
    expect((await admin.post('/agents', { email, name: 'Outra', password: 'another-long-password', role: 'agent' })).status).toBe(201);
    const office = await signIn(server, '192.0.2.1', ADMIN.email, ADMIN.password);
    expect(office.status).toBe(200);
    expect(office.device).not.toBeNull();

    const ATTACKER = '203.0.113.66';
    const tries = [];
    for (let i = 0; i < 12; i++) tries.push((await signIn(server, ATTACKER, ADMIN.email, wrong)).status);
    expect(tries).toEqual([...Array<number>(10).fill(401), 429, 429]);

    // The admin's browser: from the office, from home, even from the attacker's network.
    const again = await signIn(server, '192.0.2.1', ADMIN.email, ADMIN.password, office.device);
    expect(again.status).toBe(200);
    expect(again.device).not.toBeNull();
    expect((await signIn(server, '198.51.100.5', ADMIN.email, ADMIN.password, again.device)).status).toBe(200);
    expect((await signIn(server, ATTACKER, ADMIN.email, ADMIN.password, office.device)).status).toBe(200);

    // The attacker's address stays refused, right password or not; so does any unknown browser for this e-mail.
    expectLocked(await signIn(server, ATTACKER, ADMIN.email, ADMIN.password));
    expectLocked(await signIn(server, ATTACKER, `other-${randomUUID().slice(0, 6)}@example.com`, wrong));
    expectLocked(await signIn(server, '198.51.100.6', ADMIN.email, ADMIN.password));

    // A forged device cookie, or another agent's, is an unknown browser.
    const [name, value] = office.device!.split('=') as [string, string];
    const forged = `${name}=${value.slice(0, -4)}${value.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expectLocked(await signIn(server, '198.51.100.7', ADMIN.email, ADMIN.password, forged));
    const other = await signIn(server, '198.51.100.8', email, 'another-long-password');
    expect(other.status).toBe(200);
    expectLocked(await signIn(server, '198.51.100.8', ADMIN.email, ADMIN.password, other.device));
    // Meanwhile the other agent signs in as usual: its e-mail was never attacked.
    expect((await signIn(server, '198.51.100.9', email, 'another-long-password')).status).toBe(200);
  });

  it('L6: only failures count: 25 sign-ins with the right password from one address in a row all succeed', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '10' });
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await signIn(server, '192.0.2.20', ADMIN.email, ADMIN.password)).status);
    expect(statuses).toEqual(Array<number>(25).fill(200));
    expect((await signIn(server, '192.0.2.20', ADMIN.email, wrong)).status).toBe(401);
  });

  it('L6: many wrong passwords at once from one address: no more than the budget is even checked', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '5' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(server, '192.0.2.30', `alvo${i}@example.com`, wrong)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it('L6: a known browser\'s own failures spend its own budget first, then count as a stranger\'s', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '3' });
    const IP = '192.0.2.40';
    const device = (await signIn(server, IP, ADMIN.email, ADMIN.password)).device;
    for (let i = 0; i < 3; i++) expect((await signIn(server, IP, ADMIN.email, wrong, device)).status).toBe(401);
    // Those failures locked neither the address nor the e-mail for anyone else.
    expect((await signIn(server, IP, ADMIN.email, ADMIN.password)).status).toBe(200);
    // Its budget spent, the browser is a stranger: three more failures spend the address's and e-mail's.
    for (let i = 0; i < 3; i++) expect((await signIn(server, IP, ADMIN.email, wrong, device)).status).toBe(401);
    expectLocked(await signIn(server, IP, ADMIN.email, ADMIN.password, device));
    expectLocked(await signIn(server, '192.0.2.41', ADMIN.email, ADMIN.password));
  });

  it('L6: the device cookie is HttpOnly, SameSite=Strict, only for /api/v1/auth, and lasts 90 days', async () => {
    const server = await serverWith({});
    const answer = await signIn(server, '192.0.2.50', ADMIN.email, ADMIN.password);
    const attributes = answer.deviceAttributes!.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/api/v1/auth');
    expect(attributes).toContain(`max-age=${90 * 86_400}`);
  });
});

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

  it('L2: 40 junk sign-ins from 40 addresses (80 new keys, RATE_LIMIT_KEYS=20) cannot reset the admin\'s spent budget; its known browser still signs in', async () => {
    const server = await serverWith({ RATE_LOGINS_PER_15_MIN: '3', RATE_LIMIT_KEYS: '20' });
    const device = (await signIn(server, '192.0.2.60', ADMIN.email, ADMIN.password)).device;
    for (let i = 0; i < 3; i++) expect((await signIn(server, `203.0.113.${100 + i}`, ADMIN.email, wrong)).status).toBe(401);
    expectLocked(await signIn(server, '203.0.113.110', ADMIN.email, ADMIN.password));

    for (let i = 0; i < 40; i++) {
      const answer = await signIn(server, `198.18.${i}.1`, `junk-${i}@example.com`, wrong);
      expect([401, 429]).toContain(answer.status);
    }
    expectLocked(await signIn(server, '203.0.113.111', ADMIN.email, ADMIN.password));
    expect((await signIn(server, '192.0.2.60', ADMIN.email, ADMIN.password, device)).status).toBe(200);
  });
});
