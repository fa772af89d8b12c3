/**
 * examples/identity against the real server (SPEC W6): the example backend's signing code makes proofs the
 * server accepts, and its page, once signed in, hands the widget a JWT that names its user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type IdentityProof } from '../../shared/protocol';
import { JWT_LIFETIME_S, signJwt, userHash } from '../../examples/identity/sign.mjs';
import { adminApi } from './agents';
import { TestSocket } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let secret: string;
let example: ChildProcess | undefined;
let exampleUrl: string;

beforeAll(async () => {
  const siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
  secret = (await (await adminApi(server)).post(`/sites/${siteId}/identity-secret`)).body.identitySecret;
  example = spawn(process.execPath, [join(import.meta.dirname, '../../examples/identity/server.mjs')], {
    env: { ...process.env, PORT: '0', PAPO_URL: server.url, PAPO_SITE_KEY: server.siteKey, PAPO_IDENTITY_SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(example.stdout!, 'data')) as [Buffer];
  exampleUrl = /http:\/\/localhost:\d+/.exec(line.toString())![0];
});
afterAll(async () => {
  example?.kill();
});

async function welcomeFor(identity: IdentityProof) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, identity });
  const frame = await Promise.race([socket.next('welcome'), socket.next('error')]);
  await socket.close();
  return frame;
}

describe('examples/identity', () => {
  it("sign.mjs's JWT (5 minutes) and userHash are accepted by the server", async () => {
    const user = { id: 'cliente-42', name: 'Ana Souza', email: 'ana@example.com.br' };
    const jwt = signJwt(user, secret);
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    expect(claims.exp - claims.iat).toBe(JWT_LIFETIME_S);
    const byJwt = await welcomeFor({ jwt });
    expect(byJwt.type === 'welcome' && byJwt.session.role === 'visitor' && byJwt.session.identity).toEqual({ userId: 'cliente-42', name: 'Ana Souza', email: 'ana@example.com.br' });
    const byHash = await welcomeFor({ userId: user.id, userHash: userHash(user.id, secret) });
    const visitorOf = (f: typeof byJwt) => (f.type === 'welcome' && f.session.role === 'visitor' ? f.session.visitorId : null);
    expect(visitorOf(byHash)).toBe(visitorOf(byJwt));
    expect(visitorOf(byJwt)).not.toBeNull();
  });

  it('the page embeds the widget; signed in, it queues identify with a JWT for its user; sign-out resets', async () => {
    const anonymous = await (await fetch(`${exampleUrl}/`)).text();
    expect(anonymous).toContain(`src="${server.url}/widget/papo.js" data-site="${server.siteKey}"`);
    expect(anonymous).not.toContain("'identify'");

    const login = await fetch(`${exampleUrl}/login`, { method: 'POST', body: new URLSearchParams({ user: 'bruno' }), redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const signedIn = await (await fetch(`${exampleUrl}/`, { headers: { cookie } })).text();
    const proof = /Papo\.push\(\['identify', (\{[^)]*\})\]\)/.exec(signedIn)?.[1];
    expect(proof).toBeDefined();
    expect(signedIn).toContain("window.Papo.push(['reset'])");
    const welcome = await welcomeFor(JSON.parse(proof!) as IdentityProof);
    expect(welcome.type === 'welcome' && welcome.session.role === 'visitor' && welcome.session.identity?.userId).toBe('cliente-1002');

    const fresh = await fetch(`${exampleUrl}/papo-identity`, { headers: { cookie } });
    expect(((await fresh.json()) as { jwt: string }).jwt.split('.')).toHaveLength(3);
    expect((await fetch(`${exampleUrl}/papo-identity`)).status).toBe(401);
  });
});
