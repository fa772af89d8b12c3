/**
 * A deploy never tickets a waiting chat (SPEC R13, T2): the real server process, with chats waiting for the
 * one agent on duty, is stopped (SIGTERM, as a deploy does, and SIGKILL, as a crash does) and started again
 * on the same database. Until the grace after the start has passed, the agent whose chosen state is
 * Available counts as there: visitors who reconnect hear "online", and no routing pass turns their chats into
 * tickets before the agent's console is back. Only outcomes are checked: what the database holds after a
 * clean stop, which waits for every routing pass.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { login, openAgent, openVisitor } from './clients';
import { freePort, startChildServer, type ChildServer } from './child-server';

const WAITING = 5;
/** The product's default grace, said out loud: a restart takes a few seconds, well within it. */
const GRACE = { PRESENCE_GRACE_MS: '30000' };

let children: ChildServer[] = [];

afterEach(async () => {
  for (const child of children) await child.kill('SIGKILL');
  children = [];
});

async function start(databasePath: string, port: number): Promise<ChildServer> {
  const child = await startChildServer({ databasePath, port, env: GRACE });
  children.push(child);
  return child;
}

describe.each(['SIGTERM', 'SIGKILL'] as const)('R13 a restart (%s) with chats waiting', (signal) => {
  it(`R13/T2: after a ${signal} restart the agent reconnects and no waiting chat became a ticket; visitors back before it hear "online"`, async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'papo-deploy-')), 'papo.db');
    const port = await freePort();
    let child = await start(databasePath, port);
    const server = child.asTestServer();
    // The seeded admin: Available, in the Support queue (broadcast), the site's default queue.
    const cookie = await login(server);
    const agent = await openAgent(server, cookie);
    const visitors: Array<{ token: string | null; conversationId: string }> = [];
    for (let i = 0; i < WAITING; i++) {
      const v = await openVisitor(server);
      expect(v.session.role === 'visitor' && v.session.site.online).toBe(true);
      const { conversationId } = await v.socket.say(`esperando ${i}`);
      visitors.push({ token: v.session.role === 'visitor' ? v.session.token : null, conversationId });
    }
    await agent.socket.next('conversation', (f) => f.conversation.id === visitors.at(-1)!.conversationId);

    await child.kill(signal);
    child = await start(databasePath, port);

    // A widget reconnecting before the console: someone can answer, and its chat is still open.
    const first = visitors[0]!;
    const back = await openVisitor(server, { token: first.token, resume: { conversationId: first.conversationId, afterSeq: 0 } });
    expect(back.session.role === 'visitor' && back.session.site.online).toBe(true);
    expect(back.session.role === 'visitor' && back.session.conversation).toMatchObject({ id: first.conversationId, status: 'open' });

    const again = await openAgent(server, cookie);
    expect(again.session.role === 'agent' && again.session.conversations.map((c) => c.id)).toEqual(
      expect.arrayContaining(visitors.map((v) => v.conversationId)),
    );
    // The visitor's next message lands in the same conversation, not a new one.
    const ack = await back.socket.say('ainda estou aqui', first.conversationId);
    expect(ack.conversationId).toBe(first.conversationId);

    // A clean stop waits for every routing pass: what it leaves is what the restart did.
    expect((await child.kill('SIGTERM')).code).toBe(0);
    const db = new Database(databasePath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM tickets').get()).toEqual({ n: 0 });
      const statuses = db.prepare(`SELECT status FROM conversations WHERE id IN (${visitors.map(() => '?').join(',')})`).all(...visitors.map((v) => v.conversationId));
      expect(statuses).toEqual(visitors.map(() => ({ status: 'open' })));
    } finally {
      db.close();
    }
  });
});
