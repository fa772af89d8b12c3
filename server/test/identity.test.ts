/**
 * SPEC W6 against the real server: identity proofs on the visitor hello (HS256 JWT and userHash), one visitor
 * per (site, user id) on every device, switching identity, refused proofs that write nothing, sites without a
 * secret, strict identity, and the admin routes for the secret.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/errors';
import { PROTOCOL_VERSION, type IdentityProof } from '../../shared/protocol';
import { uuidv7 } from '../ids';
import { adminApi, createAgent } from './agents';
import { TestSocket } from './clients';
import { serverForAll, TEST_SECRET } from './harness';
import { signVisitorToken } from '../domain/visitor-token';

const server = serverForAll();
let siteId: string;
let secret: string;

beforeAll(async () => {
  siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
  const made = await (await adminApi(server)).post(`/sites/${siteId}/identity-secret`);
  expect(made.status).toBe(200);
  secret = made.body.identitySecret;
});

// Proofs are signed here with node:crypto, as a host backend would, not with the server's code.
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(claims: Record<string, unknown>, options: { key?: string; header?: Record<string, unknown> } = {}): string {
  const signing = `${b64(options.header ?? { alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${signing}.${createHmac('sha256', options.key ?? secret).update(signing).digest('base64url')}`;
}
const nowS = () => Math.floor(Date.now() / 1000);
const claimsFor = (sub: string, extra: Record<string, unknown> = {}) => ({ sub, name: `Cliente ${sub}`, email: `${sub}@example.com.br`, exp: nowS() + 300, ...extra });
const userHash = (userId: string, key = secret) => createHmac('sha256', key).update(userId).digest('hex');
const newUser = () => `user-${randomUUID().slice(0, 8)}`;

interface Hello {
  token?: string | null;
  identity?: IdentityProof;
  resume?: { conversationId: string; afterSeq: number } | null;
  siteKey?: string;
}

async function open(hello: Hello) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(hello.siteKey ?? server.siteKey)}`, { origin: server.origin });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: hello.token ?? null, resume: hello.resume ?? null, ...(hello.identity ? { identity: hello.identity } : {}) });
  return socket;
}

/** A hello that must be welcomed. */
async function welcomed(hello: Hello) {
  const socket = await open(hello);
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'visitor') throw new Error('expected a visitor session');
  return { socket, session: welcome.session };
}

/** A hello that must be refused: the error frame's code, then the close. */
async function refused(hello: Hello) {
  const socket = await open(hello);
  const error = await socket.next('error');
  const closed = await socket.closed;
  expect(socket.all('welcome')).toEqual([]);
  return { code: error.code, close: closed.code };
}

describe('W6: identified visitors', () => {
  it('a JWT names the visitor: the welcome carries the identity, the store one visitor for the user id', async () => {
    const sub = newUser();
    const { socket, session } = await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } });
    expect(session.identity).toEqual({ userId: sub, name: `Cliente ${sub}`, email: `${sub}@example.com.br` });
    const stored = await server.papo.store.visitors.byExternalId(siteId, sub);
    expect(stored).toMatchObject({ id: session.visitorId, name: `Cliente ${sub}`, email: `${sub}@example.com.br`, externalId: sub });
    await socket.close();
  });

  it('a userHash names the visitor too, hex in either case (its unsigned e-mail is not kept: issue 11 F8)', async () => {
    const userId = newUser();
    const { socket, session } = await welcomed({ identity: { userId, userHash: userHash(userId).toUpperCase(), name: 'Bia', email: 'bia@example.com' } });
    expect(session.identity).toEqual({ userId, name: 'Bia', email: null });
    await socket.close();
  });

  it('the same user on a second device is the same visitor, with its open conversation and history', async () => {
    const sub = newUser();
    const first = await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } });
    const { conversationId } = await first.socket.say('Meu pedido não chegou');
    // Another device: no token, a fresh proof.
    const second = await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } });
    expect(second.session.visitorId).toBe(first.session.visitorId);
    expect(second.session.conversation?.id).toBe(conversationId);
    const history = await second.socket.next('history', (h) => h.conversationId === conversationId);
    expect(history.events.map((e) => e.text)).toContain('Meu pedido não chegou');
    await Promise.all([first.socket.close(), second.socket.close()]);
  });

  it("switching identity on a client holding user A's token gives user B's visitor, not A's history", async () => {
    const a = newUser();
    const b = newUser();
    const asA = await welcomed({ identity: { jwt: jwt(claimsFor(a)) } });
    const { conversationId } = await asA.socket.say('Conversa de A');
    await asA.socket.close();
    const asB = await welcomed({ token: asA.session.token, identity: { jwt: jwt(claimsFor(b)) }, resume: { conversationId, afterSeq: 0 } });
    expect(asB.session.visitorId).not.toBe(asA.session.visitorId);
    expect(asB.session.identity?.userId).toBe(b);
    expect(asB.session.conversation).toBeNull();
    expect(asB.session.token).not.toBe(asA.session.token);
    expect(asB.socket.all('history')).toEqual([]);
    await asB.socket.close();
  });

  it("an identified visitor's token alone keeps working and still says who it is", async () => {
    const sub = newUser();
    const first = await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } });
    await first.socket.close();
    const again = await welcomed({ token: first.session.token });
    expect(again.session.visitorId).toBe(first.session.visitorId);
    expect(again.session.identity).toEqual({ userId: sub, name: `Cliente ${sub}`, email: `${sub}@example.com.br` });
    await again.socket.close();
  });

  it('a later proof renames the visitor; an anonymous visitor has no identity', async () => {
    const sub = newUser();
    (await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } })).socket.close();
    const renamed = await welcomed({ identity: { jwt: jwt(claimsFor(sub, { name: 'Nome Novo', email: 'novo@example.com' })) } });
    expect(renamed.session.identity).toEqual({ userId: sub, name: 'Nome Novo', email: 'novo@example.com' });
    const anonymous = await welcomed({});
    expect(anonymous.session.identity).toBeNull();
    await Promise.all([renamed.socket.close(), anonymous.socket.close()]);
  });

  it("the identity names the visitor's new conversation (visitor name, requester e-mail) as the agents see it", async () => {
    const sub = newUser();
    const { socket } = await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } });
    const { conversationId } = await socket.say('Olá');
    const conversation = (await server.papo.store.conversations.byId(conversationId))!;
    expect(conversation).toMatchObject({ visitorName: `Cliente ${sub}`, requesterEmail: `${sub}@example.com.br` });
    expect(await server.papo.store.visitors.byId(conversation.visitorId)).toMatchObject({ externalId: sub, name: `Cliente ${sub}` });
    await socket.close();
  });
});

describe('W6: refused proofs write nothing', () => {
  const cases: Array<[string, (sub: string) => IdentityProof, 'identity_invalid' | 'identity_expired']> = [
    ['a wrong signature', (sub) => ({ jwt: jwt(claimsFor(sub), { key: 'not-the-site-secret' }) }), 'identity_invalid'],
    ['an expired JWT', (sub) => ({ jwt: jwt(claimsFor(sub, { exp: nowS() - 3600 })) }), 'identity_expired'],
    ['a JWT living more than 24 h', (sub) => ({ jwt: jwt(claimsFor(sub, { exp: nowS() + 3 * 86_400 })) }), 'identity_invalid'],
    ['alg none', (sub) => ({ jwt: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claimsFor(sub))}.` }), 'identity_invalid'],
    ['alg none signed anyway', (sub) => ({ jwt: jwt(claimsFor(sub), { header: { alg: 'none' } }) }), 'identity_invalid'],
    [
      'tampered claims',
      (sub) => {
        const [h, , s] = jwt(claimsFor('someone-else')).split('.');
        return { jwt: `${h}.${b64(claimsFor(sub))}.${s}` };
      },
      'identity_invalid',
    ],
    ['no exp', (sub) => ({ jwt: jwt({ sub }) }), 'identity_invalid'],
    ["another user's userHash", (sub) => ({ userId: sub, userHash: userHash(`${sub}-other`) }), 'identity_invalid'],
  ];
  it.each(cases)('%s is refused, the socket closed with auth_failed, no visitor made', async (_name, proof, code) => {
    const sub = newUser();
    expect(await refused({ identity: proof(sub) })).toEqual({ code, close: CLOSE.auth_failed });
    expect(await server.papo.store.visitors.byExternalId(siteId, sub)).toBeNull();
  });

  it('a malformed proof is refused by the frame schema, and no session starts', async () => {
    const socket = await open({ identity: { userId: 'x', userHash: 'not-hex' } as IdentityProof });
    expect((await socket.next('error')).code).toBe('invalid_frame');
    expect(socket.all('welcome')).toEqual([]);
    await socket.close();
  });

  it('a site without an identity secret refuses every proof with identity_invalid', async () => {
    const key = `no-secret-${randomUUID()}`;
    const other = uuidv7();
    await server.papo.store.sites.create({ id: other, key, name: 'Sem segredo', allowedOrigins: ['self'], createdAt: Date.now() });
    const sub = newUser();
    // Signed with an empty key and with the demo site's secret: neither means anything here.
    expect(await refused({ siteKey: key, identity: { jwt: jwt(claimsFor(sub), { key: '' }) } })).toEqual({ code: 'identity_invalid', close: CLOSE.auth_failed });
    expect(await refused({ siteKey: key, identity: { userId: sub, userHash: userHash(sub) } })).toEqual({ code: 'identity_invalid', close: CLOSE.auth_failed });
    expect(await server.papo.store.visitors.byExternalId(other, sub)).toBeNull();
    // Anonymous visitors are welcome there as before.
    const anonymous = await welcomed({ siteKey: key });
    expect(anonymous.session.identity).toBeNull();
    await anonymous.socket.close();
  });
});

describe('W6: strict identity', () => {
  let key: string;
  let strictId: string;
  let strictSecret: string;
  beforeAll(async () => {
    key = `strict-${randomUUID()}`;
    strictId = uuidv7();
    await server.papo.store.sites.create({ id: strictId, key, name: 'Só clientes', allowedOrigins: ['self'], createdAt: Date.now() });
    const admin = await adminApi(server);
    strictSecret = (await admin.post(`/sites/${strictId}/identity-secret`)).body.identitySecret;
    const current = (await admin.get(`/sites/${strictId}/widget`)).body;
    expect((await admin.put(`/sites/${strictId}/widget`, { ...current, strictIdentity: true })).status).toBe(200);
  });

  it('refuses an anonymous hello with identity_required', async () => {
    expect(await refused({ siteKey: key })).toEqual({ code: 'identity_required', close: CLOSE.auth_failed });
  });

  it("refuses an anonymous visitor's token", async () => {
    const token = signVisitorToken({ siteId: strictId, visitorId: uuidv7(), exp: Date.now() + 60_000 }, TEST_SECRET);
    expect(await refused({ siteKey: key, token })).toEqual({ code: 'identity_required', close: CLOSE.auth_failed });
  });

  it("accepts an identified hello, and later that visitor's token alone", async () => {
    const sub = newUser();
    const first = await welcomed({ siteKey: key, identity: { jwt: jwt(claimsFor(sub), { key: strictSecret }) } });
    expect(first.session.identity?.userId).toBe(sub);
    expect(first.session.site.widget?.strictIdentity).toBe(true);
    await first.socket.say('Sou cliente');
    await first.socket.close();
    const again = await welcomed({ siteKey: key, token: first.session.token });
    expect(again.session.visitorId).toBe(first.session.visitorId);
    await again.socket.close();
  });
});

describe('W6: strict identity on the files API', () => {
  it("an anonymous visitor's token from before strict was turned on is identity_required there too, before anything else is looked at", async () => {
    const key = `later-strict-${randomUUID()}`;
    const id = uuidv7();
    await server.papo.store.sites.create({ id, key, name: 'Logo só clientes', allowedOrigins: ['self'], createdAt: Date.now() });
    const { socket, session } = await welcomed({ siteKey: key });
    const { conversationId } = await socket.say('Olá');
    await socket.close();
    const put = async () => {
      const res = await fetch(`${server.url}/api/v1/files?conversation=${conversationId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, origin: server.origin, 'x-file-name': 'nota.txt' },
        body: 'uma nota',
      });
      return [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
    };
    // Before: the token is taken; the refusal is about the conversation, not the visitor.
    expect(await put()).toEqual([409, 'conversation_closed']);

    const admin = await adminApi(server);
    await admin.post(`/sites/${id}/identity-secret`);
    const current = (await admin.get(`/sites/${id}/widget`)).body;
    expect((await admin.put(`/sites/${id}/widget`, { ...current, strictIdentity: true })).status).toBe(200);
    expect(await put()).toEqual([401, 'identity_required']);
    expect(await server.papo.store.attachments.list(conversationId)).toEqual([]);
  });
});

describe('W6: the identity secret (admins)', () => {
  it('GET shows the current secret to admins; POST rotates it and the old one stops verifying', async () => {
    const admin = await adminApi(server);
    expect((await admin.get(`/sites/${siteId}/identity-secret`)).body).toEqual({ identitySecret: secret });
    const sub = newUser();
    const oldProof = { jwt: jwt(claimsFor(sub)) };
    const rotated = await admin.post(`/sites/${siteId}/identity-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.identitySecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(rotated.body.identitySecret).not.toBe(secret);
    expect(await refused({ identity: oldProof })).toEqual({ code: 'identity_invalid', close: CLOSE.auth_failed });
    secret = rotated.body.identitySecret;
    const ok = await welcomed({ identity: { jwt: jwt(claimsFor(sub)) } });
    expect(ok.session.identity?.userId).toBe(sub);
    await ok.socket.close();
  });

  it('agents and supervisors may not read or rotate it; an unknown site is 404', async () => {
    for (const role of ['agent', 'supervisor'] as const) {
      const someone = await createAgent(server, { role });
      expect((await someone.api.get(`/sites/${siteId}/identity-secret`)).status).toBe(403);
      expect((await someone.api.post(`/sites/${siteId}/identity-secret`)).status).toBe(403);
    }
    expect((await (await adminApi(server)).post(`/sites/${uuidv7()}/identity-secret`)).status).toBe(404);
    expect((await server.papo.store.sites.byId(siteId))!.identitySecret).toBe(secret);
  });
});
