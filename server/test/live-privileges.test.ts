/**
 * Issue 11 F3 and F11: what a live socket may do follows the admin's changes. A role change closes the
 * agent's consoles (the reconnect has only the new role's powers); a queue membership taken away takes
 * the queue's conversations out of the agent's sight on the open socket (SPEC R10); strict identity
 * turned on closes the anonymous visitors' sockets and leaves the identified ones (SPEC W6).
 */
import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../shared/errors';
import { adminApi, gone, makeQueue, onlineAgent, send, startConversation, stored, summary, type Api } from './agents';
import { closedWithin, openAgent, openVisitor, TestSocket } from './clients';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { serverForAll } from './harness';
import { holdingStore } from './holding-store';

/** Holds one store read when a test asks (a hello still being answered); passes every other call through. */
const holding = holdingStore();
const server = serverForAll({ wrapStore: holding.wrap });
let admin: Api;

beforeAll(async () => {
  admin = await adminApi(server);
});

/** X holds a conversation of queue Q. */
async function heldConversation() {
  const q = await makeQueue(server, { strategy: 'broadcast' });
  const x = await onlineAgent(server, { queues: [q.id] });
  const started = await startConversation(server, q.name);
  expect((await x.api.post(`/conversations/${started.conversationId}/take`)).status).toBe(200);
  return { q, x, ...started };
}

describe('F3: a role change reaches the open console', () => {
  it.each([
    ['a supervisor', 'supervisor'],
    ['an admin', 'admin'],
  ] as const)(
    "R10: %s demoted to agent over HTTP has its console closed (role_changed); the reconnect may not watch or write another agent's conversation",
    async (_who, role) => {
      const { conversationId } = await heldConversation();
      const boss = await onlineAgent(server, { role });
      // Before: the supervisor's socket watches and may write into X's conversation.
      boss.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
      await boss.socket.next('history', (h) => h.conversationId === conversationId);
      const lastSeq = (await stored(server, conversationId)).lastSeq;

      expect((await admin.patch(`/agents/${boss.id}`, { role: 'agent' })).status).toBe(200);

      expect(await closedWithin(boss.socket)).toEqual({ code: CLOSE.role_changed, error: 'role_changed' });
      expect((await stored(server, conversationId)).lastSeq).toBe(lastSeq);

      // The console reconnects with the same cookie: its session stands, with an agent's powers only.
      const again = await openAgent(server, boss.cookie, { conversationId, afterSeq: 0 });
      expect(again.session.agent.role).toBe('agent');
      expect(again.session.presence.map((p) => p.id)).toEqual([boss.id]);
      // The resume point it may no longer see is withdrawn (gone), not replayed.
      await gone(again.socket, conversationId);
      expect(again.socket.all('history')).toEqual([]);
      again.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
      expect((await again.socket.next('error', (e) => e.code === 'conversation_not_found')).code).toBe('conversation_not_found');
      const write = await send(again.socket, conversationId, 'ainda sou supervisor?');
      expect(write.type).toBe('error');
      expect((await stored(server, conversationId)).lastSeq).toBe(lastSeq);
      expect(again.socket.all('history')).toEqual([]);
      await again.socket.close();
    },
  );

  it('R10: a promoted agent has its console closed too, and the reconnect has the new powers', async () => {
    const { conversationId } = await heldConversation();
    const plain = await onlineAgent(server);
    expect((await admin.patch(`/agents/${plain.id}`, { role: 'supervisor' })).status).toBe(200);
    expect(await closedWithin(plain.socket)).toEqual({ code: CLOSE.role_changed, error: 'role_changed' });
    const again = await openAgent(server, plain.cookie);
    expect(again.session.agent.role).toBe('supervisor');
    again.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await again.socket.next('history', (h) => h.conversationId === conversationId);
    await again.socket.close();
  });

  it('R10: an edit that keeps the role (name, capacity) leaves the consoles open', async () => {
    const plain = await onlineAgent(server);
    expect((await admin.patch(`/agents/${plain.id}`, { role: 'agent', capacity: 7, name: 'Renomeado' })).status).toBe(200);
    const id = 42;
    plain.socket.send({ type: 'ping', id });
    await plain.socket.next('pong', (p) => p.id === id);
    expect(plain.socket.ws.readyState).toBe(WebSocket.OPEN);
    await plain.socket.close();
  });
});

describe('F3: queue membership on a live socket', () => {
  it("R10: an agent taken out of a queue stops seeing its waiting conversations on the open socket: the next event is withdrawn (gone), a watch is refused, a reply claims nothing", async () => {
    const q = await makeQueue(server, { strategy: 'broadcast' });
    const y = await onlineAgent(server, { queues: [q.id] });
    const started = await startConversation(server, q.name);
    await summary(y.socket, started.conversationId, (c) => c.assignedAgentId === null);

    expect((await admin.patch(`/agents/${y.id}`, { queueIds: [] })).status).toBe(200);
    expect(y.socket.ws.readyState).toBe(WebSocket.OPEN);
    const secret = `depois da saída ${crypto.randomUUID()}`;
    await started.socket.say(secret, started.conversationId);
    await gone(y.socket, started.conversationId);
    // Nothing of the new message reached Y: neither the event nor a summary carrying it.
    expect(JSON.stringify(y.socket.frames)).not.toContain(secret);

    y.socket.send({ type: 'watch', conversationId: started.conversationId, afterSeq: 0 });
    expect((await y.socket.next('error', (e) => e.code === 'conversation_not_found')).code).toBe('conversation_not_found');
    const lastSeq = (await stored(server, started.conversationId)).lastSeq;
    const reply = await send(y.socket, started.conversationId, 'posso ajudar?');
    expect(reply.type).toBe('error');
    expect(await stored(server, started.conversationId)).toMatchObject({ lastSeq, assignedAgentId: null });
    await y.socket.close();
  });
});

describe('F11: strict identity turned on', () => {
  it('W6: turning strict identity on closes the open anonymous sockets with identity_required (4001); identified visitors chat on', async () => {
    const siteId: string = (await admin.get('/sites')).body.sites[0].id;
    const secret: string = (await admin.post(`/sites/${siteId}/identity-secret`)).body.identitySecret;
    const before = (await admin.get(`/sites/${siteId}/widget`)).body;
    try {
      const anonymous = await openVisitor(server);
      await anonymous.socket.say('ainda anônimo');
      const idle = await openVisitor(server); // no conversation yet
      // An identified visitor by its proof, and the same visitor back with only its token (another tab).
      const userId = `cliente-${crypto.randomUUID().slice(0, 8)}`;
      const proven = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
      proven.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null, identity: { userId, userHash: createHmac('sha256', secret).update(userId).digest('hex') } });
      const welcome = await proven.next('welcome');
      const token = welcome.session.role === 'visitor' ? welcome.session.token : '';
      const byToken = await openVisitor(server, { token });
      const { conversationId } = await proven.say('sou cliente');

      expect((await admin.put(`/sites/${siteId}/widget`, { ...before, strictIdentity: true })).status).toBe(200);

      for (const visitor of [anonymous, idle]) expect(await closedWithin(visitor.socket)).toEqual({ code: CLOSE.auth_failed, error: 'identity_required' });
      await proven.say('ainda aqui', conversationId);
      await byToken.socket.say('e aqui também', conversationId);
      expect(proven.ws.readyState).toBe(WebSocket.OPEN);
      // Its reconnect is refused as any anonymous hello on a strict site is.
      const again = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
      again.send({ type: 'hello', v: PROTOCOL_VERSION, token: anonymous.session.token, resume: null });
      expect(await closedWithin(again)).toEqual({ code: CLOSE.auth_failed, error: 'identity_required' });
      await proven.close();
      await byToken.socket.close();
    } finally {
      await admin.put(`/sites/${siteId}/widget`, { ...before, strictIdentity: false });
    }
  });

  it("W6: a signed-in visitor whose hello is still being answered when strict is turned on is closed to reconnect (1012, no identity_required), and its reconnect with the proof is welcomed", async () => {
    const siteId: string = (await admin.get('/sites')).body.sites[0].id;
    const secret: string = (await admin.post(`/sites/${siteId}/identity-secret`)).body.identitySecret;
    const before = (await admin.get(`/sites/${siteId}/widget`)).body;
    const userId = `cliente-${crypto.randomUUID().slice(0, 8)}`;
    const identity = { userId, userHash: createHmac('sha256', secret).update(userId).digest('hex') };
    const hold = holding.next('conversations.openForVisitor');
    try {
      // The proof is verified; the hello waits on its open conversation's read, not welcomed yet.
      const proven = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
      proven.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null, identity });
      await hold.reached;

      expect((await admin.put(`/sites/${siteId}/widget`, { ...before, strictIdentity: true })).status).toBe(200);

      // Closed with a code the widget reconnects after (not final, not identity_*), and nothing said.
      expect(await closedWithin(proven)).toEqual({ code: CLOSE.site_changed, error: undefined });
      expect(proven.all('welcome')).toEqual([]);
      hold.release();
      // The reconnect reads the strict site, and its proof lets it in.
      const again = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${encodeURIComponent(server.siteKey)}`, { origin: server.origin });
      again.send({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null, identity });
      const welcome = await again.next('welcome');
      expect(welcome.session.role === 'visitor' && welcome.session.identity?.userId).toBe(userId);
      expect(welcome.session.role === 'visitor' && welcome.session.site.widget?.strictIdentity).toBe(true);
      await again.say('entrei de novo');
      await again.close();
    } finally {
      hold.release();
      await admin.put(`/sites/${siteId}/widget`, { ...before, strictIdentity: false });
    }
  });

  it('W6: saving the widget without turning strict identity on closes no one', async () => {
    const siteId: string = (await admin.get('/sites')).body.sites[0].id;
    const before = (await admin.get(`/sites/${siteId}/widget`)).body;
    const anonymous = await openVisitor(server);
    expect((await admin.put(`/sites/${siteId}/widget`, { ...before, strictIdentity: false, greeting: 'Olá!' })).status).toBe(200);
    await anonymous.socket.say('continuo aqui');
    expect(anonymous.socket.ws.readyState).toBe(WebSocket.OPEN);
    await anonymous.socket.close();
    await admin.put(`/sites/${siteId}/widget`, before);
  });
});
