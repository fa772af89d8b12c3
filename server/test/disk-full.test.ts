/**
 * A full disk against the real server (SPEC D15, D12, D4, D3; issue 11 fault 5), with two real mechanisms
 * and no root:
 * - in process, SQLite's `max_page_count` caps the server's own connection at the pages it holds, so a
 *   write that needs a new page fails inside SQLite with a real SQLITE_FULL ("database or disk is full"),
 *   through the group committer in WAL mode, where a full disk fails it;
 * - in a child process, `prlimit --fsize` lowers the process's file-size limit (RLIMIT_FSIZE) to the
 *   database file's size: the kernel refuses to grow the WAL or the database file (EFBIG; Node ignores
 *   SIGXFSZ), SQLite answers SQLITE_IOERR_WRITE, and the checkpoint at close cannot write either, as on a
 *   full disk.
 * Refusals are typed (`storage_unavailable` with `retryAfterMs`), nothing refused is acked, the log says it
 * once, what the clients resend once space is back is stored once, and SIGTERM still closes the database.
 * The same file-size limit refuses an upload's file (EFBIG from the kernel, as a full disk gives ENOSPC):
 * typed the same way, with nothing kept.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../shared/protocol';
import { PNG } from '../domain/file-type.fixtures';
import { waitFrames } from './agents';
import { login, openAgent, openVisitor, type TestSocket } from './clients';
import { freePort, startChildServer, type ChildServer } from './child-server';
import { startTestServer, type TestServer } from './harness';

let server: TestServer | undefined;
let child: ChildServer | undefined;
afterEach(async () => {
  await server?.stop();
  await child?.kill('SIGKILL');
  server = child = undefined;
});

/** Long enough that a few fill a page: the next one needs a page the cap does not allow. */
const LONG = 'Meu pedido chegou com defeito e preciso trocar. '.repeat(18);

type Answer = Extract<ServerFrame, { type: 'ack' | 'error' }>;

/** What each message.send got back (its ack or its error), among the frames from index `from` on. */
function answersTo(socket: TestSocket, clientIds: readonly string[], from: number): Promise<Answer[]> {
  return waitFrames(
    socket,
    (frames) => {
      const byId = new Map<string, Answer>();
      for (const f of frames.slice(from)) if ((f.type === 'ack' || f.type === 'error') && f.clientId && !byId.has(f.clientId)) byId.set(f.clientId, f);
      return clientIds.every((id) => byId.has(id)) ? clientIds.map((id) => byId.get(id)!) : undefined;
    },
    `answers to ${clientIds.length} messages`,
  );
}

describe('D15: a full disk refuses writes with storage_unavailable and loses nothing acked', () => {
  it('D15: message.send answers storage_unavailable with retryAfterMs and its clientId, nothing refused is acked, one log line; resent after space returns, each is stored once (D3, D4)', async () => {
    let sqlite: Database.Database | undefined;
    let skew = 0;
    server = await startTestServer({ onSqliteOpen: (db) => (sqlite = db), now: () => Date.now() + skew });
    const agent = await openAgent(server);
    const visitor = await openVisitor(server);
    const first = await visitor.socket.say('Olá');
    const conversationId = first.conversationId;
    agent.socket.send({ type: 'watch', conversationId, afterSeq: 0 });
    await agent.socket.next('history', (h) => h.conversationId === conversationId);

    // The disk is full: not one page more than the database holds now.
    sqlite!.pragma(`max_page_count = ${sqlite!.pragma('page_count', { simple: true }) as number}`);
    const sent = Array.from({ length: 40 }, (_, i) => ({ clientId: randomUUID(), text: `${i} ${LONG}` }));
    let from = visitor.socket.frames.length;
    for (const m of sent) visitor.socket.send({ type: 'message.send', clientId: m.clientId, conversationId, text: m.text });
    const answers = await answersTo(visitor.socket, sent.map((m) => m.clientId), from);
    const refused = sent.filter((_, i) => answers[i]!.type === 'error');
    const acked = sent.filter((_, i) => answers[i]!.type === 'ack');

    // An HTTP write refused the same way: 503 with Retry-After.
    const cookie = await login(server);
    let httpRefusal: { status: number; retryAfter: string | null; body: any } | undefined;
    for (let i = 0; i < 30 && !httpRefusal; i++) {
      const res = await fetch(`${server.url}/api/v1/canned-replies`, {
        method: 'POST',
        headers: { origin: server.origin, cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Troca ${i}`, text: LONG.slice(0, 1000) }),
      });
      if (res.status !== 201) httpRefusal = { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    }

    expect(refused.length).toBeGreaterThan(0);
    for (const [i, m] of sent.entries()) {
      const answer = answers[i]!;
      if (answer.type === 'ack') continue;
      expect(answer).toMatchObject({ code: 'storage_unavailable', clientId: m.clientId });
      expect(answer.retryAfterMs).toBeGreaterThan(0);
      expect(visitor.socket.all('ack').some((a) => a.clientId === m.clientId)).toBe(false);
    }
    expect(httpRefusal).toMatchObject({ status: 503, body: { error: { code: 'storage_unavailable' } } });
    expect(httpRefusal!.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(httpRefusal!.retryAfter)).toBeGreaterThan(0);
    const refusedCount = refused.length + 1;
    expect(server.problems).toHaveLength(1);
    expect(server.problems[0]).toMatch(/storage/i);

    // Space is back. The widget resends after retryAfterMs (SPEC D7): every refused message, and one that
    // was acked (its ack might have been lost), with the same client ids.
    sqlite!.pragma('max_page_count = 1073741823');
    skew += (httpRefusal!.body.error.retryAfterMs as number) + 1;
    const resent = [...refused, ...acked.slice(0, 1)];
    from = visitor.socket.frames.length;
    for (const m of resent) visitor.socket.send({ type: 'message.send', clientId: m.clientId, conversationId, text: m.text });
    const again = await answersTo(visitor.socket, resent.map((m) => m.clientId), from);

    expect(again.map((a) => a.type)).toEqual(resent.map(() => 'ack'));
    const events = await server.papo.store.events.after(conversationId, 0, { limit: 1000 });
    for (const m of sent) expect(events.filter((e) => e.clientId === m.clientId).map((e) => e.text)).toEqual([m.text]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // The agent got each of them live, once.
    for (const m of sent) await agent.socket.next('event', (f) => f.event.clientId === m.clientId);
    expect(agent.socket.all('event').filter((f) => f.event.clientId !== null).length).toBe(events.filter((e) => e.clientId !== null).length - 1);
    // One line for the episode, one for its end, with the count refused.
    expect(server.problems).toHaveLength(2);
    expect(server.problems[1]).toMatch(new RegExp(`refused=${refusedCount}\\b`));
  });
});

describe('D12/D15: SIGTERM on a full disk still closes the database', () => {
  it('D12: a child server sent SIGTERM while its disk is full exits 0, says once that it could not checkpoint, and the database opens cleanly with everything acked in it', async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'papo-full-')), 'papo.db');
    child = await startChildServer({ databasePath, port: await freePort() });
    const visitor = await openVisitor(child.asTestServer());
    const acked = new Map<string, string>();
    for (let i = 0; i < 10; i++) {
      const text = `antes ${i}`;
      const ack = await visitor.socket.say(text);
      acked.set(ack.clientId, text);
    }

    // Neither the WAL nor the database file may grow from now on.
    execFileSync('prlimit', ['--pid', String(child.child.pid), `--fsize=${statSync(databasePath).size}:`]);
    const sent = Array.from({ length: 20 }, (_, i) => ({ clientId: randomUUID(), text: `cheio ${i} ${LONG}` }));
    const from = visitor.socket.frames.length;
    for (const m of sent) visitor.socket.send({ type: 'message.send', clientId: m.clientId, text: m.text });
    const answers = await answersTo(visitor.socket, sent.map((m) => m.clientId), from);
    for (const [i, answer] of answers.entries()) if (answer.type === 'ack') acked.set(answer.clientId, sent[i]!.text);
    const exit = await child.kill('SIGTERM');
    const lines = child.output().split('\n').filter((line) => line.trim() !== '');

    expect(exit).toEqual({ code: 0, signal: null });
    expect(answers.some((a) => a.type === 'error')).toBe(true);
    expect(answers.filter((a) => a.type === 'error').map((a) => (a.type === 'error' ? a.code : a.type))).toEqual(answers.filter((a) => a.type === 'error').map(() => 'storage_unavailable'));
    expect(lines.filter((line) => /writes are refused/.test(line))).toHaveLength(1);
    expect(lines.filter((line) => /could not checkpoint/.test(line))).toHaveLength(1);
    expect(lines).toHaveLength(2);

    const db = new Database(databasePath);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = db.prepare<[], { client_id: string; text: string }>("SELECT client_id, text FROM events WHERE kind = 'message'").all();
      for (const [clientId, text] of acked) expect(stored.filter((e) => e.client_id === clientId).map((e) => e.text)).toEqual([text]);
      for (const [i, answer] of answers.entries()) if (answer.type === 'error') expect(stored.some((e) => e.client_id === sent[i]!.clientId)).toBe(false);
    } finally {
      db.close();
    }
  }, 60_000);
});

/** Every regular file under `dir`, with its size. */
function filesUnder(dir: string): Array<{ path: string; size: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ path: join(e.parentPath, e.name), size: statSync(join(e.parentPath, e.name)).size }));
}

describe('D15: a files dir that cannot take a file', () => {
  it('D15: an upload whose file cannot be written answers 503 storage_unavailable with retryAfterMs, keeps nothing, and the log says it once for several refusals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papo-files-full-'));
    const databasePath = join(dir, 'papo.db');
    const filesDir = join(dir, 'files');
    child = await startChildServer({ databasePath, port: await freePort(), env: { FILES_DIR: filesDir } });
    const visitor = await openVisitor(child.asTestServer());
    const { conversationId } = await visitor.socket.say('Olá, vou mandar o comprovante');
    const upload = (bytes: Buffer<ArrayBuffer>) =>
      fetch(`${child!.url}/api/v1/files?conversation=${conversationId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${visitor.session.token}`, origin: child!.origin, 'content-type': 'application/octet-stream', 'x-file-name': 'comprovante.png' },
        body: bytes,
      });
    expect((await upload(PNG)).status).toBe(201);
    const before = filesUnder(filesDir);
    expect(before).toHaveLength(1);

    // No file of the process may grow past the database's files and a margin: the server's own small
    // writes still fit, a file of that size does not (EFBIG, as the disk-full test's WAL gets).
    const limit = Math.max(...[databasePath, `${databasePath}-wal`].filter(existsSync).map((f) => statSync(f).size)) + 1024 * 1024;
    execFileSync('prlimit', ['--pid', String(child.child.pid), `--fsize=${limit}:`]);
    const big = Buffer.concat([PNG, Buffer.alloc(limit + 64 * 1024)]);
    const refusals = [];
    for (let i = 0; i < 3; i++) {
      const res = await upload(big);
      refusals.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error: { code: string; retryAfterMs?: number } } });
    }
    const lines = child.output().split('\n').filter((line) => line.trim() !== '');

    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ status: 503, body: { error: { code: 'storage_unavailable' } } });
      expect(refusal.body.error.retryAfterMs).toBeGreaterThan(0);
      expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    }
    // Nothing kept: no file on disk, no row.
    expect(filesUnder(filesDir)).toEqual(before);
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM attachments WHERE conversation_id = ?').get(conversationId)).toEqual({ n: 1 });
    } finally {
      db.close();
    }
    // One line for the episode, naming the cause; no stack traces.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/writes are refused/);
    expect(lines[0]).toMatch(/EFBIG/);

    // The limit lifted, the same file is stored.
    execFileSync('prlimit', ['--pid', String(child.child.pid), '--fsize=unlimited:']);
    expect((await upload(big)).status).toBe(201);
    expect(filesUnder(filesDir).map((f) => f.size).sort((a, b) => a - b)).toEqual([PNG.byteLength, big.byteLength]);
  }, 60_000);
});
