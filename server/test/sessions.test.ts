/**
 * Issue 6: agent sessions end for real. Logout, a new sign-in in the same browser (rotation), a password
 * change and disabling an agent each end the sessions they should (the cookie stops working) and close
 * those sessions' live sockets with 4006 within seconds, and leave every other session alone. Blocks and
 * disabling are admins' only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../shared/errors';
import { adminApi, api, createAgent, type Api, type TestAgent } from './agents';
import { closedWithin, login, openAgent, TestSocket, UpgradeRefused } from './clients';
import { ADMIN, serverForAll } from './harness';

const server = serverForAll();
let admin: Api;

beforeAll(async () => {
  admin = await adminApi(server);
});

/** Deadline for "within seconds": the gateway checks sessions every 2 s; logout and the rest act at once. */
const WITHIN_MS = 5_000;

/** POST /auth/login, optionally from a browser that already holds `cookie`; answers the new cookie if any. */
async function signIn(email: string, password: string, cookie?: string) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as any;
  const set = res.headers.getSetCookie().find((c) => c.startsWith('papo_session='));
  return { status: res.status, body, cookie: set?.split(';')[0] };
}

async function me(cookie: string): Promise<number> {
  return (await api(server, cookie).get('/auth/me')).status;
}

/** An agent socket with this cookie, after its welcome. */
async function consoleSocket(cookie: string): Promise<TestSocket> {
  return (await openAgent(server, cookie)).socket;
}

/** Proves a socket is alive: it answers an application ping. */
async function alive(socket: TestSocket): Promise<void> {
  const id = Math.floor(Math.random() * 1_000_000);
  socket.send({ type: 'ping', id });
  await socket.next('pong', (p) => p.id === id);
  expect(socket.ws.readyState).toBe(WebSocket.OPEN);
}

/** The upgrade of an agent socket with this cookie is refused with 401. */
async function expectUpgradeRefused(cookie: string): Promise<void> {
  const err = await TestSocket.open(`${server.wsUrl}?role=agent`, { origin: server.origin, cookie }).then(
    (s) => {
      s.ws.terminate();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpgradeRefused);
  expect((err as UpgradeRefused).status).toBe(401);
  expect(JSON.parse((err as UpgradeRefused).body).error.code).toBe('not_authenticated');
}

/** Waits past one session-check interval, so "stays open" is not just "not checked yet". */
const pastOneCheck = () => new Promise((r) => setTimeout(r, 2_500));

function password(agent: TestAgent): string {
  // agents.ts makes passwords as `password-<n>-long-enough` from the agent's e-mail `agent-<n>-...`.
  const n = /^agent-(\d+)-/.exec(agent.email)![1];
  return `password-${n}-long-enough`;
}

describe('issue 6: logout', () => {
  it("ends that session only: its sockets close with 4006 at once and its cookie stops working; the agent's other session goes on", async () => {
    const agent = await createAgent(server);
    const other = await signIn(agent.email, password(agent));
    expect(other.status).toBe(200);
    const mine = await consoleSocket(agent.cookie);
    const mine2 = await consoleSocket(agent.cookie);
    const theirs = await consoleSocket(other.cookie!);

    const res = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { origin: server.origin, cookie: agent.cookie } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('papo_session=;') || /papo_session=[^;]*;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i.test(c))).toBe(true);

    for (const s of [mine, mine2]) {
      const closed = await closedWithin(s, WITHIN_MS);
      expect(closed).toMatchObject({ code: CLOSE.session_ended, error: 'not_authenticated' });
    }
    expect(await me(agent.cookie)).toBe(401);
    await expectUpgradeRefused(agent.cookie);

    await pastOneCheck();
    await alive(theirs);
    expect(await me(other.cookie!)).toBe(200);
    await theirs.close();
  });
});

describe('issue 6: a sign-in rotates the session', () => {
  it("the same browser signing in again: the old cookie stops working and its sockets close within seconds; the new one works", async () => {
    const agent = await createAgent(server);
    const before = await consoleSocket(agent.cookie);
    // Another browser's sign-in (no cookie) does not touch this session.
    const elsewhere = await signIn(agent.email, password(agent));
    expect(elsewhere.status).toBe(200);
    expect(await me(agent.cookie)).toBe(200);

    const again = await signIn(agent.email, password(agent), agent.cookie);
    expect(again.status).toBe(200);
    expect(again.cookie).toBeDefined();
    expect(again.cookie).not.toBe(agent.cookie);
    expect(await me(agent.cookie)).toBe(401);
    expect(await me(again.cookie!)).toBe(200);
    expect(await me(elsewhere.cookie!)).toBe(200);

    const closed = await closedWithin(before, WITHIN_MS);
    expect(closed).toMatchObject({ code: CLOSE.session_ended, error: 'not_authenticated' });
    const after = await consoleSocket(again.cookie!);
    await alive(after);
    await after.close();
  });

  it('a failed sign-in from a browser with a cookie does not end its session', async () => {
    const agent = await createAgent(server);
    const wrong = await signIn(agent.email, 'not-the-password', agent.cookie);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(await me(agent.cookie)).toBe(200);
  });
});

describe('issue 6: password change', () => {
  async function changePassword(cookie: string, body: unknown) {
    const res = await fetch(`${server.url}/api/v1/auth/password`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', origin: server.origin, cookie },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const set = res.headers.getSetCookie().find((c) => c.startsWith('papo_session='));
    return { status: res.status, body: text ? (JSON.parse(text) as any) : null, cookie: set?.split(';')[0] };
  }

  it("ends every session and socket of the agent (this browser's too) and sets a new cookie that works", async () => {
    const agent = await createAgent(server);
    const old = password(agent);
    const other = await signIn(agent.email, old);
    const sockets = [await consoleSocket(agent.cookie), await consoleSocket(other.cookie!)];
    const bystander = await createAgent(server);
    const bystanderSocket = await consoleSocket(bystander.cookie);

    // Refusals change nothing.
    const wrong = await changePassword(agent.cookie, { currentPassword: 'not-it', newPassword: 'a-brand-new-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const short = await changePassword(agent.cookie, { currentPassword: old, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(await me(agent.cookie)).toBe(200);
    expect(await me(other.cookie!)).toBe(200);
    for (const s of sockets) await alive(s);

    const changed = await changePassword(agent.cookie, { currentPassword: old, newPassword: 'a-brand-new-password' });
    expect(changed.status).toBe(204);
    expect(changed.cookie).toBeDefined();
    expect(changed.cookie).not.toBe(agent.cookie);

    for (const s of sockets) expect(await closedWithin(s, WITHIN_MS)).toMatchObject({ code: CLOSE.session_ended, error: 'not_authenticated' });
    expect(await me(agent.cookie)).toBe(401);
    expect(await me(other.cookie!)).toBe(401);
    await expectUpgradeRefused(other.cookie!);

    expect(await me(changed.cookie!)).toBe(200);
    const fresh = await consoleSocket(changed.cookie!);
    await pastOneCheck();
    await alive(fresh);

    expect((await signIn(agent.email, old)).status).toBe(401);
    expect((await signIn(agent.email, 'a-brand-new-password')).status).toBe(200);
    // Another agent was never touched.
    await alive(bystanderSocket);
    expect(await me(bystander.cookie)).toBe(200);
    await fresh.close();
    await bystanderSocket.close();
  });

  it('needs a session', async () => {
    const res = await changePassword('papo_session=nothing', { currentPassword: 'x', newPassword: 'a-brand-new-password' });
    expect(res.status).toBe(401);
  });
});

describe('issue 6: disabling an agent', () => {
  it('closes its sockets, ends its sessions, refuses its sign-in with agent_disabled; enabling lets it sign in again (old sessions stay ended)', async () => {
    const agent = await createAgent(server);
    const socket = await consoleSocket(agent.cookie);
    const bystander = await createAgent(server);
    const bystanderSocket = await consoleSocket(bystander.cookie);

    expect((await admin.put(`/agents/${agent.id}/disabled`, { disabled: true })).status).toBe(204);
    expect(await closedWithin(socket, WITHIN_MS)).toMatchObject({ code: CLOSE.session_ended, error: 'not_authenticated' });
    expect(await me(agent.cookie)).toBe(401);
    await expectUpgradeRefused(agent.cookie);

    const refused = await signIn(agent.email, password(agent));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('agent_disabled');
    expect(refused.cookie).toBeUndefined();
    // A wrong password is still only "wrong": being disabled is not revealed to a guesser.
    const guess = await signIn(agent.email, 'not-the-password');
    expect(guess.status).toBe(401);
    expect(guess.body.error.code).toBe('invalid_credentials');

    await alive(bystanderSocket);
    expect(await me(bystander.cookie)).toBe(200);

    expect((await admin.put(`/agents/${agent.id}/disabled`, { disabled: false })).status).toBe(204);
    expect(await me(agent.cookie)).toBe(401);
    const back = await signIn(agent.email, password(agent));
    expect(back.status).toBe(200);
    const again = await consoleSocket(back.cookie!);
    await alive(again);
    await again.close();
    await bystanderSocket.close();
  });

  it('an admin cannot disable itself; an unknown agent is 404; a bad body is 400', async () => {
    const self = (await admin.get('/auth/me')).body.agent.id as string;
    const res = await admin.put(`/agents/${self}/disabled`, { disabled: true });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    expect((await admin.put(`/agents/${crypto.randomUUID()}/disabled`, { disabled: true })).status).toBe(404);
    expect((await admin.put(`/agents/${self}/disabled`, { disabled: 'yes' })).status).toBe(400);
  });
});

describe('issue 6: blocks and disabling are for admins', () => {
  it.each(['agent', 'supervisor'] as const)('a %s gets 403 on /blocks and /agents/:id/disabled, and nothing changes', async (role) => {
    const caller = await createAgent(server, { role });
    const target = await createAgent(server);
    const targetSocket = await consoleSocket(target.cookie);
    const block = await admin.post('/blocks', { kind: 'ip', value: '192.0.2.250', reason: 'for the role test' });
    expect(block.status).toBe(201);
    const blockId = block.body.block.id as string;

    const attempts: Array<[string, () => Promise<{ status: number; body: any }>]> = [
      ['GET /blocks', () => caller.api.get('/blocks')],
      ['POST /blocks ip', () => caller.api.post('/blocks', { kind: 'ip', value: '192.0.2.251' })],
      ['POST /blocks cidr', () => caller.api.post('/blocks', { kind: 'cidr', value: '192.0.2.0/24' })],
      ['DELETE /blocks/:id', () => caller.api.delete(`/blocks/${blockId}`)],
      ['PUT /agents/:id/disabled', () => caller.api.put(`/agents/${target.id}/disabled`, { disabled: true })],
      ['PUT /agents/:id/disabled (enable)', () => caller.api.put(`/agents/${target.id}/disabled`, { disabled: false })],
      ['PUT /agents/:self/disabled', () => caller.api.put(`/agents/${caller.id}/disabled`, { disabled: true })],
    ];
    for (const [name, call] of attempts) {
      const res = await call();
      expect(res.status, name).toBe(403);
      expect(res.body.error.code, name).toBe('forbidden');
    }

    const blocks = (await admin.get('/blocks')).body.blocks as Array<{ id: string; value: string }>;
    expect(blocks.some((b) => b.id === blockId)).toBe(true);
    expect(blocks.some((b) => b.value === '192.0.2.251' || b.value === '192.0.2.0/24')).toBe(false);
    await alive(targetSocket);
    expect(await me(target.cookie)).toBe(200);
    expect(await me(caller.cookie)).toBe(200);
    expect((await admin.delete(`/blocks/${blockId}`)).status).toBe(204);
    await targetSocket.close();
  });
});

// The admin's own sign-in helper keeps working after all of the above.
it('issue 6: the admin still signs in', async () => {
  expect(await me(await login(server))).toBe(200);
});
