/**
 * Issue 11 F8 against the real server (SPEC W6): a userHash signs the user id only, so the e-mail it comes
 * with is a claim anyone holding their own valid hash can make. It names neither the requester of the
 * visitor's conversations and tickets nor the visitor an e-mail's data-rights export or erase finds; the
 * same e-mail in a signed JWT does. The name is shown as the visitor's display name, as a typed one is.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type IdentityProof } from '../../shared/protocol';
import { adminApi, stored, type Api } from './agents';
import { TestSocket } from './clients';
import { serverForAll } from './harness';

const server = serverForAll();
let admin: Api;
let secret: string;

beforeAll(async () => {
  admin = await adminApi(server);
  const siteId = (await server.papo.store.sites.byKey(server.siteKey))!.id;
  secret = (await admin.post(`/sites/${siteId}/identity-secret`)).body.identitySecret;
});

// Signed here with node:crypto, as a host backend would.
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(claims: Record<string, unknown>): string {
  const signing = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${signing}.${createHmac('sha256', secret).update(signing).digest('base64url')}`;
}
const userHash = (userId: string) => createHmac('sha256', secret).update(userId).digest('hex');

/** An identified visitor writes a first message; answers its session and the new conversation. */
async function identifiedVisitorWrites(identity: IdentityProof) {
  const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
  socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null, identity });
  const welcome = await socket.next('welcome');
  if (welcome.session.role !== 'visitor') throw new Error('expected a visitor session');
  const { conversationId } = await socket.say('Quero cancelar meu pedido');
  return { socket, session: welcome.session, conversationId };
}

describe('W6: what a userHash proof vouches for', () => {
  it("W6: a userHash with someone else's e-mail names no requester: the ticket's requester and an export or erase by that e-mail do not reach it; its name is the display name", async () => {
    const victim = `vitima-${randomUUID().slice(0, 8)}@example.com`;
    const userId = `atacante-${randomUUID().slice(0, 8)}`;
    const { socket, session, conversationId } = await identifiedVisitorWrites({ userId, userHash: userHash(userId), name: 'Nome Qualquer', email: victim });
    expect(session.identity).toEqual({ userId, name: 'Nome Qualquer', email: null });

    const conversation = await stored(server, conversationId);
    expect(conversation.requesterEmail ?? null).toBeNull();
    expect(conversation.visitorName).toBe('Nome Qualquer');
    expect((await server.papo.store.visitors.byId(session.visitorId))?.email ?? null).toBeNull();

    const ended = await admin.post(`/conversations/${conversationId}/end-with-ticket`, { subject: 'Cancelamento' });
    expect(ended.status).toBe(200);
    const ticketId: string = ended.body.ticket.id;
    expect((await admin.get(`/tickets/${ticketId}`)).body.ticket.requester).toMatchObject({ name: 'Nome Qualquer', email: null, visitorId: session.visitorId });

    const exported = await admin.get(`/data/export?email=${encodeURIComponent(victim)}`);
    expect(exported.status).toBe(404);
    const erased = await admin.delete(`/data?email=${encodeURIComponent(victim)}`);
    expect(erased.status).toBe(404);
    expect(await server.papo.store.conversations.byId(conversationId)).not.toBeNull();
    await socket.close();
  });

  it('W6: the same e-mail in a signed JWT names the requester, the ticket and the data-rights subject', async () => {
    const email = `cliente-${randomUUID().slice(0, 8)}@example.com`;
    const sub = `cliente-${randomUUID().slice(0, 8)}`;
    const { socket, session, conversationId } = await identifiedVisitorWrites({ jwt: jwt({ sub, name: 'Cliente Real', email, exp: Math.floor(Date.now() / 1000) + 300 }) });
    expect(session.identity).toEqual({ userId: sub, name: 'Cliente Real', email });
    expect(await stored(server, conversationId)).toMatchObject({ requesterEmail: email, visitorName: 'Cliente Real' });

    const ended = await admin.post(`/conversations/${conversationId}/end-with-ticket`, { subject: 'Cancelamento' });
    expect((await admin.get(`/tickets/${ended.body.ticket.id}`)).body.ticket.requester).toMatchObject({ email });

    const exported = await admin.get(`/data/export?email=${encodeURIComponent(email)}`);
    expect(exported.status).toBe(200);
    expect(exported.body.visitors.map((v: { id: string }) => v.id)).toEqual([session.visitorId]);
    expect(exported.body.conversations.map((c: { conversation: { id: string } }) => c.conversation.id)).toEqual([conversationId]);
    await socket.close();
  });

  it("W6: a later userHash hello does not replace the e-mail a JWT signed", async () => {
    const email = `assinado-${randomUUID().slice(0, 8)}@example.com`;
    const sub = `usuario-${randomUUID().slice(0, 8)}`;
    const first = await identifiedVisitorWrites({ jwt: jwt({ sub, email, exp: Math.floor(Date.now() / 1000) + 300 }) });
    await first.socket.close();
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
    socket.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null, identity: { userId: sub, userHash: userHash(sub), email: 'outro@example.com' } });
    const welcome = await socket.next('welcome');
    expect(welcome.session.role === 'visitor' && welcome.session.identity).toEqual({ userId: sub, name: null, email });
    expect((await server.papo.store.visitors.byExternalId((await server.papo.store.sites.byKey(server.siteKey))!.id, sub))?.email).toBe(email);
    await socket.close();
  });
});
