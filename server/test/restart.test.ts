import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLOSE } from '../../shared/errors';
import { createSqliteStore } from '../store/sqlite/store';
import { openAgent, openVisitor } from './clients';
import { ADMIN, startTestServer, TEST_SECRET, type TestServer } from './harness';

const ROOT = join(import.meta.dirname, '../..');

describe('restart', () => {
  it('D12: stopping closes sockets with 1001, and after a restart every conversation and message is still there', async () => {
    const server = await startTestServer();
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('antes do reinício');
    await agent.socket.say('recebido', conversationId);

    const restarted = await server.restart();
    expect((await visitor.socket.closed).code).toBe(CLOSE.going_away);
    expect((await agent.socket.closed).code).toBe(CLOSE.going_away);

    const stored = await restarted.papo.store.events.after(conversationId, 0, { limit: 1000 });
    expect(stored.map((e) => e.text ?? e.kind)).toEqual(['created', 'queued', 'antes do reinício', 'assigned', 'recebido']);

    // The visitor comes back with its token and resumes where it was.
    const back = await openVisitor(restarted, { token: visitor.session.token, resume: { conversationId, afterSeq: 4 } });
    expect(back.session.visitorId).toBe(visitor.session.visitorId);
    expect(back.session.conversation).toEqual({ id: conversationId, status: 'open', lastSeq: 5, agentSeenSeq: 0, visitorSeenSeq: 0 });
    const inbox = (await openAgent(restarted)).session.conversations;
    expect(inbox.find((c) => c.id === conversationId)?.assignedAgentName).toBe(ADMIN.name);
    await restarted.stop();
  });

  it('D12: writes in flight when the server stops are committed and acked before the sockets close', async () => {
    // The real store, with one addition: the moment the 20th late write is queued (not yet committed),
    // the server is told to stop, from inside that same turn of the event loop.
    let queued = 0;
    let stopping: Promise<void> | null = null;
    const stopNow = { server: null as TestServer | null };
    const server = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        write(request) {
          const done = store.write(request);
          if (++queued === 21) stopping = stopNow.server!.stop();
          return done;
        },
      }),
    });
    stopNow.server = server;
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('primeira');
    const late: string[] = Array.from({ length: 20 }, () => randomUUID());
    for (const clientId of late) visitor.socket.send({ type: 'message.send', clientId, conversationId, text: `tarde ${clientId}` });
    expect((await visitor.socket.closed).code).toBe(CLOSE.going_away);
    await stopping;

    const acked = new Set(visitor.socket.all('ack').map((a) => a.clientId));
    expect(late.filter((id) => !acked.has(id))).toEqual([]);
    const store = createSqliteStore(join(server.dir, 'papo.db'));
    const stored = await store.events.after(conversationId, 0, { limit: 1000 });
    for (const clientId of late) expect(stored.filter((e) => e.clientId === clientId)).toHaveLength(1);
    await store.close();
  });

  it('D12: a message that arrives once the stop has begun is refused with shutting_down, not stored', async () => {
    const server = await startTestServer();
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('primeira');
    const stopped = server.stop(); // stopAccepting runs synchronously inside stop()
    const clientId = randomUUID();
    visitor.socket.send({ type: 'message.send', clientId, conversationId, text: 'depois do stop' });
    await stopped;
    await visitor.socket.closed;
    expect(visitor.socket.all('ack').some((a) => a.clientId === clientId)).toBe(false);
    const store = createSqliteStore(join(server.dir, 'papo.db'));
    expect((await store.events.after(conversationId, 0, { limit: 100 })).some((e) => e.clientId === clientId)).toBe(false);
    await store.close();
  });

  it('D12: once the stop has begun, every frame but ping is refused with shutting_down and changes nothing, while the sockets still wait to be closed', async () => {
    // The stop is held where it commits the queued writes: the server is draining, the sockets still open.
    let atFlush!: () => void;
    const reached = new Promise<void>((r) => (atFlush = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const server = await startTestServer({
      wrapStore: (store) => ({
        ...store,
        async flush() {
          atFlush();
          await released;
          return store.flush();
        },
      }),
    });
    const visitor = await openVisitor(server);
    const { conversationId } = await visitor.socket.say('primeira');
    const stopped = server.stop();
    await reached;
    const requests = [
      { type: 'conversation.end', conversationId },
      { type: 'seen', conversationId, seq: 1 },
      { type: 'ticket.create', clientId: randomUUID(), fields: { email: 'a@example.com', message: 'oi' } },
      { type: 'conversation.rate', clientId: randomUUID(), conversationId, score: 5 },
      { type: 'transcript.email', clientId: randomUUID(), conversationId, email: 'a@example.com' },
      { type: 'message.send', clientId: randomUUID(), conversationId, text: 'depois do stop' },
    ] as const;
    for (const frame of requests) {
      visitor.socket.send(frame);
      const refused = await visitor.socket.next('error', (e) => e.code === 'shutting_down' && ('clientId' in frame ? e.clientId === frame.clientId : e.clientId === undefined));
      expect(refused.code).toBe('shutting_down');
    }
    visitor.socket.send({ type: 'ping', id: 7 });
    expect(await visitor.socket.next('pong', (f) => f.id === 7)).toEqual({ type: 'pong', id: 7 });
    expect(visitor.socket.all('error').map((e) => e.code)).toEqual(Array(requests.length).fill('shutting_down'));
    release();
    await stopped;
    expect((await visitor.socket.closed).code).toBe(CLOSE.going_away);
    const store = createSqliteStore(join(server.dir, 'papo.db'));
    const events = await store.events.after(conversationId, 0, { limit: 100 });
    expect(events.map((e) => e.text ?? e.kind)).toEqual(['created', 'queued', 'primeira']);
    await store.close();
  });

  it('D12: the real server process stops on SIGTERM with exit code 0 and keeps what it acked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papo-sigterm-'));
    const databasePath = join(dir, 'papo.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_PATH: databasePath,
        PAPO_SECRET: TEST_SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL'); // never leave a server behind when an assertion fails
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const [port, siteKey] = await new Promise<[number, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        const listening = /listening url=http:\/\/localhost:(\d+)/.exec(output);
        const key = /Demo site key: (\S+)/.exec(output);
        if (listening && key) {
          clearTimeout(timer);
          resolve([Number(listening[1]), key[1]!]);
        }
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const server = { url, wsUrl: `ws://127.0.0.1:${port}/ws`, origin: url, siteKey } as Parameters<typeof openVisitor>[0];
    const visitor = await openVisitor(server);
    const ack = await visitor.socket.say('guardado antes do SIGTERM');

    child.kill('SIGTERM');
    expect((await visitor.socket.closed).code).toBe(CLOSE.going_away);
    expect(await exited).toBe(0);
    expect(output).toContain('Papo stopped');

    const store = createSqliteStore(databasePath);
    const events = await store.events.after(ack.conversationId, 0, { limit: 10 });
    expect(events.find((e) => e.seq === ack.seq)?.text).toBe('guardado antes do SIGTERM');
    await store.close();
  });
});

