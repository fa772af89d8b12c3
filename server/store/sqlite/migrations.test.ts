/**
 * The committed migrations on a database made by an earlier version: 0001 and 0002 must keep every row, give
 * the new columns their defaults, and leave `events` WITHOUT ROWID (hand-made in 0000; a recreated table would
 * lose it).
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openSqlite } from './driver';
import { createSqliteStore } from './store';

const T0 = 1_750_000_000_000;

interface Journal {
  entries: { idx: number; tag: string }[];
}

describe('SQLite migrations', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'papo-migrate-'));
    path = join(dir, 'papo.db');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Applies the committed migrations up to `lastIdx` (included) to the database at `path`. */
  function migrateUpTo(sqlite: Database.Database, lastIdx: number): void {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as Journal;
    const entries = journal.entries.filter((e) => e.idx <= lastIdx);
    const only = join(dir, `migrations-${lastIdx}`);
    mkdirSync(join(only, 'meta'), { recursive: true });
    for (const e of entries) copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(only, `${e.tag}.sql`));
    writeFileSync(join(only, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
    migrate(drizzle({ client: sqlite }), { migrationsFolder: only });
  }

  /** A database as the first release left it: only 0000 applied, with a site, an agent and a conversation. */
  function firstRelease(): void {
    const sqlite = new Database(path);
    migrateUpTo(sqlite, 0);
    sqlite.exec(`
      INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s1', 'pk_1', 'Loja', '["self"]', ${T0});
      INSERT INTO agents (id, email, name, role, password_hash, created_at) VALUES ('a1', 'ana@example.com', 'Ana', 'admin', 'h', ${T0});
      INSERT INTO visitors (id, site_id, created_at) VALUES ('v1', 's1', ${T0});
      INSERT INTO conversations (id, site_id, visitor_id, status, assigned_agent_id, assigned_agent_name, last_seq,
        last_message_text, last_message_author_kind, last_message_at, created_at, updated_at)
        VALUES ('c1', 's1', 'v1', 'open', 'a1', 'Ana', 2, 'Olá', 'visitor', ${T0}, ${T0}, ${T0});
      INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at)
        VALUES ('c1', 1, 'created', 'visitor', 'v1', NULL, NULL, NULL, ${T0}),
               ('c1', 2, 'message', 'visitor', 'v1', NULL, 'k1', 'Olá', ${T0});
    `);
    sqlite.close();
  }

  it('0001 keeps the rows of a first-release database and gives the new columns their defaults', async () => {
    firstRelease();
    const store = createSqliteStore(path);
    try {
      expect(await store.sites.byId('s1')).toEqual({
        id: 's1',
        key: 'pk_1',
        name: 'Loja',
        allowedOrigins: ['self'],
        createdAt: T0,
        defaultQueueId: null,
        botWebhookUrl: null,
        botTokenHash: null,
        ticketing: null,
        masking: 'off',
        // 0005: the widget's defaults and no identity secret.
        widget: null,
        identitySecret: null,
      });
      expect(await store.agents.byId('a1')).toMatchObject({
        capacity: 3,
        availability: 'available',
        availabilitySince: 0,
        prefs: { sound: true, preview: true },
      });
      expect(await store.visitors.byId('v1')).toMatchObject({ email: null, lastPageUrl: null, lastSeenAt: null, createdAt: T0 });
      expect(await store.conversations.byId('c1')).toMatchObject({
        status: 'open',
        assignedAgentId: 'a1',
        lastSeq: 2,
        queueId: null,
        queuedAt: null,
        priority: 1,
        bot: false,
        offer: null,
        request: null,
        participants: [],
        labels: [],
        requesterEmail: null,
        wrapUpReason: null,
        archived: false,
        // Conversations from before 0001 never recorded it.
        firstMessage: null,
      });
      const events = await store.events.after('c1', 0, { limit: 10 });
      expect(events.map((e) => e.text ?? e.kind)).toEqual(['created', 'Olá']);
      for (const e of events) expect(Object.keys(e)).not.toContain('data');
      expect(await store.conversations.loads()).toEqual(new Map([['a1', 1]]));
    } finally {
      await store.close();
    }
  });

  it('0007 indexes for search what an earlier database holds (issue 12, SPEC S1)', async () => {
    const before = new Database(path);
    migrateUpTo(before, 5);
    before.exec(`
      INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s1', 'pk_1', 'Loja', '["self"]', ${T0});
      INSERT INTO visitors (id, site_id, created_at, name, email) VALUES ('v1', 's1', ${T0}, 'Joana', 'joana@example.com');
      INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, labels_json)
        VALUES ('c1', 's1', 'v1', 'closed', ${T0}, ${T0 + 3}, '["entrega"]');
      INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, client_id, text, created_at)
        VALUES ('c1', 1, 'created', 'visitor', 'v1', NULL, NULL, ${T0}),
               ('c1', 2, 'message', 'visitor', 'v1', 'k1', 'Preciso de uma ação', ${T0 + 2}),
               ('c1', 3, 'note', 'agent', 'a1', 'k2', 'Cliente antigo', ${T0 + 4});
      INSERT INTO tickets (id, number, site_id, status, type, priority, subject, description, requester_name, source, created_at, updated_at)
        VALUES ('t1', 1, 's1', 'open', 'question', 1, 'Boleto', 'Segunda via', 'Élio', 'agent', ${T0}, ${T0 + 5});
      INSERT INTO ticket_entries (id, ticket_id, kind, text, created_at) VALUES ('e1', 't1', 'note', 'Ligar amanhã', ${T0 + 1});
    `);
    before.close();

    const store = createSqliteStore(path);
    try {
      const found = async (q: string) =>
        (await store.search.query({ terms: [q], scope: null, before: null, limit: 10, scan: 1000 })).hits.map((h) => [h.field, h.text]);
      expect(await found('acao')).toEqual([['message', 'Preciso de uma ação']]);
      expect(await found('antigo')).toEqual([['message', 'Cliente antigo']]);
      expect(await found('joana')).toEqual([['visitor', 'Joana joana@example.com']]);
      expect(await found('entrega')).toEqual([['label', 'entrega']]);
      expect(await found('via')).toEqual([['subject', 'Boleto\nSegunda via']]);
      expect(await found('elio')).toEqual([['requester', 'Élio']]);
      expect(await found('amanha')).toEqual([['entry', 'Ligar amanhã']]);
    } finally {
      await store.close();
    }
    // Ids follow time across every kind (a search reads the newest ids first), and are never reused.
    const after = new Database(path);
    try {
      expect(after.prepare("SELECT kind FROM search_docs ORDER BY id").pluck().all()).toEqual(['entry', 'message', 'label', 'visitor', 'message', 'requester', 'subject']);
      expect(after.prepare("SELECT sql FROM sqlite_master WHERE name = 'search_docs'").pluck().get()).toMatch(/`id` integer PRIMARY KEY AUTOINCREMENT/);
    } finally {
      after.close();
    }
  });

  it('the search index\'s triggers and view are all there after every migration (a table rebuild drops its triggers)', () => {
    firstRelease();
    const { sqlite } = openSqlite(path);
    try {
      // The triggers 0007 creates, read from the file itself, so a trigger added there is checked too.
      const source = readFileSync(join(MIGRATIONS_DIR, '0007_search.sql'), 'utf8');
      const declared = [...source.matchAll(/CREATE TRIGGER `(\w+)` \w+ \w+(?: OF [\w, ]+)? ON `(\w+)`/g)].map((m) => [m[1], m[2]]);
      expect(declared.length).toBeGreaterThanOrEqual(15);
      const present = sqlite.prepare<[], [string, string]>("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").raw().all();
      expect(present.filter(([name]) => name.startsWith('search_'))).toEqual([...declared].sort(([a], [b]) => a!.localeCompare(b!)));
      // Every table whose rows are indexed keeps its triggers (a drizzle rebuild of one would drop them).
      expect(new Set(declared.map(([, table]) => table))).toEqual(new Set(['search_docs', 'events', 'conversations', 'visitors', 'tickets', 'ticket_entries']));
      expect(sqlite.prepare("SELECT type FROM sqlite_master WHERE name = 'search_texts'").pluck().get()).toBe('view');
    } finally {
      sqlite.close();
    }
  });

  it('events stays WITHOUT ROWID and one conversation per visitor stays open after every migration', () => {
    firstRelease();
    const { sqlite } = openSqlite(path);
    try {
      const sql = (name: string) => sqlite.prepare<[string], string>('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(name);
      expect(sql('events')).toMatch(/WITHOUT ROWID\s*$/);
      expect(sql('conversations_one_open_per_visitor')).toMatch(/WHERE status = 'open'$/);
      expect(sql('conversations_assigned_active')).toMatch(/WHERE status IN \('open', 'ended'\)$/);
      // A second open conversation for v1 is refused; an ended one is not.
      const insert = sqlite.prepare(
        "INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at) VALUES (?, 's1', 'v1', ?, 0, 0)",
      );
      expect(() => insert.run('c2', 'open')).toThrow(/UNIQUE/);
      expect(() => insert.run('c3', 'ended')).not.toThrow();
    } finally {
      sqlite.close();
    }
  });

  it('0002 upgrades a database at 0001: its rows stay, sites get no ticketing, and tickets start at number 1', async () => {
    const before = new Database(path);
    migrateUpTo(before, 1);
    before.exec(`
      INSERT INTO sites (id, key, name, allowed_origins, created_at, default_queue_id) VALUES ('s1', 'pk_1', 'Loja', '["self"]', ${T0}, 'q1');
      INSERT INTO agents (id, email, name, role, password_hash, created_at, capacity) VALUES ('a1', 'ana@example.com', 'Ana', 'admin', 'h', ${T0}, 5);
      INSERT INTO queues (id, site_id, name, strategy, offer_timeout_ms, created_at) VALUES ('q1', 's1', 'Suporte', 'broadcast', 30000, ${T0});
      INSERT INTO visitors (id, site_id, created_at) VALUES ('v1', 's1', ${T0});
      INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, queue_id, labels_json)
        VALUES ('c1', 's1', 'v1', 'ended', ${T0}, ${T0}, 'q1', '["vip"]');
    `);
    const tablesBefore = before.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    before.close();

    const store = createSqliteStore(path);
    try {
      expect(await store.sites.byId('s1')).toMatchObject({ defaultQueueId: 'q1', ticketing: null });
      expect(await store.agents.byId('a1')).toMatchObject({ capacity: 5 });
      expect(await store.queues.byId('q1')).toMatchObject({ name: 'Suporte' });
      expect(await store.conversations.byId('c1')).toMatchObject({ status: 'ended', queueId: 'q1', labels: ['vip'] });
      expect(await store.tickets.list({ limit: 10 })).toEqual([]);
      const { ticket } = await store.tickets.create({
        id: 't1',
        siteId: 's1',
        status: 'open',
        type: 'question',
        priority: 1,
        subject: 'Pedido',
        description: '',
        requester: { name: null, email: 'ana@example.com', visitorId: 'v1' },
        assigneeId: 'a1',
        assigneeName: 'Ana',
        conversationId: 'c1',
        source: 'agent',
        clientId: null,
        createdAt: T0,
      });
      expect(ticket.number).toBe(1);
    } finally {
      await store.close();
    }
    const after = new Database(path);
    try {
      // sqlite_stat*: the planner's statistics, which the store gathers at open (issue 12), not a migration's.
      const tables = after.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all();
      // 0002's tables, 0003's `blocks`, 0005's `attachments`, 0007's search index with FTS5's own tables
      // 0008's `conversation_labels` and 0010's refused origins and internal chat (the store migrates to the newest).
      expect(tables.filter((t) => !tablesBefore.includes(t))).toEqual([
        'attachments',
        'blocks',
        'conversation_labels',
        'internal_channels',
        'internal_messages',
        'internal_reads',
        'refused_origins',
        'search_docs',
        'search_fts',
        'search_fts_config',
        'search_fts_data',
        'search_fts_docsize',
        'search_fts_idx',
        'search_queue',
        'search_tickets_fts',
        'search_tickets_fts_config',
        'search_tickets_fts_data',
        'search_tickets_fts_docsize',
        'search_tickets_fts_idx',
        'ticket_entries',
        'tickets',
      ]);
      expect(after.prepare<[string], string>('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get('tickets_site_client')).toMatch(
        /WHERE client_id IS NOT NULL$/,
      );
    } finally {
      after.close();
    }
  });

  it('0008 fills conversation_labels from the closed conversations labelled before it, so label filters find them', async () => {
    const before = new Database(path);
    migrateUpTo(before, 7);
    before.exec(`
      INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s1', 'pk_1', 'Loja', '["self"]', ${T0});
      INSERT INTO visitors (id, site_id, created_at) VALUES ('v1', 's1', ${T0});
      INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, labels_json, archived) VALUES
        ('c1', 's1', 'v1', 'closed', ${T0}, ${T0 + 1}, '["vip","billing"]', 0),
        ('c2', 's1', 'v1', 'closed', ${T0}, ${T0 + 2}, '["vip"]', 1),
        ('c3', 's1', 'v1', 'open', ${T0}, ${T0 + 3}, '["vip"]', 0),
        ('c4', 's1', 'v1', 'closed', ${T0}, ${T0 + 4}, '[]', 0);
    `);
    before.close();

    const store = createSqliteStore(path);
    try {
      const ids = async (label: string, archived: boolean) => (await store.conversations.list({ status: 'closed', archived, label, limit: 10 })).map((c) => c.id);
      expect(await ids('vip', false)).toEqual(['c1']);
      expect(await ids('vip', true)).toEqual(['c2']);
      expect(await ids('billing', false)).toEqual(['c1']);
    } finally {
      await store.close();
    }
    const after = new Database(path);
    try {
      // Only closed conversations' labels, one row each.
      expect(after.prepare('SELECT label, archived, updated_at, conversation_id FROM conversation_labels ORDER BY conversation_id, label').all()).toEqual([
        { label: 'billing', archived: 0, updated_at: T0 + 1, conversation_id: 'c1' },
        { label: 'vip', archived: 0, updated_at: T0 + 1, conversation_id: 'c1' },
        { label: 'vip', archived: 1, updated_at: T0 + 2, conversation_id: 'c2' },
      ]);
    } finally {
      after.close();
    }
  });

  it('0009: a database whose agent held two offers keeps the newest one; both indexes then refuse a second (issue 14)', async () => {
    const before = new Database(path);
    migrateUpTo(before, 8);
    before.exec(`
      INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s1', 'pk_1', 'Loja', '["self"]', ${T0});
      INSERT INTO visitors (id, site_id, created_at) VALUES ('v1', 's1', ${T0}), ('v2', 's1', ${T0}), ('v3', 's1', ${T0});
      INSERT INTO conversations (id, site_id, visitor_id, status, created_at, updated_at, offer_agent_id, offer_agent_name, offer_expires_at) VALUES
        ('c1', 's1', 'v1', 'open', ${T0}, ${T0}, 'ana', 'Ana', ${T0 + 30_000}),
        ('c2', 's1', 'v2', 'open', ${T0}, ${T0}, 'ana', 'Ana', ${T0 + 30_000}),
        ('c3', 's1', 'v3', 'open', ${T0}, ${T0}, 'bia', 'Bia', ${T0 + 30_000});
    `);
    before.close();
    const { sqlite } = openSqlite(path);
    try {
      expect(sqlite.prepare('SELECT id, offer_agent_id, offer_agent_name, offer_expires_at FROM conversations ORDER BY id').all()).toEqual([
        { id: 'c1', offer_agent_id: null, offer_agent_name: null, offer_expires_at: null },
        { id: 'c2', offer_agent_id: 'ana', offer_agent_name: 'Ana', offer_expires_at: T0 + 30_000 },
        { id: 'c3', offer_agent_id: 'bia', offer_agent_name: 'Bia', offer_expires_at: T0 + 30_000 },
      ]);
      expect(() => sqlite.exec("UPDATE conversations SET offer_agent_id = 'ana' WHERE id = 'c1'")).toThrow(/UNIQUE/);
      sqlite.exec(`INSERT INTO events (conversation_id, seq, kind, author_kind, created_at) VALUES ('c3', 1, 'rated', 'visitor', ${T0})`);
      expect(() => sqlite.exec(`INSERT INTO events (conversation_id, seq, kind, author_kind, created_at) VALUES ('c3', 2, 'rated', 'visitor', ${T0})`)).toThrow(/UNIQUE/);
    } finally {
      sqlite.close();
    }
  });

  it('0009: a conversation rated twice (two tabs at once) keeps its first rating; the index then refuses another (issue 14)', async () => {
    const before = new Database(path);
    migrateUpTo(before, 8);
    before.exec(`
      INSERT INTO sites (id, key, name, allowed_origins, created_at) VALUES ('s1', 'pk_1', 'Loja', '["self"]', ${T0});
      INSERT INTO visitors (id, site_id, created_at) VALUES ('v1', 's1', ${T0}), ('v2', 's1', ${T0});
      INSERT INTO conversations (id, site_id, visitor_id, status, last_seq, created_at, updated_at) VALUES
        ('c1', 's1', 'v1', 'ended', 5, ${T0}, ${T0}), ('c2', 's1', 'v2', 'ended', 3, ${T0}, ${T0});
      INSERT INTO events (conversation_id, seq, kind, author_kind, author_id, data, created_at) VALUES
        ('c1', 1, 'created', 'visitor', 'v1', NULL, ${T0}),
        ('c1', 2, 'ended_by_visitor', 'visitor', 'v1', NULL, ${T0}),
        ('c1', 3, 'rated', 'visitor', 'v1', '{"score":5,"comment":"Ótimo"}', ${T0 + 1}),
        ('c1', 4, 'rated', 'visitor', 'v1', '{"score":1,"comment":null}', ${T0 + 1}),
        ('c1', 5, 'rated', 'visitor', 'v1', '{"score":2,"comment":null}', ${T0 + 2}),
        ('c2', 1, 'created', 'visitor', 'v2', NULL, ${T0}),
        ('c2', 2, 'ended_by_visitor', 'visitor', 'v2', NULL, ${T0}),
        ('c2', 3, 'rated', 'visitor', 'v2', '{"score":4,"comment":null}', ${T0 + 1});
    `);
    before.close();
    const store = createSqliteStore(path);
    try {
      const kinds = async (id: string) => (await store.events.after(id, 0, { limit: 10 })).map((e) => [e.seq, e.kind]);
      expect(await kinds('c1')).toEqual([[1, 'created'], [2, 'ended_by_visitor'], [3, 'rated']]);
      expect(await kinds('c2')).toEqual([[1, 'created'], [2, 'ended_by_visitor'], [3, 'rated']]);
      expect((await store.events.after('c1', 0, { kinds: ['rated'], limit: 10 })).map((e) => e.data)).toEqual([{ score: 5, comment: 'Ótimo' }]);
      // The conversation's last seq stays: the next event takes 6, never a seq a client may have seen.
      expect((await store.conversations.byId('c1'))?.lastSeq).toBe(5);
    } finally {
      await store.close();
    }
    const { sqlite } = openSqlite(path);
    try {
      expect(() => sqlite.exec(`INSERT INTO events (conversation_id, seq, kind, author_kind, created_at) VALUES ('c2', 4, 'rated', 'visitor', ${T0})`)).toThrow(/UNIQUE/);
    } finally {
      sqlite.close();
    }
  });
});
