import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/errors';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { startPapo } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { TestSocket } from './clients';
import { startTestServer } from './harness';

describe('socket lifecycle', () => {
  it('D13: a socket that stops answering pings is dropped; one that answers stays', async () => {
    const server = await startTestServer({ env: { HEARTBEAT_MS: '100' } });
    const url = `${server.wsUrl}?role=visitor&site=${server.siteKey}`;
    const silent = await TestSocket.open(url, { origin: server.origin }, { autoPong: false });
    const healthy = await TestSocket.open(url, { origin: server.origin });
    for (const s of [silent, healthy]) s.send({ type: 'hello', v: PROTOCOL_VERSION });
    await silent.next('welcome');
    await healthy.next('welcome');

    const closed = await silent.closed;
    expect(closed.code).toBe(1006); // terminated: no close handshake for a peer that does not answer
    await new Promise((r) => setTimeout(r, 350)); // three more heartbeats
    healthy.send({ type: 'ping', id: 1 });
    expect(await healthy.next('pong')).toEqual({ type: 'pong', id: 1 });
    await healthy.close();
    await server.stop();
  });

  it('D13: a socket that never says hello is closed with 4003', async () => {
    const server = await startTestServer({ env: { HELLO_TIMEOUT_MS: '100' } });
    const socket = await TestSocket.open(`${server.wsUrl}?role=visitor&site=${server.siteKey}`, { origin: server.origin });
    expect((await socket.closed).code).toBe(CLOSE.hello_timeout);
    await server.stop();
  });
});

describe('first start', () => {
  it('prints a generated admin password once, and never again on later starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papo-first-'));
    const config = loadConfig({ PORT: '0', DATABASE_PATH: join(dir, 'papo.db'), DIST_DIR: join(dir, 'dist') });
    const start = async () => {
      const lines: string[] = [];
      const papo = await startPapo(config, { log: createLogger('debug', (l) => lines.push(l)) });
      await papo.stop();
      return lines.join('');
    };
    const first = await start();
    const password = /as admin@papo\.local with password (\S+)/.exec(first)?.[1];
    expect(password).toBeDefined();
    expect(first).toMatch(/Demo site key: pk_/);

    const second = await start();
    expect(second).not.toContain(password!);
    expect(second).not.toMatch(/password/i);

    // The printed password is the real one.
    const again = await startPapo(config, { log: createLogger('silent') });
    const res = await fetch(`${again.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@papo.local', password }),
    });
    expect(res.status).toBe(200);
    await again.stop();
  });
});

describe('agent sessions', () => {
  it('expired sessions are deleted when the server starts (and hourly), live ones are kept', async () => {
    const server = await startTestServer();
    const { store } = server.papo;
    const agent = (await store.agents.byEmail('admin@example.com'))!;
    await store.sessions.create({ tokenHash: 'expired', agentId: agent.id, createdAt: 0, expiresAt: Date.now() - 1000 });
    await store.sessions.create({ tokenHash: 'live', agentId: agent.id, createdAt: 0, expiresAt: Date.now() + 60_000 });
    const restarted = await server.restart();
    const db = new Database(join(restarted.dir, 'papo.db'), { readonly: true });
    const hashes = db.prepare('SELECT token_hash FROM agent_sessions').pluck().all();
    db.close();
    expect(hashes).toContain('live');
    expect(hashes).not.toContain('expired');
    await restarted.stop();
  });
});
