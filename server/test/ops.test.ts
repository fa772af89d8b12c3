/**
 * Issue 14, operations: `/readyz` (200 only while the store, and Redis when configured, answer within a
 * second; 503 with what failed otherwise) and `/metrics` (Prometheus text) on the real server; and a start
 * against a Redis nobody listens on ends at once with one line naming its host.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testPgPool, testSchemaName } from '../store/store-fixture';
import { StartError } from '../app';
import type { Store } from '../store/store';
import { adminApi, onlineAgent, send, visitor } from './agents';
import { freePort } from './child-server';
import { serversPerTest, startTestServer } from './harness';

const serverWith = serversPerTest();

/** A store whose ping fails, hangs or answers, as the test says. */
function pingAs(mode: { now: 'ok' | 'fail' | 'hang' }) {
  return (store: Store): Store => ({
    ...store,
    cluster: {
      ...store.cluster,
      ping: () =>
        mode.now === 'ok' ? store.cluster.ping() : mode.now === 'fail' ? Promise.reject(new Error('connection refused')) : new Promise<void>(() => undefined),
    },
  });
}

/** A metric's value in Prometheus text, by name and labels as written (e.g. `{kind="visitor"`). */
function value(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels}`) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/readyz (issue 14)', () => {
  it('answers 200 with the node while the store answers, and 503 naming the database while it does not', async () => {
    const mode = { now: 'ok' as 'ok' | 'fail' | 'hang' };
    const server = await serverWith({ wrapStore: pingAs(mode), env: { NODE_ID: 'node-a' } });
    const ok = await fetch(`${server.url}/readyz`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.json()).toEqual({ ready: true, node: 'node-a', database: 'ok' });

    mode.now = 'fail';
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ready: false, node: 'node-a', reason: 'database', database: 'failed' });
    // Liveness stays: the node is up, only not to be sent traffic.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    mode.now = 'ok';
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('a store that does not answer within a second is not ready (503 timeout), and the probe comes back in time', async () => {
    const mode = { now: 'hang' as 'ok' | 'fail' | 'hang' };
    const server = await serverWith({ wrapStore: pingAs(mode) });
    const started = Date.now();
    const res = await fetch(`${server.url}/readyz`);
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false, reason: 'database', database: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3_000);
  });

  it('with REDIS_URL it asks Redis too (the real one on 127.0.0.1:6379)', async () => {
    const server = await serverWith({ env: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `t_ops_${randomBytes(4).toString('hex')}:` } });
    const res = await fetch(`${server.url}/readyz`);
    expect(await res.json()).toMatchObject({ ready: true, database: 'ok', redis: 'ok' });
    expect(res.status).toBe(200);
  });
});

describe('a start without its dependencies (issue 14)', () => {
  let output = '';
  afterEach(() => {
    output = '';
  });

  it('Redis unreachable at start: a StartError naming REDIS_URL\'s host, never its password, within a few seconds', async () => {
    const port = await freePort();
    const started = Date.now();
    const failed = await startTestServer({ env: { REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}` } }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(StartError);
    output = (failed as Error).message;
    expect(output).toContain(`cannot reach Redis at 127.0.0.1:${port}`);
    expect(output).toContain('REDIS_URL=');
    expect(output).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(7_000);
  });
});

describe('/metrics (issue 14)', () => {
  it('answers the Prometheus text with the node label: sockets by kind, messages persisted, commit and delivery latency', async () => {
    const server = await serverWith({ env: { NODE_ID: 'node-m' } });
    const agent = await onlineAgent(server, { role: 'admin' });
    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Olá');
    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await agent.socket.next('history');
    expect((await send(v.socket, conversationId, 'segunda')).type).toBe('ack');
    expect((await send(agent.socket, conversationId, 'nota', { note: true })).type).toBe('ack');
    await agent.socket.next('event', (e) => e.event.text === 'nota');

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(value(text, 'papo_open_sockets', '{kind="visitor",node="node-m"}')).toBe(1);
    expect(value(text, 'papo_open_sockets', '{kind="agent",node="node-m"}')).toBe(1);
    expect(value(text, 'papo_messages_persisted_total', '{node="node-m"}')).toBe(3);
    expect(value(text, 'papo_commit_seconds_count', '{node="node-m"}')).toBeGreaterThanOrEqual(3);
    expect(value(text, 'papo_delivery_seconds_count', '{node="node-m"}')).toBeGreaterThanOrEqual(3);
    expect(value(text, 'papo_write_failures_total', '{node="node-m"}')).toBe(0);
    expect(value(text, 'papo_bus_resyncs_total', '{node="node-m"}')).toBe(0);
    expect(value(text, 'papo_bus_reconnects_total', '{node="node-m"}')).toBe(0);
    expect(value(text, 'papo_bus_dropped_total', '{node="node-m"}')).toBe(0);
    // The process figures, once per process, carry the first node started in it (this file starts several).
    expect(text).toMatch(/^papo_process_cpu_seconds_total\{node="[^"]+"\} /m);

    v.socket.close();
    await expect.poll(async () => value(await (await fetch(`${server.url}/metrics`)).text(), 'papo_open_sockets', '{kind="visitor",node="node-m"}')).toBe(0);
  });

  it('with METRICS_TOKEN it answers only the bearer of that token', async () => {
    const token = 'metrics-token-0123456789';
    const server = await serverWith({ env: { METRICS_TOKEN: token } });
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('papo_messages_persisted_total');
    // Readiness and liveness stay open: a load balancer has no token.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});

describe('on PostgreSQL and Redis (issue 14)', () => {
  const schema = testSchemaName('ops');
  afterAll(async () => {
    await (await testPgPool()).query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  const onPostgres = () =>
    serverWith({ env: { DATABASE_URL: TEST_PG_URL, DATABASE_SCHEMA: schema, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `${schema}:`, NODE_ID: 'pg-1' } });

  it('DATABASE_URL starts on PostgreSQL (migrated, seeded once): ready with database and redis ok', async () => {
    await testPgPool();
    const server = await onPostgres();
    const res = await fetch(`${server.url}/readyz`);
    expect(await res.json()).toEqual({ ready: true, node: 'pg-1', database: 'ok', redis: 'ok' });
    expect(server.papo.demoSiteKey).toMatch(/.+/);
    const sites = await (await testPgPool()).query(`SELECT key FROM ${schema}.sites`);
    expect(sites.rows).toEqual([{ key: server.papo.demoSiteKey }]);
    // A second start on the same schema finds the seed done.
    await server.stop();
    const again = await onPostgres();
    expect(again.papo.demoSiteKey).toBe(server.papo.demoSiteKey);
    expect((await (await testPgPool()).query(`SELECT count(*)::int AS n FROM ${schema}.sites`)).rows[0].n).toBe(1);
  });

  it('W3: a file uploaded on PostgreSQL is kept in the database with its row, and read back from there', async () => {
    const server = await onPostgres();

    const v = await visitor(server);
    const { conversationId } = await v.socket.say('Olá');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f9e1e00000000049454e44ae426082', 'hex');
    const up = await fetch(`${server.url}/api/v1/files?conversation=${conversationId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.session.token}`, origin: server.origin, 'content-type': 'application/octet-stream', 'x-file-name': 'ponto.png' },
      body: png,
    });
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string } };
    const blobs = await (await testPgPool()).query(`SELECT count(*)::int AS n FROM ${schema}.attachment_blobs WHERE attachment_id = $1`, [attachment.id]);
    expect(blobs.rows[0].n).toBeGreaterThan(0);
    const down = await fetch(`${server.url}/api/v1/files/${attachment.id}`, { headers: { authorization: `Bearer ${v.session.token}` } });
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer())).toEqual(png);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(value(metrics, 'papo_messages_persisted_total', '{node="pg-1"}')).toBe(1);

    // An admin's delete takes the row and, by the foreign key's cascade, the bytes.
    const admin = await adminApi(server);
    expect((await admin.delete(`/conversations/${conversationId}`)).status).toBe(204);
    expect((await (await testPgPool()).query(`SELECT count(*)::int AS n FROM ${schema}.attachment_blobs WHERE attachment_id = $1`, [attachment.id])).rows[0].n).toBe(0);
    expect((await fetch(`${server.url}/api/v1/files/${attachment.id}`, { headers: { authorization: `Bearer ${v.session.token}` } })).status).toBe(404);
  });
});
