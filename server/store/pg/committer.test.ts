/**
 * The PostgreSQL write path (committer.ts, writes.ts) on a real PostgreSQL: database papo_test, a fresh schema
 * per test. "Two writers" are two nodes: two committers, each on its own connection, on one schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../../shared/protocol';
import { canView, decideMessage, type Decision, type NewEvent, type VisitorActor, type AgentActor } from '../../domain/conversation';
import { uuidv7 } from '../../ids';
import { isStorageUnavailable } from '../storage-health';
import type { WriteOutcome, WriteRequest } from '../store';
import { createPgWriter, MAX_BATCH, type PgWriter, type PgWriterOptions } from './committer';
import { connectionConfig, migratePg } from './driver';
import { TEST_PG_URL } from '../store-fixture';

const URL = TEST_PG_URL;
const T0 = 1_750_000_000_000;

let schema: string;
let pool: pg.Pool;
let writers: PgWriter[];
let siteId: string;
/** application_name of the connections each writer opens: which backend to kill. */
const appName = (n: number) => `papo-pgw-${schema}-${n}`.slice(0, 63);

async function ensureDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: URL.replace(/\/papo_test$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE papo_test');
  } catch (err) {
    // Another test process made it meanwhile.
    if (!['42P04', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
  } finally {
    await admin.end();
  }
}

beforeEach(async () => {
  schema = `t_pgw_${randomBytes(6).toString('hex')}`;
  await ensureDatabase();
  pool = new pg.Pool({ ...connectionConfig(URL, { schema }), max: 3 });
  await migratePg(pool, { schema });
  siteId = uuidv7();
  await pool.query(`INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ($1, $2, 'Loja', '["self"]', $3)`, [siteId, `k-${siteId}`, T0]);
  writers = [];
});

afterEach(async () => {
  for (const w of writers) await w.close();
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pool.end();
});

/** A writer (a node) on this test's schema; closed after the test. */
function writer(n = 0, extra: Partial<PgWriterOptions> = {}): PgWriter {
  const w = createPgWriter({
    schema,
    connect: async () => {
      const client = new pg.Client({ ...connectionConfig(URL, { schema }), application_name: appName(n) });
      await client.connect();
      return client;
    },
    ...extra,
  });
  writers.push(w);
  return w;
}

const visitorOf = (visitorId = uuidv7()): VisitorActor => ({ kind: 'visitor', visitorId, siteId });

/** A visitor's message, to its open conversation (started when none) or to `conversationId`. */
function message(visitor: VisitorActor, text: string, { conversationId = null, clientId = uuidv7(), at = T0 }: { conversationId?: string | null; clientId?: string; at?: number } = {}): WriteRequest {
  return {
    conversationId,
    visitor: conversationId === null ? { siteId, visitorId: visitor.visitorId } : null,
    clientId,
    at,
    authorize: (s) => canView(visitor, s),
    decide: (s) => decideMessage(s, visitor, text, clientId),
  };
}

/** A write into `conversationId` whose rule is `decide`. */
function custom(conversationId: string, decide: WriteRequest['decide'], at = T0): WriteRequest {
  return { conversationId, visitor: null, clientId: null, at, authorize: () => true, decide };
}

async function start(w: PgWriter, visitor = visitorOf()): Promise<{ id: string; visitor: VisitorActor }> {
  const out = await w.write(message(visitor, 'Olá'));
  if (out.kind !== 'appended') throw new Error(out.kind);
  return { id: out.conversation.id, visitor };
}

function appended(out: WriteOutcome): ConversationEvent[] {
  if (out.kind !== 'appended') throw new Error(`expected appended, got ${JSON.stringify(out)}`);
  return out.events;
}

async function committedEvents(conversationId: string): Promise<Array<{ seq: number; kind: string; client_id: string | null; text: string | null }>> {
  return (await pool.query('SELECT seq, kind, client_id, text FROM events WHERE conversation_id = $1 ORDER BY seq', [conversationId])).rows;
}

async function addAgent(id: string, capacity = 3): Promise<AgentActor> {
  await pool.query(`INSERT INTO agents (id, email, name, role, password_hash, created_at, capacity) VALUES ($1, $2, $3, 'agent', 'x', $4, $5)`, [
    id,
    `${id}@example.com`,
    `Agent ${id}`,
    T0,
    capacity,
  ]);
  return { kind: 'agent', id, name: `Agent ${id}`, role: 'agent', queueIds: new Set() };
}

const ok = (events: NewEvent[], patch: Decision extends infer D ? (D extends { ok: true; patch: infer P } ? P : never) : never = null): Decision => ({ ok: true, events, patch });

describe('D4: PostgreSQL group commit', () => {
  it('D1/D4: a visitor first message starts a conversation (created, message) and resolves after commit', async () => {
    const w = writer();
    const visitor = visitorOf();
    const out = await w.write(message(visitor, 'Olá'));
    const events = appended(out);
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'created'],
      [2, 'message'],
    ]);
    if (out.kind !== 'appended') throw new Error();
    expect(out.conversation).toMatchObject({ visitorId: visitor.visitorId, siteId, status: 'open', lastSeq: 2, bot: false, archived: false, firstMessage: 'Olá' });
    // Another connection sees it: committed.
    expect((await committedEvents(out.conversation.id)).map((e) => e.kind)).toEqual(['created', 'message']);
    const row = (await pool.query('SELECT last_seq, bot, last_message_text, created_at FROM conversations WHERE id = $1', [out.conversation.id])).rows[0];
    expect(row).toEqual({ last_seq: 2, bot: false, last_message_text: 'Olá', created_at: T0 });
    expect((await pool.query('SELECT count(*)::int AS n FROM visitors WHERE id = $1', [visitor.visitorId])).rows[0].n).toBe(1);
  });

  it('D2: writes started in one tick commit in submit order, in one transaction', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const texts = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const outs = await Promise.all(texts.map((t) => w.write(message(visitor, t, { conversationId: id }))));
    expect(outs.map((o) => appended(o)[0]!.seq)).toEqual(texts.map((_, i) => 3 + i));
    expect((await committedEvents(id)).slice(2).map((e) => e.text)).toEqual(texts);
    // One transaction: every row of the batch has the same xmin.
    const xmins = (await pool.query('SELECT DISTINCT xmin::text FROM events WHERE conversation_id = $1 AND seq > 2', [id])).rows;
    expect(xmins).toHaveLength(1);
  });

  it('C4: jobs of one conversation in one batch decide on the earlier ones (a message behind a close is refused)', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const [closed, late, seen] = await Promise.all([
      w.write(custom(id, () => ok([{ kind: 'closed', author: { kind: 'system', id: null, name: null }, clientId: null, text: null }], { status: 'closed' }))),
      w.write(message(visitor, 'tarde', { conversationId: id })),
      w.markSeen(id, 'visitor', 99),
    ]);
    expect(appended(closed)[0]!.seq).toBe(3);
    expect(late).toEqual({ kind: 'refused', code: 'conversation_closed' });
    expect(seen).toMatchObject({ seq: 3, conversation: { id, visitorSeenSeq: 3, status: 'closed' } });
    // The visitor's next message starts a new conversation, in the same batch as a close of the old one.
    const v2 = await start(w);
    const [close2, next] = await Promise.all([
      w.write(custom(v2.id, () => ok([], { status: 'closed' }))),
      w.write(message(v2.visitor, 'de novo')),
    ]);
    expect(close2.kind).toBe('appended');
    if (next.kind !== 'appended') throw new Error(next.kind);
    expect(next.conversation.id).not.toBe(v2.id);
    expect(next.events.map((e) => e.kind)).toEqual(['created', 'message']);
  });

  it('D14: a text holding U+0000 (PostgreSQL text cannot) is stored, acked and replayed with U+FFFD in its place', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const out = await w.write({ ...custom(id, () => ok([{ kind: 'message', author: { kind: 'visitor', id: visitor.visitorId, name: 'A\u0000na' }, clientId: null, text: 'a\u0000b' }], { visitorName: 'A\u0000na' })) });
    if (out.kind !== 'appended') throw new Error(out.kind);
    expect(out.events[0]).toMatchObject({ text: 'a\uFFFDb', author: { name: 'A\uFFFDna' } });
    expect(out.conversation).toMatchObject({ visitorName: 'A\uFFFDna', lastMessage: { text: 'a\uFFFDb' } });
    expect((await committedEvents(id)).at(-1)!.text).toBe('a\uFFFDb');
  });

  it('D4: a rule that throws fails its write alone; the others in its batch commit', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const boom = new Error('boom');
    const results = await Promise.allSettled([
      w.write(message(visitor, 'a', { conversationId: id })),
      w.write(
        custom(id, () => {
          throw boom;
        }),
      ),
      w.write(message(visitor, 'c', { conversationId: id })),
    ]);
    expect(results[1]).toEqual({ status: 'rejected', reason: boom });
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await committedEvents(id)).map((e) => [e.seq, e.text])).toEqual([
      [1, null],
      [2, 'Olá'],
      [3, 'a'],
      [4, 'c'],
    ]);
  });

  it('D4: a write failing in the database is undone alone (savepoint rerun); the others commit with gap-free seqs', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const results = await Promise.allSettled([
      w.write(message(visitor, 'a', { conversationId: id })),
      // A foreign key the database refuses: an agent that does not exist.
      w.write(custom(id, () => ok([], { assignedAgentId: 'nobody', assignedAgentName: 'Nobody' }))),
      w.write(message(visitor, 'c', { conversationId: id })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    expect((await committedEvents(id)).map((e) => [e.seq, e.text])).toEqual([
      [1, null],
      [2, 'Olá'],
      [3, 'a'],
      [4, 'c'],
    ]);
    // And the writer goes on.
    expect(appended(await w.write(message(visitor, 'd', { conversationId: id })))[0]!.seq).toBe(5);
  });

  it('T5/R4: the one-rating and one-offer-per-agent indexes refuse the later write with conflict, one writer or two', async () => {
    const [a, b] = [writer(0), writer(1)];
    const { id } = await start(a);
    const rated: NewEvent = { kind: 'rated', author: { kind: 'visitor', id: null, name: null }, clientId: null, text: null, data: { score: 5 } as never };
    // Two ratings in one batch, and two more from both nodes at once.
    const outs = await Promise.all([a.write(custom(id, () => ok([rated]))), a.write(custom(id, () => ok([rated]))), b.write(custom(id, () => ok([rated])))]);
    expect(outs.filter((o) => o.kind === 'appended')).toHaveLength(1);
    expect(outs.filter((o) => o.kind === 'refused')).toEqual([
      { kind: 'refused', code: 'conflict' },
      { kind: 'refused', code: 'conflict' },
    ]);
    expect((await committedEvents(id)).filter((e) => e.kind === 'rated')).toHaveLength(1);

    await addAgent('ana');
    const [c1, c2, c3] = [(await start(a)).id, (await start(a)).id, (await start(b)).id];
    const offer = { agentId: 'ana', agentName: 'Ana', expiresAt: T0 + 30_000 };
    const offers = await Promise.all([a.write(custom(c1, () => ok([], { offer }))), a.write(custom(c2, () => ok([], { offer }))), b.write(custom(c3, () => ok([], { offer })))]);
    expect(offers.map((o) => o.kind).sort()).toEqual(['appended', 'refused', 'refused']);
    expect(offers.filter((o) => o.kind === 'refused')).toEqual([
      { kind: 'refused', code: 'conflict' },
      { kind: 'refused', code: 'conflict' },
    ]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM conversations WHERE offer_agent_id = 'ana'`)).rows[0].n).toBe(1);
  });

  it('W2: markSeen is ordered with writes, clamped to the last seq, never lowered; delete is ordered too', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const [msg, seen, lower, del, after] = await Promise.all([
      w.write(message(visitor, 'a', { conversationId: id })),
      w.markSeen(id, 'agent', 10),
      w.markSeen(id, 'agent', 2),
      w.deleteConversation(id),
      w.write(message(visitor, 'b', { conversationId: id })),
    ]);
    expect(appended(msg)[0]!.seq).toBe(3);
    expect(seen).toMatchObject({ seq: 3, conversation: { agentSeenSeq: 3 } });
    expect(lower).toBeNull();
    expect(del).toBe(true);
    expect(after).toEqual({ kind: 'not_found' });
    expect(await w.markSeen(id, 'agent', 1)).toBeNull();
    expect(await w.deleteConversation(id)).toBe(false);
    expect(await committedEvents(id)).toEqual([]);
  });

  it('W3: a message with files marks them sent in its transaction; the same file in a second message is refused by the rule', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    await pool.query(
      `INSERT INTO attachments (id, site_id, conversation_id, uploader_kind, uploader_id, name, mime, kind, size, storage_name, created_at)
       VALUES ('f1', $1, $2, 'visitor', $3, 'a.png', 'image/png', 'image', 10, 's1', $4)`,
      [siteId, id, visitor.visitorId, T0],
    );
    const withFile = (clientId: string): WriteRequest => ({
      ...message(visitor, '', { conversationId: id, clientId }),
      attachmentIds: ['f1'],
      decide: (_s, found) => {
        const file = found.find((f) => f.id === 'f1');
        if (!file || file.eventSeq !== null) return { ok: false, code: 'attachment_not_found' };
        return ok([{ kind: 'message', author: { kind: 'visitor', id: visitor.visitorId, name: null }, clientId, text: '', attachments: [{ id: 'f1', name: 'a.png', mime: 'image/png', size: 10, kind: 'image' }] }]);
      },
    });
    const [first, second] = await Promise.all([w.write(withFile(uuidv7())), w.write(withFile(uuidv7()))]);
    if (first.kind !== 'appended') throw new Error(first.kind);
    expect(first.conversation.lastMessage?.text).toBe('📎 a.png');
    expect(second).toEqual({ kind: 'refused', code: 'attachment_not_found' });
    expect((await pool.query(`SELECT event_seq FROM attachments WHERE id = 'f1'`)).rows[0].event_seq).toBe(3);
  });

  it('R1/C4: loadOf counts the earlier decisions of the batch, and claims from two nodes stop at capacity', async () => {
    const [a, b] = [writer(0), writer(1)];
    // Both connections open before the race, so the two batches overlap.
    await Promise.all([start(a), start(b)]);
    for (let round = 0; round < 4; round++) {
      const ana = await addAgent(`ana${round}`, 2);
      const claim = (id: string): WriteRequest =>
        custom(id, (s, _files, reads) => {
          if (s.assignedAgentId !== null) return { ok: false, code: 'conversation_taken' };
          if (reads.loadOf(ana.id) >= 2) return { ok: false, code: 'at_capacity' };
          return ok([{ kind: 'assigned', author: { kind: 'agent', id: ana.id, name: ana.name }, clientId: null, text: null, data: { via: 'take' } as never }], {
            assignedAgentId: ana.id,
            assignedAgentName: ana.name,
          });
        });
      const ids = (await Promise.all(Array.from({ length: 6 }, (_, i) => start(i % 2 === 0 ? a : b)))).map((c) => c.id);
      const outs = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? a : b).write(claim(id))));
      expect(outs.filter((o) => o.kind === 'appended')).toHaveLength(2);
      expect(outs.filter((o) => o.kind === 'refused').map((o) => (o as { code: string }).code)).toEqual(Array(4).fill('at_capacity'));
      expect((await pool.query(`SELECT count(*)::int AS n FROM conversations WHERE assigned_agent_id = $1 AND status = 'open'`, [ana.id])).rows[0].n).toBe(2);
    }
  });
});

describe('R1: several agents in one batch', () => {
  it('R1: claims for several agents in one batch each read (and lock) their own load', async () => {
    const w = writer();
    const agents = await Promise.all(['bia', 'caio', 'duda'].map((id) => addAgent(id, 1)));
    const ids = (await Promise.all(Array.from({ length: 6 }, () => start(w)))).map((c) => c.id);
    const claim = (id: string, agent: AgentActor): WriteRequest =>
      custom(id, (_s, _files, reads) => {
        if (reads.loadOf(agent.id) >= 1) return { ok: false, code: 'at_capacity' };
        return ok([], { assignedAgentId: agent.id, assignedAgentName: agent.name });
      });
    const outs = await Promise.all(ids.map((id, i) => w.write(claim(id, agents[i % 3]!))));
    expect(outs.map((o) => (o.kind === 'refused' ? o.code : o.kind))).toEqual(['appended', 'appended', 'appended', 'at_capacity', 'at_capacity', 'at_capacity']);
    const held = (await pool.query(`SELECT assigned_agent_id AS a FROM conversations WHERE assigned_agent_id IS NOT NULL ORDER BY 1`)).rows.map((r) => r.a);
    expect(held).toEqual(['bia', 'caio', 'duda']);
  });
});

describe('D1/C3/D3: several writers on one database', () => {
  it('D1: two writers hammering the same conversations leave gap-free, unique seqs and every message once', async () => {
    const [a, b] = [writer(0), writer(1)];
    const conversations = await Promise.all(Array.from({ length: 8 }, (_, i) => start(i % 2 === 0 ? a : b)));
    const sent = new Map<string, string[]>(conversations.map((c) => [c.id, []]));
    for (let round = 0; round < 5; round++) {
      const writes: Array<Promise<WriteOutcome>> = [];
      for (let i = 0; i < 160; i++) {
        const c = conversations[(i * 7 + round) % conversations.length]!;
        const clientId = uuidv7();
        sent.get(c.id)!.push(clientId);
        writes.push((i % 2 === 0 ? a : b).write(message(c.visitor, `r${round} m${i}`, { conversationId: c.id, clientId })));
      }
      const outs = await Promise.all(writes);
      expect(outs.every((o) => o.kind === 'appended')).toBe(true);
    }
    for (const c of conversations) {
      const events = await committedEvents(c.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.slice(2).map((e) => e.client_id).sort()).toEqual([...sent.get(c.id)!].sort());
      const row = (await pool.query('SELECT last_seq FROM conversations WHERE id = $1', [c.id])).rows[0];
      expect(row.last_seq).toBe(events.length);
    }
  });

  it('C3: two writers starting one visitor first conversation at once make one conversation', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = [writer(round * 2), writer(round * 2 + 1)];
      const visitor = visitorOf();
      const [x, y] = await Promise.all([a.write(message(visitor, 'tab 1')), b.write(message(visitor, 'tab 2'))]);
      if (x.kind !== 'appended' || y.kind !== 'appended') throw new Error(`${x.kind} ${y.kind}`);
      expect(x.conversation.id).toBe(y.conversation.id);
      const kinds = (await committedEvents(x.conversation.id)).map((e) => e.kind);
      expect(kinds).toEqual(['created', 'message', 'message']);
      expect((await pool.query('SELECT count(*)::int AS n FROM conversations WHERE visitor_id = $1', [visitor.visitorId])).rows[0].n).toBe(1);
    }
  });

  it('D3: one clientId through two writers stores one event; both answers carry its seq', async () => {
    const [a, b] = [writer(0), writer(1)];
    // Without a conversation id: the visitor's first message resent through another node at once.
    const visitor = visitorOf();
    const clientId = uuidv7();
    const [x, y] = await Promise.all([a.write(message(visitor, 'Olá', { clientId })), b.write(message(visitor, 'Olá', { clientId }))]);
    const seqOf = (o: WriteOutcome) => (o.kind === 'appended' ? o.events.find((e) => e.clientId === clientId)!.seq : o.kind === 'duplicate' ? o.seq : -1);
    expect([x.kind, y.kind].sort()).toEqual(['appended', 'duplicate']);
    expect(seqOf(x)).toBe(2);
    expect(seqOf(y)).toBe(2);
    // With the conversation id, from both nodes and twice in one batch.
    const id = (x as { conversation: { id: string } }).conversation.id;
    const again = uuidv7();
    const outs = await Promise.all([
      a.write(message(visitor, 'outra', { conversationId: id, clientId: again })),
      b.write(message(visitor, 'outra', { conversationId: id, clientId: again })),
      a.write(message(visitor, 'outra', { conversationId: id, clientId: again })),
    ]);
    expect(outs.map((o) => o.kind).sort()).toEqual(['appended', 'duplicate', 'duplicate']);
    expect(new Set(outs.map(seqOfAny(again)))).toEqual(new Set([3]));
    expect((await committedEvents(id)).filter((e) => e.client_id === again)).toHaveLength(1);
    // And after the conversation closed: the resend without a conversation id is still the first's.
    await a.write(custom(id, () => ok([], { status: 'closed' })));
    expect(await b.write(message(visitor, 'Olá', { clientId }))).toMatchObject({ kind: 'duplicate', seq: 2, conversation: { id, status: 'closed' } });
  });
});

describe('C3/D3: the unique indexes behind the locks', () => {
  it('C3: a conversation another transaction opens unseen (no visitor lock) is continued, not doubled', async () => {
    const w = writer(3);
    const visitor = visitorOf();
    // Another writer that takes no visitor lock: its open conversation is inserted, not committed yet.
    const other = await pool.connect();
    const theirs = uuidv7();
    try {
      await other.query('BEGIN');
      await other.query('INSERT INTO visitors (id, site_id, created_at) VALUES ($1, $2, $3)', [visitor.visitorId, siteId, T0]);
      await other.query(`INSERT INTO conversations (id, site_id, visitor_id, status, last_seq, created_at, updated_at) VALUES ($1, $2, $3, 'open', 0, $4, $4)`, [theirs, siteId, visitor.visitorId, T0]);
      const pending = w.write(message(visitor, 'Olá'));
      // The writer's insert waits on the one-open index for the other transaction, which then commits.
      await waitFor(async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [appName(3)])).rows[0].n === 1);
      await other.query('COMMIT');
      const out = await pending;
      if (out.kind !== 'appended') throw new Error(out.kind);
      expect(out.conversation.id).toBe(theirs);
      expect(out.events.map((e) => [e.seq, e.kind])).toEqual([[1, 'message']]);
    } finally {
      other.release();
    }
    expect((await pool.query('SELECT count(*)::int AS n FROM conversations WHERE visitor_id = $1', [visitor.visitorId])).rows[0].n).toBe(1);
  });

  it('D4: a batch chosen as a deadlock victim (40P01) is rolled back and run again; every write of it commits', async () => {
    const w = writer(2);
    const [a, b] = (await Promise.all([start(w), start(w)])).sort((x, y) => (x.id < y.id ? -1 : 1));
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      // The writer's backend runs the deadlock check first (1 s): it is the one aborted.
      await other.query(`SET LOCAL deadlock_timeout = '20s'`);
      await other.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [b!.id]);
      const writes = Promise.all([w.write(message(a!.visitor, 'a', { conversationId: a!.id })), w.write(message(b!.visitor, 'b', { conversationId: b!.id }))]);
      // The batch holds a's row and waits for b's; then the other transaction asks for a's.
      await waitFor(async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [appName(2)])).rows[0].n === 1);
      await other.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [a!.id]);
      await other.query('COMMIT');
      const outs = await writes;
      expect(outs.map((o) => appended(o)[0]!.seq)).toEqual([3, 3]);
    } finally {
      other.release();
    }
  });

  it('D15: a batch that outlives batchTimeoutMs (waiting on a lock) is refused storage_unavailable and not committed', async () => {
    const w = writer(4, { batchTimeoutMs: 300 });
    const { id, visitor } = await start(w);
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [id]);
      const outcome = await w.write(message(visitor, 'presa', { conversationId: id })).then(
        () => 'acked',
        (err: unknown) => err,
      );
      expect(isStorageUnavailable(outcome)).toBe(true);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(appended(await w.write(message(visitor, 'solta', { conversationId: id })))[0]!.seq).toBe(3);
    expect((await committedEvents(id)).map((e) => e.text)).toEqual([null, 'Olá', 'solta']);
  });
});

function seqOfAny(clientId: string) {
  return (o: WriteOutcome): number => (o.kind === 'appended' ? o.events.find((e) => e.clientId === clientId)!.seq : o.kind === 'duplicate' ? o.seq : -1);
}

describe('D15: the database connection lost', () => {
  it('D15: a batch whose connection is killed is refused storage_unavailable, nothing of it stored; the writer reconnects', async () => {
    const w = writer(7);
    const { id, visitor } = await start(w);
    // Hold the conversation's row so the next batch waits inside its transaction, then kill its backend.
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [id]);
    const pending = w.write(message(visitor, 'perdida', { conversationId: id })).then(
      () => 'acked',
      (err: unknown) => err,
    );
    await waitFor(async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [appName(7)])).rows[0].n === 1);
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName(7)]);
    const outcome = await pending;
    expect(isStorageUnavailable(outcome)).toBe(true);
    await holder.query('ROLLBACK');
    holder.release();
    expect((await committedEvents(id)).map((e) => e.text)).toEqual([null, 'Olá']);
    // The next write opens a new connection and commits.
    expect(appended(await w.write(message(visitor, 'de volta', { conversationId: id })))[0]!.seq).toBe(3);
  });

  it('D15: an idle connection killed between batches is replaced without refusing anything', async () => {
    // `deaf`: the writer is not told of its connection's end, as when a write comes before the socket's close
    // is read: the batch's BEGIN fails, and the batch runs on a new connection.
    let deaf = false;
    const w = writer(8, {
      connect: async () => {
        const client = new pg.Client({ ...connectionConfig(URL, { schema }), application_name: appName(8) });
        await client.connect();
        if (deaf) {
          client.on('error', () => undefined);
          const on = client.on.bind(client);
          (client as unknown as { on: unknown }).on = (event: string, listener: (...args: unknown[]) => void) =>
            event === 'error' || event === 'end' ? client : on(event as 'error', listener);
        }
        return client;
      },
    });
    const { id, visitor } = await start(w);
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName(8)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(appended(await w.write(message(visitor, 'ok', { conversationId: id })))[0]!.seq).toBe(3);
    deaf = true;
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName(8)]);
    expect(appended(await w.write(message(visitor, 'ok', { conversationId: id })))[0]!.seq).toBe(4);
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName(8)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(appended(await w.write(message(visitor, 'ok', { conversationId: id })))[0]!.seq).toBe(5);
  });

  it('D15: while the database is unreachable every write is refused storage_unavailable; when it returns they commit', async () => {
    let reachable = true;
    const w = createPgWriter({
      schema,
      connect: async () => {
        const client = new pg.Client({ ...connectionConfig(reachable ? URL : 'postgres://postgres@127.0.0.1:1/papo_test', { schema }), application_name: appName(9) });
        await client.connect();
        return client;
      },
    });
    writers.push(w);
    const { id, visitor } = await start(w);
    reachable = false;
    await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [appName(9)]);
    await new Promise((r) => setTimeout(r, 50));
    const refused = await Promise.allSettled([w.write(message(visitor, 'x', { conversationId: id })), w.markSeen(id, 'agent', 2)]);
    expect(refused.map((r) => r.status === 'rejected' && isStorageUnavailable(r.reason))).toEqual([true, true]);
    reachable = true;
    expect(appended(await w.write(message(visitor, 'y', { conversationId: id })))[0]!.seq).toBe(3);
  });
});

describe('D15: a connect that never answers', () => {
  it('D15: writes are refused storage_unavailable by the batch deadline, and succeed once connecting works again', async () => {
    let hang = true;
    const w = writer(5, {
      batchTimeoutMs: 300,
      connect: async () => {
        if (hang) return new Promise<pg.Client>(() => undefined);
        const client = new pg.Client({ ...connectionConfig(URL, { schema }), application_name: appName(5) });
        await client.connect();
        return client;
      },
    });
    const visitor = visitorOf();
    const refused = await w.write(message(visitor, 'x')).then(
      () => 'acked',
      (err: unknown) => err,
    );
    expect(isStorageUnavailable(refused)).toBe(true);
    hang = false;
    expect(appended(await w.write(message(visitor, 'y'))).map((e) => e.text)).toEqual([null, 'y']);
  });

  it('D12/D15: close() settles a queued write refused for storage and still resolves', async () => {
    const w = writer(6, { batchTimeoutMs: 300, connect: () => new Promise<pg.Client>(() => undefined) });
    const refused = w.write(message(visitorOf(), 'x')).then(
      () => 'acked',
      (err: unknown) => err,
    );
    await expect(w.close()).resolves.toBeUndefined();
    expect(isStorageUnavailable(await refused)).toBe(true);
  });
});

describe('D12: flush, close, batch size', () => {
  it(`D4: more than MAX_BATCH (${MAX_BATCH}) writes all commit in submit order, at most MAX_BATCH per transaction`, async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const n = MAX_BATCH * 2 + 10;
    const outs = await Promise.all(Array.from({ length: n }, (_, i) => w.write(message(visitor, `m${i}`, { conversationId: id }))));
    expect(outs.map((o) => appended(o)[0]!.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 3));
    const perTransaction = (await pool.query('SELECT count(*)::int AS n FROM events WHERE conversation_id = $1 AND seq > 2 GROUP BY xmin::text ORDER BY 1 DESC', [id])).rows.map((r) => r.n);
    expect(perTransaction.reduce((s: number, x: number) => s + x, 0)).toBe(n);
    expect(Math.max(...perTransaction)).toBeLessThanOrEqual(MAX_BATCH);
    expect(perTransaction.length).toBeGreaterThanOrEqual(3);
  });

  it('D4: every job of a batch may fail and the writer keeps working', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const throwing = custom(id, () => {
      throw new Error('no');
    });
    const failed = await Promise.allSettled([w.write(throwing), w.write(custom(id, () => ok([], { assignedAgentId: 'nobody' }))), w.write(throwing)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(appended(await w.write(message(visitor, 'depois', { conversationId: id })))[0]!.seq).toBe(3);
  });

  it('D2: submitted work runs in order with the writes, in their transaction, and sees what the earlier ones wrote', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const [, count, after] = await Promise.all([
      w.write(message(visitor, 'a', { conversationId: id })),
      w.submit(async (client) => (await client.query('SELECT last_seq FROM conversations WHERE id = $1', [id])).rows[0].last_seq as number),
      w.write(message(visitor, 'b', { conversationId: id })),
    ]);
    expect(count).toBe(3);
    expect(appended(after)[0]!.seq).toBe(4);
    const xmins = (await pool.query('SELECT DISTINCT xmin::text FROM events WHERE conversation_id = $1 AND seq > 2', [id])).rows;
    expect(xmins).toHaveLength(1);
  });

  it('D4: flush() resolves after the writes submitted before it are committed', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const order: string[] = [];
    const jobs = ['a', 'b'].map((t) => w.write(message(visitor, t, { conversationId: id })).then(() => order.push(t)));
    await w.flush();
    order.push('flush');
    await Promise.all(jobs);
    expect(order).toEqual(['a', 'b', 'flush']);
    await expect(w.flush()).resolves.toBeUndefined();
  });

  it('D12: close() commits what is queued, then a new write is refused', async () => {
    const w = writer();
    const { id, visitor } = await start(w);
    const queued = w.write(message(visitor, 'a', { conversationId: id }));
    const closing = w.close();
    const late = w.write(message(visitor, 'late', { conversationId: id })).then(
      () => 'committed',
      (err: Error) => err.message,
    );
    await closing;
    expect(appended(await queued)[0]!.seq).toBe(3);
    expect(await late).toBe('The store is closed.');
    expect((await committedEvents(id)).map((e) => e.text)).toEqual([null, 'Olá', 'a']);
  });

  it('S1: beforeCommit sees the batch appended events inside its transaction', async () => {
    const seen: string[] = [];
    const w = writer(0, {
      beforeCommit: async (client, events) => {
        const inside = (await client.query('SELECT count(*)::int AS n FROM events')).rows[0].n as number;
        seen.push(`${events.map((e) => e.kind).join(',')}:${inside}`);
      },
    });
    await start(w);
    expect(seen).toEqual(['created,message:2']);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
