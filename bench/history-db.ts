/**
 * @module The history bench's database (issue 12): N closed conversations of a year, built through Papo's own
 * code (the SQLite store, seed(), the conversation service and the domain's decisions), so its rows have
 * exactly the columns and shapes the server writes and cannot drift from the schema. No SQL here.
 *
 * Shape per N conversations: 0.6 N visitors (two in five with a name and an e-mail; the others come back as
 * returning visitors), about 10 events per conversation (the visitor's first message with `created` and
 * `queued`, an agent's claim by reply, offer + accept or take, messages both ways in pt-BR, notes, labels,
 * priority, requester edits, transfers, the visitor ending, the close with a wrap-up reason), N / 40 tickets
 * (half closed from their conversation with `ticket_created`, half from the offline form) with entries; five
 * queues and twelve agents whatever N is. Everything is closed and nothing is archived.
 *
 * Built once and kept in the OS temp folder, keyed by a hash of the migrations and of this builder's source
 * (this file and history-text.ts): a second run reuses it. Callers copy the file before opening it.
 *
 * Issue 14: the same history on PostgreSQL ({@link historyPgDb}), built through the PostgreSQL store into a
 * schema `history_<n>_<key>` of the database `papo_bench` and reused while that schema is there; callers copy
 * the whole database (CREATE DATABASE ... TEMPLATE, {@link copyPgHistory}) before a server opens it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createMemoryBus } from '../server/bus/memory';
import { decideClose, decideLabels, decideOffer, decideAccept, decidePriority, decideRequest, decideRequestAccept, decideRequester, decideTake, decideVisitorEnd } from '../server/domain/workflow';
import { type AgentActor, type Entry, type VisitorActor } from '../server/domain/conversation';
import { decideTicketClose } from '../server/domain/tickets';
import { uuidv7 } from '../server/ids';
import { silentLogger } from '../server/log';
import { createConversationService } from '../server/services/conversations';
import { hashPassword } from '../server/services/passwords';
import { seed } from '../server/services/seed';
import { MIGRATIONS_DIR } from '../server/store/sqlite/driver';
import { PG_MIGRATIONS_DIR } from '../server/store/pg/driver';
import { createPgStore } from '../server/store/pg/store';
import pg from 'pg';
import { createSqliteStore } from '../server/store/sqlite/store';
import type { NewTicket, Store } from '../server/store/store';
import type { TicketStatus } from '../shared/api';
import type { ConversationSummary } from '../shared/protocol';
import {
  agentLine,
  asciiFold,
  DOMAINS,
  FIRST_NAMES,
  LABELS,
  LAST_NAMES,
  noteLine,
  pick,
  seeded,
  ticketDescription,
  ticketSubject,
  visitorLine,
  visitorOpener,
} from './history-text';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ROOT } from './procs';

export interface HistoryFacts {
  conversations: number;
  visitors: number;
  visitorsWithEmail: number;
  events: number;
  tickets: number;
  ticketEntries: number;
  /** Queues by name, the busiest first. */
  queues: Array<{ id: string; name: string; conversations: number }>;
  agents: Array<{ id: string; name: string; conversations: number }>;
  /** Addresses of visitors spread over the year (export and erase look them up). */
  sampleEmails: string[];
  buildMs: number;
}

export interface HistoryDb {
  /** The cached database: never opened by a server; copy it first. PostgreSQL: a description (see `pg`). */
  path: string;
  /** On PostgreSQL: the cached schema in the cache database (copy the database first: copyPgHistory). */
  pg?: { serverUrl: string; database: string; schema: string };
  facts: HistoryFacts;
  /** False when this run found it in the cache. */
  built: boolean;
  bytes: number;
}

const DAY = 86_400_000;
/** Conversations whose first message is decided in one group commit, then the rest of each is submitted. */
const CHUNK = 1000;

const BUILDER_FILES = ['bench/history-db.ts', 'bench/history-text.ts'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]))
    .sort();
}

/** Hash of the migrations (names and bytes) and of the builder's source: a change to either rebuilds. */
export function historyKey(n: number, migrations = MIGRATIONS_DIR): string {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(migrations), ...BUILDER_FILES.map((f) => join(ROOT, f))]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(String(n));
  return hash.digest('hex').slice(0, 16);
}

export const historyCacheDir = () => process.env.BENCH_HISTORY_CACHE_DIR ?? join(tmpdir(), 'papo-bench-history');

/** The cached database of `n` conversations, built now when the cache has none for the current key. */
export async function historyDb(n: number, log: (line: string) => void): Promise<HistoryDb> {
  const dir = historyCacheDir();
  mkdirSync(dir, { recursive: true });
  const key = historyKey(n);
  const base = `history-${n}-${key}`;
  const path = join(dir, `${base}.db`);
  const factsPath = join(dir, `${base}.json`);
  if (existsSync(path) && existsSync(factsPath)) {
    log(`history ${n}: cached ${path}`);
    return { path, facts: JSON.parse(readFileSync(factsPath, 'utf8')) as HistoryFacts, built: false, bytes: statSync(path).size };
  }
  // Older builds of this size (another key) are stale: they go, so the temp folder does not fill up.
  for (const f of readdirSync(dir)) if (f.startsWith(`history-${n}-`) && !f.startsWith(base)) rmSync(join(dir, f), { force: true });
  const building = join(dir, `building-${process.pid}-${n}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
  log(`history ${n}: building ${path} (not cached for key ${key})`);
  try {
    const facts = await build(building, n, log);
    for (const suffix of ['-wal', '-shm']) rmSync(building + suffix, { force: true });
    renameSync(building, path);
    writeFileSync(factsPath, `${JSON.stringify(facts, null, 2)}\n`);
    return { path, facts, built: true, bytes: statSync(path).size };
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(building + suffix, { force: true });
    throw err;
  }
}

/** The PostgreSQL server the history bench uses (without a database name): BENCH_PG_URL. */
export const benchPgUrl = () => (process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');
/** The database the PostgreSQL histories are cached in, one schema per size and key. */
const PG_CACHE_DATABASE = 'papo_bench';

/** Runs `work` on one connection to `database` of the bench's PostgreSQL server. */
async function withPg<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${benchPgUrl()}/${database}` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates `database` unless it is there (two processes may race: the loser's 42P04 is fine). */
async function ensureDatabase(database: string): Promise<void> {
  await withPg('postgres', async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${database}`);
    } catch (err) {
      if ((err as { code?: string }).code !== '42P04') throw err;
    }
  });
}

/**
 * The cached PostgreSQL history of `n` conversations, built now when the cache database has no complete schema
 * for the current key (its facts row is written last: a schema without it is a build that stopped, and goes).
 */
export async function historyPgDb(n: number, log: (line: string) => void): Promise<HistoryDb> {
  const key = historyKey(n, PG_MIGRATIONS_DIR);
  const schema = `history_${n}_${key}`;
  await ensureDatabase(PG_CACHE_DATABASE);
  const described = (facts: HistoryFacts, built: boolean, bytes: number): HistoryDb => ({
    path: `${benchPgUrl()}/${PG_CACHE_DATABASE} schema ${schema}`,
    pg: { serverUrl: benchPgUrl(), database: PG_CACHE_DATABASE, schema },
    facts,
    built,
    bytes,
  });
  const sizeOf = (client: pg.Client) =>
    client
      .query<{ bytes: string | null }>(
        `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
         WHERE s.nspname = $1 AND c.relkind IN ('r', 'm')`,
        [schema],
      )
      .then((r) => Number(r.rows[0]?.bytes ?? 0));
  const cached = await withPg(PG_CACHE_DATABASE, async (client) => {
    const stale = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`history\\_${n}\\_%`]);
    for (const { nspname } of stale.rows) {
      if (nspname !== schema) await client.query(`DROP SCHEMA ${nspname} CASCADE`);
    }
    const done = await client
      .query<{ facts: string }>(`SELECT facts FROM ${schema}.bench_history_facts`)
      .then((r) => r.rows[0]?.facts ?? null)
      .catch(() => null);
    if (done !== null) return { facts: JSON.parse(done) as HistoryFacts, bytes: await sizeOf(client) };
    // A build that stopped half-way: start over. The builder's connections need no fsync per commit (a bench
    // fixture); the copies the servers open are other databases, which do not inherit this setting.
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`ALTER DATABASE ${PG_CACHE_DATABASE} SET synchronous_commit = off`);
    return null;
  });
  if (cached) {
    log(`history ${n}: cached PostgreSQL schema ${schema}`);
    return described(cached.facts, false, cached.bytes);
  }
  log(`history ${n}: building PostgreSQL schema ${schema} in ${PG_CACHE_DATABASE} (not cached for key ${key})`);
  const started = Date.now();
  const store = createPgStore(`${benchPgUrl()}/${PG_CACHE_DATABASE}`, { schema, nodeId: 'bench-history' });
  let facts: HistoryFacts;
  try {
    await store.ready();
    facts = await fill(store, n, log, started);
  } finally {
    await store.close();
  }
  const bytes = await withPg(PG_CACHE_DATABASE, async (client) => {
    // Statistics now: the servers measured on copies plan with them from their first query.
    await client.query(`SET search_path = ${schema}`);
    await client.query('ANALYZE');
    facts = { ...facts, buildMs: Date.now() - started };
    await client.query(`CREATE TABLE ${schema}.bench_history_facts (facts text NOT NULL)`);
    await client.query(`INSERT INTO ${schema}.bench_history_facts (facts) VALUES ($1)`, [JSON.stringify(facts)]);
    return sizeOf(client);
  });
  return described(facts, true, bytes);
}

/**
 * A copy of the cache database for one server to open (its erase deletes rows), and how to drop it. CREATE
 * DATABASE ... TEMPLATE copies the files: seconds, where rebuilding takes many minutes.
 */
export async function copyPgHistory(db: HistoryDb): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  if (!db.pg) throw new TypeError(`${db.path} is not a PostgreSQL history`);
  const copy = `papo_bench_run_${process.pid}`;
  await withPg('postgres', async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${copy} TEMPLATE ${db.pg!.database}`);
  });
  return {
    url: `${db.pg.serverUrl}/${copy}`,
    schema: db.pg.schema,
    drop: () => withPg('postgres', async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`))),
  };
}

interface Person {
  name: string;
  email: string | null;
}

async function build(path: string, n: number, log: (line: string) => void): Promise<HistoryFacts> {
  const started = Date.now();
  // A bench fixture: no fsync per commit while building (the file is checkpointed and closed at the end).
  const store = createSqliteStore(path, { onOpen: (db) => db.pragma('synchronous = OFF') });
  try {
    return await fill(store, n, log, started);
  } finally {
    await store.close();
  }
}

async function fill(store: Store, n: number, log: (line: string) => void, started: number): Promise<HistoryFacts> {
  const yearAgo = Date.now() - 366 * DAY;
  let clock = yearAgo - DAY;
  const now = () => clock;

  await seed(store, { admin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Bench Admin' } }, now);
  const site = (await store.sites.list())[0]!;
  const support = (await store.queues.list(site.id))[0]!;
  const queueSpecs = [
    { name: support.name, weight: 40 },
    { name: 'Vendas', weight: 25 },
    { name: 'Financeiro', weight: 15 },
    { name: 'Trocas e devoluções', weight: 12 },
    { name: 'Suporte técnico', weight: 8 },
  ];
  const queues = [{ ...support, weight: 40 }];
  for (const spec of queueSpecs.slice(1)) {
    const q = { id: uuidv7(clock), siteId: site.id, name: spec.name, strategy: 'round_robin' as const, offerTimeoutMs: 30_000, createdAt: clock };
    await store.queues.create(q);
    queues.push({ ...q, weight: spec.weight });
  }
  const passwordHash = await hashPassword('bench-agent-password');
  const agentNames = ['Carla Mendonça', 'Rodrigo Albuquerque', 'Simone Araújo', 'Vinícius Lemos', 'Tatiane Brandão', 'Heitor Gonçalves', 'Jéssica Falcão', 'Émerson Vieira', 'Priscila Simões', 'Renan Conceição', 'Lívia Assunção', 'Márcio Peçanha'];
  const agents: AgentActor[] = [];
  for (const [i, name] of agentNames.entries()) {
    const id = uuidv7(clock + i);
    const role = i < 2 ? ('supervisor' as const) : ('agent' as const);
    await store.agents.create({ id, email: `${asciiFold(name).replace(' ', '.')}@loja.example`, name, role, passwordHash, createdAt: clock });
    // Each agent in two or three queues, so every queue has several members.
    const queueIds = queues.filter((_, k) => (k + i) % 5 < (i % 2 === 0 ? 2 : 3)).map((q) => q.id);
    await store.queues.setQueuesOf(id, queueIds);
    agents.push({ kind: 'agent', id, name, role, queueIds: new Set(queueIds) });
  }
  const reasons = (await store.wrapUpReasons.list()).map((r) => r.label);
  const membersOf = new Map(queues.map((q) => [q.id, agents.filter((a) => a.queueIds.has(q.id))]));
  const totalWeight = queues.reduce((s, q) => s + q.weight, 0);
  const queueFor = (r: number) => {
    let acc = 0;
    for (const q of queues) if ((acc += q.weight) > r * totalWeight) return q;
    return queues[0]!;
  };

  const service = createConversationService({ store, bus: createMemoryBus(silentLogger), now });
  const visitorCount = Math.max(1, Math.round(n * 0.6));
  const chunk = Math.min(CHUNK, visitorCount);
  const visitors: Array<{ actor: VisitorActor; person: Person | null }> = [];
  const span = 364 * DAY;
  const perQueue = new Map<string, number>();
  const perAgent = new Map<string, number>();
  let events = 0;
  let tickets = 0;
  let ticketEntries = 0;
  let withEmail = 0;
  const sampleEmails: string[] = [];

  function newPerson(r: () => number, j: number): Person {
    const first = pick(r, FIRST_NAMES);
    const last = pick(r, LAST_NAMES);
    return { name: `${first} ${last}`, email: `${asciiFold(first)}.${asciiFold(last)}.${j}@${pick(r, DOMAINS)}` };
  }

  let ticketWrites: Promise<unknown> = Promise.resolve();
  let lastLog = Date.now();
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    // One conversation per visitor in a chunk (a visitor's second conversation starts after its first closed).
    const plans = [];
    for (let i = from; i < to; i++) {
      const r = seeded(i + 1);
      const start = yearAgo + Math.floor((i * span) / n) + Math.floor(r() * 60_000);
      const v = i % visitorCount;
      if (v === i) {
        const person = v % 5 < 2 ? newPerson(r, v) : null;
        const actor: VisitorActor = { kind: 'visitor', visitorId: uuidv7(start), siteId: site.id };
        visitors.push({ actor, person });
        if (person) {
          withEmail++;
          if (sampleEmails.length < 40 && v % Math.max(1, Math.floor(visitorCount / 40)) === 0) sampleEmails.push(person.email!);
        }
        const page = pick(r, ['/produtos', '/carrinho', '/checkout/pagamento', '/minha-conta/pedidos', '/ajuda/trocas']);
        await store.visitors.touch(
          {
            id: actor.visitorId,
            siteId: site.id,
            ...(person ? { name: person.name, email: person.email } : {}),
            lastPageUrl: `https://loja.example${page}`,
            lastPageTitle: 'Loja Exemplo — ofertas',
            referrer: pick(r, ['https://www.google.com/', 'https://www.instagram.com/', null]),
            userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
            lastSeenAt: start,
          },
          start,
        );
      }
      const queue = queueFor(r());
      const members = membersOf.get(queue.id)!;
      plans.push({ i, r, start, visitor: visitors[v]!, queue, agent: pick(r, members), other: pick(r, agents) });
    }

    // The visitors' first messages: each creates its conversation (created, queued, message).
    const firsts = plans.map((p) => {
      clock = p.start;
      const entry: Entry = { bot: false, queueId: p.queue.id, queueName: p.queue.name };
      return service.sendMessage(p.visitor.actor, { clientId: randomUUID(), text: visitorOpener(p.r) }, entry);
    });
    const acks = await Promise.all(firsts);

    // The rest of every conversation, submitted in order without waiting (the store applies writes in the
    // order they come, SPEC D2); the last write of each answers the conversation as closed.
    const lasts: Array<Promise<unknown>> = [];
    for (const [k, p] of plans.entries()) {
      const id = acks[k]!.conversationId;
      const { r, visitor } = p;
      let t = p.start;
      const at = () => (clock = t += 15_000 + Math.floor(r() * 90_000));
      const pending: Array<Promise<unknown>> = [];
      let holder = p.agent;
      const agentSays = (text: string, note = false) => {
        at();
        pending.push(service.sendMessage(holder, { conversationId: id, clientId: randomUUID(), text, note }));
      };
      const visitorSays = (text: string) => {
        at();
        pending.push(service.sendMessage(visitor.actor, { conversationId: id, clientId: randomUUID(), text }));
      };
      const apply = (writer: Parameters<typeof service.apply>[0], decide: Parameters<typeof service.apply>[2]) => {
        at();
        const done = service.apply(writer, id, decide);
        pending.push(done);
        return done;
      };

      // Decisions run later, inside the commit: each closes over the agent of its moment, never `holder`.
      const first = holder;
      const claim = r();
      if (claim < 0.25) {
        apply({ kind: 'system' }, (s, now) => decideOffer(s, first, now + 600_000));
        apply(first, (s, now) => decideAccept(s, first, now));
      } else if (claim < 0.3) apply(first, (s) => decideTake(s, first));
      agentSays(agentLine(r));
      const messages = 1 + Math.floor(r() * 5);
      for (let m = 0; m < messages; m++) {
        if (m % 2 === 0) visitorSays(visitorLine(r));
        else agentSays(agentLine(r));
        if (m === 1 && r() < 0.1) agentSays(noteLine(r), true);
      }
      if (r() < 0.03) {
        const to = agents.find((a) => a.id !== holder.id && a.id === p.other.id) ?? agents.find((a) => a.id !== holder.id)!;
        const from = holder;
        apply(from, (s, now) => decideRequest(s, from, 'transfer', { agentId: to.id, queueId: null, name: to.name }, now + 600_000));
        apply(to, (s, now) => decideRequestAccept(s, to, true, now));
        holder = to;
        agentSays(agentLine(r));
      }
      const last = holder;
      if (r() < 0.3) {
        const labels = [...new Set([pick(r, LABELS), ...(r() < 0.4 ? [pick(r, LABELS)] : [])])];
        apply(last, (s) => decideLabels(s, last, labels));
      }
      if (r() < 0.08) {
        const priority = 2 + Math.floor(r() * 2);
        apply(last, (s) => decidePriority(s, last, priority));
      }
      if (visitor.person && r() < 0.1) apply(last, (s) => decideRequester(s, last, visitor.person!.name, visitor.person!.email));
      if (r() < 0.4) apply(visitor.actor, (s) => decideVisitorEnd(s, visitor.actor));

      let closed: Promise<ConversationSummary>;
      if (p.i % 40 === 0) {
        // A ticket for one conversation in 40: half closed into it by the agent, half left through the form.
        const linked = p.i % 80 === 0;
        const number = ++tickets;
        const ticketAt = at();
        const ticketId = uuidv7(ticketAt);
        const person = visitor.person ?? newPerson(r, -1);
        const status = pick<TicketStatus>(r, ['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'solved', 'solved', 'open', 'pending']);
        // Tickets are written one after the other (a chain, not the group commit's order): on PostgreSQL each is a
        // transaction of its own on a pooled connection, so concurrent creates could take numbers out of order
        // and an entry could reach the database before its ticket.
        const ticket: NewTicket = {
          id: ticketId,
          siteId: site.id,
          status,
          type: pick(r, ['question', 'problem', 'incident', 'task'] as const),
          priority: 1 + Math.floor(r() * 3),
          subject: ticketSubject(r),
          description: ticketDescription(r),
          requester: { name: person.name, email: person.email, visitorId: visitor.actor.visitorId },
          assigneeId: holder.id,
          assigneeName: holder.name,
          conversationId: linked ? id : null,
          source: linked ? 'agent' : 'offline_form',
          clientId: linked ? null : randomUUID(),
          createdAt: ticketAt,
        };
        ticketWrites = ticketWrites.then(async () => {
          const made = (await store.tickets.create(ticket)).ticket;
          if (made.number !== number) throw new Error(`ticket number ${made.number}, expected ${number}`);
        });
        pending.push(ticketWrites);
        const entries = 1 + Math.floor(r() * 3);
        for (let e = 0; e < entries; e++) {
          const kind = pick(r, ['note', 'reply', 'reply'] as const);
          const entry = { id: uuidv7(at()), ticketId, kind, authorId: holder.id, authorName: holder.name, text: kind === 'note' ? noteLine(r) : agentLine(r), data: null, emailed: kind === 'reply' ? true : null, at: t };
          ticketWrites = ticketWrites.then(() => store.tickets.addEntry(entry));
          pending.push(ticketWrites);
          ticketEntries++;
        }
        const h = holder;
        const reason = pick(r, reasons);
        closed = linked ? apply(h, (s) => decideTicketClose(s, h, { id: ticketId, number })) : apply(h, (s) => decideClose(s, h, reason));
      } else {
        const h = holder;
        const reason = pick(r, reasons);
        closed = apply(h, (s) => decideClose(s, h, reason));
      }
      perQueue.set(p.queue.id, (perQueue.get(p.queue.id) ?? 0) + 1);
      perAgent.set(holder.id, (perAgent.get(holder.id) ?? 0) + 1);
      lasts.push(
        Promise.all(pending).then(() =>
          closed.then((c) => {
            if (c.status !== 'closed') throw new Error(`conversation ${c.id} ended ${c.status}`);
            events += c.lastSeq;
          }),
        ),
      );
    }
    await Promise.all(lasts);
    if (Date.now() - lastLog > 10_000 || to === n) {
      lastLog = Date.now();
      const s = (Date.now() - started) / 1000;
      log(`history ${n}: ${to} conversations, ${events} events, ${tickets} tickets (${s.toFixed(0)} s)`);
    }
  }
  await store.flush();
  const byCount = <T extends { id: string }>(list: T[], counts: Map<string, number>) =>
    list.map((x) => ({ x, c: counts.get(x.id) ?? 0 })).sort((a, b) => b.c - a.c);
  return {
    conversations: n,
    visitors: visitors.length,
    visitorsWithEmail: withEmail,
    events,
    tickets,
    ticketEntries,
    queues: byCount(queues, perQueue).map(({ x, c }) => ({ id: x.id, name: x.name, conversations: c })),
    agents: byCount(agents, perAgent).map(({ x, c }) => ({ id: x.id, name: x.name, conversations: c })),
    sampleEmails,
    buildMs: Date.now() - started,
  };
}
