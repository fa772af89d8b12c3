/**
 * Issue 14, what one node does reaches the others: three nodes started at once seed once; an agent Available
 * on one node makes the site online for a visitor on another (T1); a visitor's tabs on two nodes race for
 * the first message (C3), resend one client id (D3), rate twice (T5) and send one form twice (T7) and the
 * database keeps one of each; a file uploaded on one node is served by another and erased from a third
 * (W3); a logout and a block on one node close sockets held by another. One cluster for the file; the tests
 * run in order and the block, which makes an address unwelcome, comes last.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ServerFrame } from '../../../shared/protocol';
import { CLOSE } from '../../../shared/errors';
import * as f from '../../domain/file-type.fixtures';
import { closedWithin, login, openAgent, openVisitor, TestSocket, UpgradeRefused } from '../clients';
import { ADMIN } from '../harness';
import { adminOn, createAgentOn, eventually, expectStatus, keepWaitingChats, startCluster, supportQueue, type Cluster, type ClusterNode, type NodeApi } from './harness';

let cluster: Cluster;
let admin: NodeApi;
let n1: ClusterNode;
let n2: ClusterNode;
let n3: ClusterNode;
beforeAll(async () => {
  // TRUST_PROXY: the block test's visitor comes from its own address (X-Forwarded-For), the agents from 127.0.0.1.
  cluster = await startCluster({ name: 'cross', nodes: 3, env: { TRUST_PROXY: '1' } });
  [n1, n2, n3] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
  admin = await adminOn(n1);
  await keepWaitingChats(cluster, admin);
});
afterAll(async () => {
  await cluster?.stop();
});

type Answer = Extract<ServerFrame, { type: 'ack' | 'ticket' | 'done' | 'error' }>;

/** The answer (ack, ticket, done or error) naming this client id on this socket. */
function answerTo(socket: TestSocket, clientId: string): Promise<Answer> {
  return Promise.race([
    socket.next('ack', (a) => a.clientId === clientId, 15_000),
    socket.next('ticket', (a) => a.clientId === clientId, 15_000),
    socket.next('done', (a) => a.clientId === clientId, 15_000),
    socket.next('error', (a) => a.clientId === clientId, 15_000),
  ]) as Promise<Answer>;
}

/** A visitor's second tab on another node: the same token. */
const tabOn = (node: ClusterNode, token: string) => openVisitor(node.asTestServer(), { token });

describe('issue 14: one cluster, what one node does the others see', () => {
  it('three nodes started at once ran the migrations and the first-start seed once', async () => {
    const count = async (sql: string, params: unknown[] = []) => (await cluster.db.query<{ n: number }>(sql, params)).rows[0]!.n;
    expect(await count('SELECT count(*)::int AS n FROM sites')).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM agents WHERE email = $1', [ADMIN.email])).toBe(1);
    expect(await count("SELECT count(*)::int AS n FROM queues WHERE name = 'Support'")).toBe(1);
    expect(await count('SELECT count(*)::int AS n FROM wrap_up_reasons')).toBe(3);
    // Drizzle's journal of applied migrations, in the cluster's schema: each applied once.
    const journal = await cluster.db.query<{ hash: string; n: number }>(
      `SELECT hash, count(*)::int AS n FROM ${cluster.schema}.__drizzle_migrations GROUP BY hash HAVING count(*) > 1`,
    );
    expect(journal.rows).toEqual([]);
  });

  it('T1 across nodes: an agent Available on node 1 makes the site online for a visitor on node 2, and offline when it leaves', async () => {
    const support = await supportQueue(cluster);
    const v = await openVisitor(n2.asTestServer());
    expect(v.session.site.online).toBe(false);
    const agent = await createAgentOn(n1, admin, { queues: [support.id] });
    expectStatus(await agent.api.call(n1, 'PUT', '/me/availability', { state: 'available' }), 200, 'available');
    const console1 = await openAgent(n1.asTestServer(), agent.api.cookie);
    expect((await v.socket.next('availability', () => true, 10_000)).online).toBe(true);
    // A visitor arriving on the third node hears it in its welcome.
    expect((await openVisitor(n3.asTestServer())).session.site.online).toBe(true);
    // The console closes (no grace in these tests): offline again, told on node 2.
    await console1.socket.close();
    expect((await v.socket.next('availability', () => true, 10_000)).online).toBe(false);
    v.socket.ws.close();
  });

  it('C3 across nodes: a visitor\'s first message from two tabs on two nodes at once opens one conversation', async () => {
    for (let round = 0; round < 5; round++) {
      const first = await openVisitor(n1.asTestServer());
      const second = await tabOn(n2, first.session.token);
      const ids = [randomUUID(), randomUUID()];
      first.socket.send({ type: 'message.send', clientId: ids[0], text: `aba 1, rodada ${round}` });
      second.socket.send({ type: 'message.send', clientId: ids[1], text: `aba 2, rodada ${round}` });
      const acks = await Promise.all([answerTo(first.socket, ids[0]!), answerTo(second.socket, ids[1]!)]);
      expect(acks.map((a) => (a.type === 'error' ? `${a.code}: ${a.message}` : a.type))).toEqual(['ack', 'ack']);
      const [a, b] = acks as Array<Extract<Answer, { type: 'ack' }>>;
      expect(b!.conversationId).toBe(a!.conversationId);
      const { rows } = await cluster.db.query('SELECT id FROM conversations WHERE visitor_id = $1', [first.session.visitorId]);
      expect(rows.map((r) => r.id)).toEqual([a!.conversationId]);
      const stored = await cluster.db.query('SELECT client_id FROM events WHERE conversation_id = $1 AND client_id = ANY($2)', [a!.conversationId, ids]);
      expect(stored.rows.map((r) => r.client_id).sort()).toEqual([...ids].sort());
      first.socket.ws.close();
      second.socket.ws.close();
    }
  });

  it('D3 across nodes: the same client id sent to two nodes at once is stored once, and both acks name its seq', async () => {
    const v = await openVisitor(n1.asTestServer());
    const { conversationId } = await v.socket.say('olá');
    const tabs = [await tabOn(n2, v.session.token), await tabOn(n3, v.session.token)];
    for (let round = 0; round < 5; round++) {
      const clientId = randomUUID();
      for (const tab of tabs) tab.socket.send({ type: 'message.send', clientId, conversationId, text: `a mesma mensagem ${round}` });
      const answers = await Promise.all(tabs.map((tab) => answerTo(tab.socket, clientId)));
      expect(answers.map((a) => (a.type === 'error' ? `${a.code}: ${a.message}` : a.type))).toEqual(['ack', 'ack']);
      const acks = answers as Array<Extract<Answer, { type: 'ack' }>>;
      expect(acks[1]!.seq).toBe(acks[0]!.seq);
      const { rows } = await cluster.db.query('SELECT seq::int AS seq FROM events WHERE conversation_id = $1 AND client_id = $2', [conversationId, clientId]);
      expect(rows).toEqual([{ seq: acks[0]!.seq }]);
    }
    for (const tab of [v, ...tabs]) tab.socket.ws.close();
  });

  it('T5 across nodes: two tabs on two nodes rating at once store one rating, one done and one conflict', async () => {
    for (let round = 0; round < 3; round++) {
      const v = await openVisitor(n1.asTestServer());
      const { conversationId } = await v.socket.say('pode encerrar');
      // Nobody holds it: the visitor's end closes it at once, and it may be rated.
      v.socket.send({ type: 'conversation.end', conversationId });
      await v.socket.next('event', (e) => e.event.kind === 'closed', 10_000);
      const tabs = [await tabOn(n2, v.session.token), await tabOn(n3, v.session.token)];
      const ids = [randomUUID(), randomUUID()];
      tabs.forEach((tab, i) => tab.socket.send({ type: 'conversation.rate', clientId: ids[i], conversationId, score: 3 + i }));
      const answers = await Promise.all(tabs.map((tab, i) => answerTo(tab.socket, ids[i]!)));
      expect(answers.map((a) => (a.type === 'error' ? a.code : a.type)).sort()).toEqual(['conflict', 'done']);
      const { rows } = await cluster.db.query("SELECT count(*)::int AS n FROM events WHERE conversation_id = $1 AND kind = 'rated'", [conversationId]);
      expect(rows[0].n).toBe(1);
      for (const tab of [v, ...tabs]) tab.socket.ws.close();
    }
  });

  it('T7 across nodes: one form sent from two tabs on two nodes at once makes one ticket, and both tabs get its number', async () => {
    for (let round = 0; round < 5; round++) {
      const first = await openVisitor(n1.asTestServer());
      const second = await tabOn(n2, first.session.token);
      const clientId = randomUUID();
      // The site's form (keepWaitingChats: no extra fields) asks for the e-mail and the message only.
      const fields = { email: `ana-${randomUUID().slice(0, 8)}@example.com`, message: `Quero falar com alguém (${round})` };
      for (const tab of [first, second]) tab.socket.send({ type: 'ticket.create', clientId, fields });
      const answers = await Promise.all([first, second].map((tab) => answerTo(tab.socket, clientId)));
      expect(answers.map((a) => (a.type === 'error' ? `${a.code}: ${a.message}` : a.type))).toEqual(['ticket', 'ticket']);
      const [a, b] = answers as Array<Extract<Answer, { type: 'ticket' }>>;
      expect(b!.number).toBe(a!.number);
      const { rows } = await cluster.db.query('SELECT number::int AS number FROM tickets WHERE client_id = $1', [clientId]);
      expect(rows).toEqual([{ number: a!.number }]);
      first.socket.ws.close();
      second.socket.ws.close();
    }
  });

  it('W3 across nodes: a file uploaded on node 1 is served by nodes 2 and 3, and erased from node 3 it is gone from all of them', async () => {
    const v = await openVisitor(n1.asTestServer());
    const { conversationId } = await v.socket.say('segue o arquivo');
    const uploaded = await fetch(`${n1.url}/api/v1/files?conversation=${encodeURIComponent(conversationId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.session.token}`, origin: cluster.publicUrl, 'content-type': 'application/octet-stream', 'x-file-name': 'foto.png' },
      body: f.PNG,
    });
    expect(uploaded.status).toBe(201);
    const attachmentId = ((await uploaded.json()) as { attachment: { id: string } }).attachment.id;
    const clientId = randomUUID();
    v.socket.send({ type: 'message.send', clientId, conversationId, text: 'a foto', attachments: [attachmentId] });
    expect((await answerTo(v.socket, clientId)).type).toBe('ack');

    const download = (node: ClusterNode) => fetch(`${node.url}/api/v1/files/${attachmentId}`, { headers: { cookie: admin.cookie, origin: cluster.publicUrl } });
    for (const node of [n2, n3]) {
      const res = await download(node);
      expect(res.status, node.id).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from(f.PNG));
    }
    // The visitor downloads it from another node too.
    const own = await fetch(`${n2.url}/api/v1/files/${attachmentId}`, { headers: { authorization: `Bearer ${v.session.token}`, origin: cluster.publicUrl } });
    expect(own.status).toBe(200);

    v.socket.send({ type: 'conversation.end', conversationId });
    await v.socket.next('event', (e) => e.event.kind === 'closed', 10_000);
    expect((await admin.call(n3, 'DELETE', `/conversations/${conversationId}`)).status).toBe(204);
    for (const node of [n1, n2, n3]) expect((await download(node)).status, node.id).toBe(404);
    expect((await cluster.db.query('SELECT id FROM attachments WHERE id = $1', [attachmentId])).rows).toEqual([]);
    // Whatever table keeps the bytes (issue 14 keeps them in PostgreSQL) holds nothing of it any more.
    const byteTables = await cluster.db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'attachment_id' AND table_name <> 'attachments'",
      [cluster.schema],
    );
    expect(byteTables.rows.length).toBeGreaterThan(0);
    for (const { table_name } of byteTables.rows) {
      const left = await cluster.db.query(`SELECT count(*)::int AS n FROM ${cluster.schema}."${table_name}" WHERE attachment_id = $1`, [attachmentId]);
      expect(left.rows[0].n, table_name).toBe(0);
    }
    v.socket.ws.close();
  });

  it('issue 15 across nodes: a site created on node 1 reaches a console already open on node 2; deleted on node 1, its conversation leaves that console and its key stops working on node 3', async () => {
    const console2 = await openAgent(n2.asTestServer());
    const { site } = expectStatus(await admin.call<{ site: { id: string; key: string } }>(n1, 'POST', '/sites', { name: 'Filial' }), 200, 'create a site');
    const visitor3 = await openVisitor({ ...n3.asTestServer(), siteKey: site.key });
    visitor3.socket.send({ type: 'message.send', clientId: randomUUID(), conversationId: null, text: 'Olá da filial' });
    const { conversationId } = await visitor3.socket.next('ack', undefined, 15_000);
    await console2.socket.next('conversation', (c) => c.conversation.id === conversationId, 15_000);

    expectStatus(await admin.call(n1, 'DELETE', `/sites/${site.id}`), 200, 'delete the site');
    await console2.socket.next('gone', (g) => g.conversationId === conversationId, 15_000);
    const settings = await fetch(`${n3.url}/api/v1/widget/settings?site=${site.key}`);
    expect(settings.status).toBe(404);
    await visitor3.socket.close();
    await console2.socket.close();
  });

  it('a logout on node 3 closes the agent\'s console on node 2 (4006) within seconds', async () => {
    const agent = await createAgentOn(n1, admin);
    const console2 = await openAgent(n2.asTestServer(), agent.api.cookie);
    expect((await agent.api.call(n3, 'POST', '/auth/logout')).status).toBe(204);
    expect((await closedWithin(console2.socket, 5_000)).code).toBe(CLOSE.session_ended);
    // The session is gone everywhere: the cookie opens nothing on node 1.
    await expect(openAgent(n1.asTestServer(), agent.api.cookie)).rejects.toBeInstanceOf(UpgradeRefused);
    // And the admin's own session, signed in on node 1, still works on node 2.
    expect((await admin.call(n2, 'GET', '/me')).status).toBe(200);
  });

  it('a block made on node 1 closes the visitor\'s socket on node 2 (4004) and refuses its address on node 3', async () => {
    const ip = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
    const open = async (node: ClusterNode, token: string | null) => {
      const socket = await TestSocket.open(`${node.wsUrl}?role=visitor&site=${encodeURIComponent(cluster.siteKey)}`, { origin: cluster.publicUrl, 'x-forwarded-for': ip });
      socket.send({ type: 'hello', v: PROTOCOL_VERSION, token, resume: null });
      return socket;
    };
    const socket = await open(n2, null);
    const { session } = await socket.next('welcome');
    if (session.role !== 'visitor') throw new Error('expected a visitor');
    const { conversationId } = await socket.say('mensagem abusiva');
    // Live visitors know its address on every node before the block is asked for.
    await eventually(async () => {
      const live = await admin.call(n1, 'GET', '/visitors/live');
      return JSON.stringify(live.body).includes(session.visitorId) ? true : undefined;
    }, 'the visitor listed as live on node 1', 10_000);

    expectStatus(await admin.call(n1, 'POST', `/conversations/${conversationId}/block`, { reason: 'abuso' }), 200, 'block');
    expect((await closedWithin(socket, 5_000)).code).toBe(CLOSE.blocked);
    // Its address is refused on node 3, for HTTP and for a new socket (at the upgrade, or at once with 4004).
    const http = await fetch(`${n3.url}/api/v1/widget/settings?site=${encodeURIComponent(cluster.siteKey)}`, { headers: { origin: cluster.publicUrl, 'x-forwarded-for': ip } });
    expect(http.status).toBe(403);
    const again = await open(n3, session.token).then(
      async (s) => (await closedWithin(s, 5_000)).code,
      (err: unknown) => (err instanceof UpgradeRefused ? err.status : String(err)),
    );
    expect([403, CLOSE.blocked]).toContain(again);
    // Another address on node 3 is served as before.
    expect((await openVisitor(n3.asTestServer())).session.role).toBe('visitor');
    // The agents' address (127.0.0.1, the same as the consoles') was not blocked with it.
    expect((await login(n3.asTestServer())).startsWith('papo_session=')).toBe(true);
    for (const node of cluster.nodes) expect(node.errors(), node.id).toEqual([]);
  });
});
