/**
 * Roles and sight against the real server (SPEC R10): every privileged route tried with a lower role,
 * what supervisors may do, what an agent may not see of another agent's conversation, archive and delete.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  createAgent,
  gone,
  makeQueue,
  onlineAgent,
  startConversation,
  stored,
  storedEvents,
  summary,
  wrapUpReason,
  type Api,
  type OnlineAgent,
} from './agents';
import { serverForAll } from './harness';

const server = serverForAll();
let admin: Api;
/** Ids the privileged routes are tried on: real ones, so a missing check would show as a success. */
let ids: { agent: string; queue: string; canned: string; reason: string; conversation: string; site: string };

beforeAll(async () => {
  admin = await adminApi(server);
  const someone = await createAgent(server);
  const queue = await makeQueue(server, { strategy: 'broadcast' });
  const canned = await admin.post('/canned-replies', { title: 'Saudação', text: 'Olá {{visitor.name}}, sou {{agent.name}}', category: 'geral' });
  const reason = await admin.post('/wrap-up-reasons', { label: 'Venda feita' });
  const { conversationId } = await startConversation(server, queue.name);
  const sites = await admin.get('/sites');
  ids = {
    agent: someone.id,
    queue: queue.id,
    canned: canned.body.cannedReply.id,
    reason: reason.body.reason.id,
    conversation: conversationId,
    site: sites.body.sites[0].id,
  };
});

type Attempt = [name: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: () => string, body?: unknown];

const newAgent = () => ({ email: `new-${crypto.randomUUID().slice(0, 8)}@example.com`, name: 'Novo', password: 'a-long-password', role: 'agent' });

/** Every privileged action, on real ids. */
const PRIVILEGED: Attempt[] = [
  ['list agents', 'GET', () => '/agents'],
  ['create an agent', 'POST', () => '/agents', newAgent()],
  ['edit an agent', 'PATCH', () => `/agents/${ids.agent}`, { role: 'admin' }],
  ['create a queue', 'POST', () => '/queues', { name: 'Fila pirata', strategy: 'broadcast' }],
  ['edit a queue', 'PATCH', () => `/queues/${ids.queue}`, { strategy: 'round_robin' }],
  ['delete a queue', 'DELETE', () => `/queues/${ids.queue}`],
  ['create a canned reply', 'POST', () => '/canned-replies', { title: 'Pirata', text: 'texto' }],
  ['edit a canned reply', 'PUT', () => `/canned-replies/${ids.canned}`, { title: 'Pirata', text: 'texto' }],
  ['delete a canned reply', 'DELETE', () => `/canned-replies/${ids.canned}`],
  ['create a wrap-up reason', 'POST', () => '/wrap-up-reasons', { label: 'Pirata' }],
  ['edit a wrap-up reason', 'PUT', () => `/wrap-up-reasons/${ids.reason}`, { label: 'Pirata' }],
  ['delete a wrap-up reason', 'DELETE', () => `/wrap-up-reasons/${ids.reason}`],
  ['delete a conversation', 'DELETE', () => `/conversations/${ids.conversation}`],
  ["steer another agent's availability", 'PUT', () => `/agents/${ids.agent}/availability`, { state: 'unavailable' }],
  ["set a site's bot", 'PUT', () => `/sites/${ids.site}/bot`, { botWebhookUrl: 'https://evil.example/hook' }],
  ['list sites', 'GET', () => '/sites'],
  ["list another agent's conversations", 'GET', () => `/conversations?agent=${ids.agent}`],
];

/** What a supervisor gets for each (SPEC R10: supervise, canned replies and wrap-up reasons; not admin's). */
const SUPERVISOR_STATUS: Record<string, number> = {
  'list agents': 200,
  'create an agent': 403,
  'edit an agent': 403,
  'create a queue': 403,
  'edit a queue': 403,
  'delete a queue': 403,
  'create a canned reply': 201,
  'edit a canned reply': 200,
  'delete a canned reply': 204,
  'create a wrap-up reason': 201,
  'edit a wrap-up reason': 200,
  'delete a wrap-up reason': 204,
  'delete a conversation': 403,
  "steer another agent's availability": 200,
  "set a site's bot": 403,
  'list sites': 403,
  "list another agent's conversations": 200,
};

/** What admins and supervisors may read, to check refusals changed nothing. */
async function configuration() {
  const [agents, queues, canned, reasons, sites, conversation] = await Promise.all([
    admin.get('/agents'),
    admin.get('/queues'),
    admin.get('/canned-replies'),
    admin.get('/wrap-up-reasons'),
    admin.get('/sites'),
    admin.get(`/conversations/${ids.conversation}`),
  ]);
  return {
    agents: agents.body.agents.map(({ since: _s, ...a }: { since: number }) => a),
    queues: queues.body,
    canned: canned.body,
    reasons: reasons.body,
    sites: sites.body,
    conversation: conversation.status,
  };
}

describe('R10 privileges', () => {
  let plain: OnlineAgent;
  let before: Awaited<ReturnType<typeof configuration>>;
  beforeAll(async () => {
    plain = await onlineAgent(server, { queues: [] });
    before = await configuration();
  });

  it.each(PRIVILEGED)('R10: a plain agent may not %s (403 forbidden)', async (_name, method, path, body) => {
    const res = await plain.api.call(method, path(), body);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('R10: the refusals changed nothing', async () => {
    expect(await configuration()).toEqual(before);
  });

  it.each(PRIVILEGED)('R10: a supervisor trying to %s gets what supervisors may', async (name, method, path, body) => {
    const supervisor = await createAgent(server, { role: 'supervisor' });
    // Writes a supervisor may do act on its own copies, so the shared ids stay for the other rows.
    let target = path();
    if (SUPERVISOR_STATUS[name] === 204 || SUPERVISOR_STATUS[name] === 200) {
      if (target.startsWith('/canned-replies/')) target = `/canned-replies/${(await supervisor.api.post('/canned-replies', { title: 'Minha', text: 'texto' })).body.cannedReply.id}`;
      if (target.startsWith('/wrap-up-reasons/')) target = `/wrap-up-reasons/${(await supervisor.api.post('/wrap-up-reasons', { label: `Minha ${crypto.randomUUID()}` })).body.reason.id}`;
    }
    const res = await supervisor.api.call(method, target, name === 'create a wrap-up reason' ? { label: `Nova ${crypto.randomUUID()}` } : body);
    expect(res.status).toBe(SUPERVISOR_STATUS[name]);
    if (res.status === 403) expect(res.body.error.code).toBe('forbidden');
    if (name === "steer another agent's availability") await admin.put(`/agents/${ids.agent}/availability`, { state: 'available' });
  });

  it('R10: an admin manages agents and queues', async () => {
    const created = await admin.post('/agents', newAgent());
    expect(created.status).toBe(201);
    const patched = await admin.patch(`/agents/${created.body.agent.id}`, { capacity: 5, role: 'supervisor' });
    expect(patched.body.agent).toMatchObject({ capacity: 5, role: 'supervisor' });
    const queue = await admin.post('/queues', { name: 'Temporária', strategy: 'least_busy', offerTimeoutMs: 5_000, agentIds: [created.body.agent.id] });
    expect(queue.status).toBe(201);
    expect(queue.body.queue).toMatchObject({ strategy: 'least_busy', agentIds: [created.body.agent.id] });
    expect((await admin.post('/queues', { name: 'temporária', strategy: 'broadcast' })).body.error.code).toBe('conflict');
    expect((await admin.delete(`/queues/${queue.body.queue.id}`)).status).toBe(204);
    expect((await admin.get('/queues')).body.queues.some((q: { id: string }) => q.id === queue.body.queue.id)).toBe(false);
  });

  it('R10: supervisors see every agent in the welcome and presence; plain agents only themselves', async () => {
    const supervisor = await onlineAgent(server, { role: 'supervisor' });
    expect(supervisor.session.presence.map((p) => p.id)).toEqual(expect.arrayContaining([plain.id, ids.agent, supervisor.id]));
    const another = await onlineAgent(server);
    expect(another.session.presence.map((p) => p.id)).toEqual([another.id]);
  });
});

describe('R10 sight', () => {
  /** X holds a conversation of queue Q; Y is in Q too (it saw it waiting); Z works another queue. */
  async function scene() {
    const q = await makeQueue(server, { strategy: 'broadcast' });
    const elsewhere = await makeQueue(server, { strategy: 'broadcast' });
    const [x, y, z] = await Promise.all([
      onlineAgent(server, { queues: [q.id] }),
      onlineAgent(server, { queues: [q.id] }),
      onlineAgent(server, { queues: [elsewhere.id] }),
    ]);
    const started = await startConversation(server, q.name);
    await summary(y.socket, started.conversationId, (c) => c.assignedAgentId === null);
    expect((await z.api.get(`/conversations/${started.conversationId}`)).status).toBe(404); // not its queue
    expect(z.socket.frames.some((f) => (f.type === 'conversation' || f.type === 'event') && f.conversation?.id === started.conversationId)).toBe(false);
    expect((await x.api.post(`/conversations/${started.conversationId}/take`)).status).toBe(200);
    await gone(y.socket, started.conversationId);
    return { q, x, y, z, ...started };
  }

  it("R10: an agent cannot read another agent's conversation: GET, its events, its targets and a watch frame answer conversation_not_found", async () => {
    const { y, z, conversationId } = await scene();
    for (const agent of [y, z]) {
      for (const path of [`/conversations/${conversationId}`, `/conversations/${conversationId}/events`, `/conversations/${conversationId}/targets`]) {
        const res = await agent.api.get(path);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('conversation_not_found');
      }
      agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
      expect((await agent.socket.next('error', (e) => e.code === 'conversation_not_found')).code).toBe('conversation_not_found');
      expect(agent.socket.all('history').some((h) => h.conversationId === conversationId)).toBe(false);
      const list = await agent.api.get('/conversations');
      expect(list.body.conversations.some((c: { id: string }) => c.id === conversationId)).toBe(false);
    }
  });

  it("R10: an agent cannot close, transfer, invite, re-prioritise, label, leave or hand back to the bot another agent's conversation", async () => {
    const { x, y, z, conversationId } = await scene();
    const reason = await wrapUpReason(server);
    const lastSeq = (await stored(server, conversationId)).lastSeq;
    for (const agent of [y, z]) {
      const other = agent === y ? z : y;
      const answers = {
        close: await agent.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id }),
        transfer: await agent.api.post(`/conversations/${conversationId}/transfer`, { agentId: other.id }),
        conference: await agent.api.post(`/conversations/${conversationId}/conference`, { agentId: other.id }),
        priority: await agent.api.put(`/conversations/${conversationId}/priority`, { priority: 3 }),
        labels: await agent.api.put(`/conversations/${conversationId}/labels`, { labels: ['x'] }),
        leave: await agent.api.post(`/conversations/${conversationId}/leave`),
        returnToBot: await agent.api.post(`/conversations/${conversationId}/return-to-bot`),
      };
      const codes = Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, `${r.status} ${r.body.error.code}`]));
      // Y saw it waiting in its queue, so it may learn the conversation is someone else's (C2: the race's
      // loser hears conversation_taken); Z, of another queue, learns nothing of it.
      const notYours = agent === y ? '403 not_holder' : '404 conversation_not_found';
      expect(codes).toEqual({
        close: notYours,
        transfer: '404 conversation_not_found',
        conference: '404 conversation_not_found',
        priority: notYours,
        labels: notYours,
        leave: notYours,
        returnToBot: '404 conversation_not_found',
      });
    }
    expect((await stored(server, conversationId)).lastSeq).toBe(lastSeq);
    expect((await stored(server, conversationId)).assignedAgentId).toBe(x.id);
  });

  it("R10: supervisors see any conversation and filter the list by agent; an agent lists its own", async () => {
    const { x, conversationId } = await scene();
    const supervisor = await createAgent(server, { role: 'supervisor' });
    expect((await supervisor.api.get(`/conversations/${conversationId}`)).status).toBe(200);
    const byAgent = await supervisor.api.get(`/conversations?agent=${x.id}`);
    expect(byAgent.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    const own = await x.api.get(`/conversations?agent=${x.id}`);
    expect(own.status).toBe(200);
    expect(own.body.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId]);
  });

  it('R10: closed conversations are archived and unarchived by their agent; closed and archived lists show only its own to an agent', async () => {
    const { x, y, conversationId } = await scene();
    expect((await x.api.post(`/conversations/${conversationId}/archive`)).body.error.code).toBe('not_closed');
    const reason = await wrapUpReason(server);
    expect((await x.api.post(`/conversations/${conversationId}/close`, { reasonId: reason.id })).status).toBe(200);
    const ids = async (agent: { api: Api }, view: string) => (await agent.api.get(`/conversations?view=${view}`)).body.conversations.map((c: { id: string }) => c.id);

    expect(await ids(x, 'closed')).toContain(conversationId);
    expect(await ids(y, 'closed')).not.toContain(conversationId);
    expect((await y.api.post(`/conversations/${conversationId}/archive`)).status).toBe(403);

    const archived = await x.api.post(`/conversations/${conversationId}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.conversation.archived).toBe(true);
    expect(await ids(x, 'closed')).not.toContain(conversationId);
    expect(await ids(x, 'archived')).toContain(conversationId);
    expect(await ids(y, 'archived')).not.toContain(conversationId);

    const back = await x.api.post(`/conversations/${conversationId}/unarchive`);
    expect(back.body.conversation.archived).toBe(false);
    expect(await ids(x, 'closed')).toContain(conversationId);
    expect(await ids(x, 'archived')).not.toContain(conversationId);
    expect((await storedEvents(server, conversationId)).slice(-2).map((e) => e.kind)).toEqual(['archived', 'unarchived']);
  });

  it('R10: only an admin deletes a conversation; it is gone from every list and read', async () => {
    const { x, conversationId } = await scene();
    const supervisor = await createAgent(server, { role: 'supervisor' });
    expect((await x.api.delete(`/conversations/${conversationId}`)).status).toBe(403);
    expect((await supervisor.api.delete(`/conversations/${conversationId}`)).status).toBe(403);

    expect((await admin.delete(`/conversations/${conversationId}`)).status).toBe(204);
    for (const view of ['open', 'closed', 'archived']) {
      expect((await admin.get(`/conversations?view=${view}`)).body.conversations.some((c: { id: string }) => c.id === conversationId)).toBe(false);
    }
    expect((await admin.get(`/conversations/${conversationId}`)).status).toBe(404);
    expect((await x.api.get(`/conversations?agent=${x.id}`)).body.conversations).toEqual([]);
    expect(await storedEvents(server, conversationId)).toEqual([]);
    expect((await admin.delete(`/conversations/${conversationId}`)).status).toBe(404);
  });

  it("R10: a deleted conversation leaves the consoles that showed it (gone frame)", async () => {
    const { x, conversationId } = await scene();
    const watcher = await onlineAgent(server, { role: 'supervisor' });
    await summary(x.socket, conversationId, (c) => c.assignedAgentId === x.id);
    expect(watcher.session.conversations.some((c) => c.id === conversationId)).toBe(true);
    expect((await admin.delete(`/conversations/${conversationId}`)).status).toBe(204);
    await gone(x.socket, conversationId);
    await gone(watcher.socket, conversationId);
  });
});
