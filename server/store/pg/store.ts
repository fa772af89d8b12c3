/**
 * @module The PostgreSQL implementation of the Store port (issue 14): node-postgres through Drizzle for the
 * simple tables, plain SQL for the conversation reads, the write path in committer.ts/writes.ts. Several nodes
 * share one database: what SQLite got from its one synchronous writer (no interleaving) comes here from the
 * database itself: unique indexes, `INSERT ... ON CONFLICT`, transactions, row locks and advisory locks.
 *
 * `createPgStore` answers at once; every method first waits for the connection and the migrations (`ready`),
 * and a start that failed (the database down) is tried again by the next call.
 */
import { and, desc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import pg from 'pg';
import { AppError, isAppError } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import { StorageHealth, storageUnavailable } from '../storage-health';
import type { AgentPatch, ConversationFilter, EventQuery, SitePatch, Store } from '../store';
import { pgAttachments } from './attachments';
import { pgCluster } from './cluster';
import { createPgWriter, type PgWriter } from './committer';
import { connectionConfig, isPgUnavailable, isPgUniqueViolation, migratePg, openPool, randomNodeId } from './driver';
import { toConversation, toEvent, type PgConversationRow, type PgEventRow } from './rows';
import { pgSearch } from './search';
import { pgTickets } from './tickets';
import { pgInternalChat } from './internal-chat';
import { agents, agentSessions, blocks, cannedReplies, queueMembers, queues, refusedOrigins, settings, sites, visitors, wrapUpReasons } from './schema';
import { utcDay } from '../../domain/refused-origins';

/** Titles and labels sort the same on every server, whatever its locale; case and accents do not split them. */
const collator = new Intl.Collator('und', { sensitivity: 'base', numeric: true });

const fold = (s: string) => s.toLowerCase();

/** The fields of `patch` that are set (undefined means "leave as is"). */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every field a patch of T may set, listed once: a field added to T and not here fails to compile. */
type PatchFields<T> = { readonly [K in keyof Required<T>]: true };

const SITE_PATCH: PatchFields<SitePatch> = { name: true, allowedOrigins: true, defaultQueueId: true, botWebhookUrl: true, botTokenHash: true, ticketing: true, masking: true, widget: true, identitySecret: true };
const AGENT_PATCH: PatchFields<AgentPatch> = { name: true, role: true, capacity: true, availability: true, availabilitySince: true, prefs: true, passwordHash: true, disabled: true };

/** The fields of `patch` that `fields` names and that are set (a caller's object may carry more). */
function patchOf<P extends object>(patch: P, fields: PatchFields<P>): Partial<P> {
  return defined(Object.fromEntries(Object.keys(fields).map((k) => [k, patch[k as keyof P]])) as Partial<P>);
}

/** Runs `work`; a unique violation becomes AppError `conflict` (as SQLite's store does). */
async function unique<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isPgUniqueViolation(err)) throw new AppError('conflict');
    throw err;
  }
}

/**
 * Every method of every part, gated on `ready` and with a database that cannot serve (down, restarting, out
 * of disk or connections) turned into AppError `storage_unavailable`, counted in the episode (SPEC D15) as on
 * SQLite. A success tells the episode the database takes requests again.
 */
function guarded(store: Store, ready: () => Promise<void>, health: StorageHealth): Store {
  const wrap = (part: object, prefix: string): object =>
    Object.fromEntries(
      Object.entries(part).map(([name, member]) => {
        const op = prefix + name;
        if (typeof member !== 'function') return [name, wrap(member as object, `${op}.`)];
        const method = member as (...args: unknown[]) => Promise<unknown>;
        return [
          name,
          async (...args: unknown[]) => {
            try {
              await ready();
              const result = await method.apply(part, args);
              health.committed();
              return result;
            } catch (err) {
              if (isAppError(err) || !isPgUnavailable(err)) throw err;
              health.refused(err, op);
              throw storageUnavailable();
            }
          },
        ];
      }),
    );
  return wrap(store, '') as Store;
}

export interface PgStoreOptions {
  /** The schema Papo's tables live in (DATABASE_SCHEMA); default `public`. */
  schema?: string;
  /** This node's id, in `application_name` (NODE_ID). */
  nodeId?: string;
  /** Where a storage episode (SPEC D15) and leadership changes are told; default silent. */
  log?: Logger;
  now?: () => number;
  /** Connections in the pool; default 10. */
  max?: number;
}

/** The store, plus what the app needs at start: `ready` resolves once connected and migrated (rejects if not). */
export type PgStore = Store & { ready(): Promise<void> };

/**
 * A store on the PostgreSQL database at `url`, in `options.schema` (created, and migrated under an advisory
 * lock, on first use).
 *
 * @example const store = createPgStore('postgres://papo@db:5432/papo', { schema: 'public', nodeId: 'n1' })
 */
export function createPgStore(url: string, options: PgStoreOptions = {}): PgStore {
  const schemaName = options.schema ?? 'public';
  const nodeId = options.nodeId ?? randomNodeId();
  const log = options.log ?? silentLogger;
  const driverOptions = { schema: schemaName, nodeId, ...(options.max === undefined ? {} : { max: options.max }) };
  const health = new StorageHealth(log, options.now ?? Date.now, { database: 'postgresql', schema: schemaName });
  const { pool, db } = openPool(url, driverOptions, (err) => log.warn('an idle PostgreSQL connection failed; the pool replaces it', { cause: err.message }));

  let starting: Promise<void> | null = null;
  /** Connects and migrates once; a failed start is tried again by the next caller (the database came back). */
  const ready = (): Promise<void> => {
    starting ??= migratePg(pool, driverOptions).catch((err: unknown) => {
      starting = null;
      throw err;
    });
    return starting;
  };
  // The write path (committer.ts, writes.ts): a group committer on its own connection, ordered writes (SPEC D2).
  const writer: PgWriter = createPgWriter({
    schema: schemaName,
    health,
    log,
    connect: async () => {
      const client = new pg.Client(connectionConfig(url, driverOptions));
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => {});
        throw err;
      }
      return client;
    },
  });
  const cluster = pgCluster({ schema: schemaName, connection: connectionConfig(url, driverOptions), log });

  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => (await pool.query<R>(text, values)).rows;
  const conversationRows = async (text: string, values: unknown[] = []) => (await query<PgConversationRow>(text, values)).map(toConversation);

  /**
   * One keyset read in the lists' order (newest activity first, ties by id): a plain term per filter, so the
   * planner serves the closed lists from an index in that order (conversations_closed*, issue 12).
   * `guest`: only those this agent joined as a conference guest.
   */
  async function listRows(filter: ConversationFilter, guest?: string): Promise<PgConversationRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const statuses: readonly string[] | undefined = typeof filter.status === 'string' ? [filter.status] : filter.status;
    const closedOnly = statuses !== undefined && statuses.length === 1 && statuses[0] === 'closed';
    // A closed list by label walks that label's rows of conversation_labels (in list order) and joins each
    // conversation: a rare label reads only its rows (issue 12).
    const byLabel = closedOnly && filter.label !== undefined;
    const c = byLabel ? 'c.' : '';
    const l = byLabel ? 'l.' : c;
    if (statuses !== undefined) {
      if (statuses.length === 0) return [];
      // Written out, not bound: the partial indexes' WHERE names the status, and the planner matches a
      // literal to it when planning (a bound value would need a custom plan each time). Only the three.
      const literal = (status: string) => {
        if (status !== 'open' && status !== 'ended' && status !== 'closed') throw new Error(`unknown status ${status}`);
        return `'${status}'`;
      };
      where.push(statuses.length === 1 ? `${c}status = ${literal(statuses[0]!)}` : `${c}status IN (${statuses.map(literal).join(', ')})`);
    }
    if (filter.archived !== undefined) where.push(`${l}archived = ${param(filter.archived)}`);
    for (const [column, value] of [
      ['site_id', filter.siteId],
      ['visitor_id', filter.visitorId],
      ['assigned_agent_id', filter.agentId],
      ['queue_id', filter.queueId],
      ['priority', filter.priority],
    ] as const) {
      if (value !== undefined) where.push(`${c}${column} = ${param(value)}`);
    }
    if (byLabel) where.push(`l.label = ${param(filter.label)}`);
    else if (filter.label !== undefined) where.push(`labels_json <> '[]' AND labels_json::jsonb ? ${param(filter.label)}`);
    if (guest !== undefined) {
      // `participants_json <> '[]'` is conversations_closed_guests' own predicate: that index holds only
      // conferences, and only their rows are read to check the guest.
      where.push(`${c}participants_json <> '[]' AND ${c}participants_json::jsonb @> jsonb_build_array(jsonb_build_object('id', ${param(guest)}::text))`);
    }
    // A closed list keys on closed_updated_at, its indexes' column (equal to updated_at on closed rows: pg/schema.ts).
    const time = byLabel ? 'l.updated_at' : closedOnly ? 'closed_updated_at' : 'updated_at';
    const id = byLabel ? 'l.conversation_id' : 'id';
    if (filter.after !== undefined) where.push(`(${time}, ${id}) < (${param(filter.after.updatedAt)}, ${param(filter.after.id)})`);
    // The label's rows drive, in their primary key's order, and each conversation is looked up by id: OFFSET 0
    // keeps the planner from turning the lookup into a hash join that reads every conversation (issue 12).
    const from = byLabel
      ? 'SELECT c.* FROM conversation_labels l CROSS JOIN LATERAL (SELECT * FROM conversations WHERE id = l.conversation_id OFFSET 0) c'
      : 'SELECT * FROM conversations';
    const order = `${time} DESC, ${id} DESC`;
    return query<PgConversationRow>(`${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${param(filter.limit)}`, params);
  }

  /**
   * `heldBy` (a plain agent's closed lists, R10): those it holds merged with those it joined as a guest, two
   * index reads in list order (as on SQLite).
   */
  async function listConversations(filter: ConversationFilter): Promise<PgConversationRow[]> {
    const { heldBy, ...rest } = filter;
    if (heldBy === undefined) return listRows(rest);
    const [held, joined] = await Promise.all([
      rest.agentId === undefined || rest.agentId === heldBy ? listRows({ ...rest, agentId: heldBy }) : Promise.resolve([]),
      listRows(rest, heldBy),
    ]);
    if (joined.length === 0) return held;
    const merged: PgConversationRow[] = [];
    let i = 0;
    let j = 0;
    while (merged.length < filter.limit && (i < held.length || j < joined.length)) {
      const a = held[i];
      const b = joined[j];
      if (a !== undefined && b !== undefined && a.id === b.id) j++;
      else if (b === undefined || (a !== undefined && (a.updated_at > b.updated_at || (a.updated_at === b.updated_at && a.id > b.id)))) {
        merged.push(a!);
        i++;
      } else {
        merged.push(b);
        j++;
      }
    }
    return merged;
  }

  const agentColumns = {
    id: agents.id,
    name: agents.name,
    email: agents.email,
    role: agents.role,
    passwordHash: agents.passwordHash,
    createdAt: agents.createdAt,
    capacity: agents.capacity,
    availability: agents.availability,
    availabilitySince: agents.availabilitySince,
    prefs: agents.prefs,
    disabled: agents.disabled,
  };

  const first = <T>(rows: T[]): T | null => rows[0] ?? null;
  const getSite = async (id: string) => first(await db.select().from(sites).where(eq(sites.id, id)));
  const getAgent = async (id: string) => first(await db.select(agentColumns).from(agents).where(eq(agents.id, id)));
  const getQueue = async (id: string) => first(await db.select().from(queues).where(eq(queues.id, id)));
  const getReply = async (id: string) => first(await db.select().from(cannedReplies).where(eq(cannedReplies.id, id)));
  const getReason = async (id: string) => first(await db.select().from(wrapUpReasons).where(eq(wrapUpReasons.id, id)));

  /** Wrap-up labels are unique whatever their case; the index (lower(), every script here) backs it up. */
  async function refuseDuplicateLabel(label: string, exceptId: string | null): Promise<void> {
    const taken = (await db.select({ id: wrapUpReasons.id, label: wrapUpReasons.label }).from(wrapUpReasons)).some(
      (r) => r.id !== exceptId && fold(r.label) === fold(label),
    );
    if (taken) throw new AppError('conflict');
  }

  async function events(conversationId: string, query_: EventQuery, bound: string, order: 'ASC' | 'DESC', seq: number | null): Promise<PgEventRow[]> {
    const params: unknown[] = [conversationId];
    let where = 'conversation_id = $1';
    if (seq !== null) {
      params.push(seq);
      where += ` AND seq ${bound} $${params.length}`;
    }
    if (query_.kinds) {
      params.push(query_.kinds);
      where += ` AND kind = ANY($${params.length}::text[])`;
    }
    params.push(query_.limit);
    return query<PgEventRow>(
      `SELECT conversation_id, seq, kind, author_kind, author_id, author_name, client_id, text, created_at, data, attachments
       FROM events WHERE ${where} ORDER BY seq ${order} LIMIT $${params.length}`,
      params,
    );
  }

  const store: Store = {
    settings: {
      async get(key) {
        return first(await db.select().from(settings).where(eq(settings.key, key)))?.value ?? null;
      },
      async getOrSet(key, value) {
        const inserted = await db.insert(settings).values({ key, value }).onConflictDoNothing().returning({ value: settings.value });
        return inserted[0]?.value ?? first(await db.select().from(settings).where(eq(settings.key, key)))!.value;
      },
    },

    sites: {
      async byKey(key) {
        return first(await db.select().from(sites).where(eq(sites.key, key)));
      },
      byId: getSite,
      async list() {
        return db.select().from(sites).orderBy(sites.createdAt, sites.id);
      },
      async create(site) {
        await db.insert(sites).values({
          id: site.id,
          key: site.key,
          name: site.name,
          allowedOrigins: site.allowedOrigins,
          createdAt: site.createdAt,
          defaultQueueId: site.defaultQueueId ?? null,
          botWebhookUrl: site.botWebhookUrl ?? null,
          botTokenHash: site.botTokenHash ?? null,
          ticketing: site.ticketing ?? null,
          masking: site.masking ?? 'off',
          widget: site.widget ?? null,
          identitySecret: site.identitySecret ?? null,
        });
      },
      async update(id, patch) {
        const set = patchOf(patch, SITE_PATCH);
        if (Object.keys(set).length > 0) await db.update(sites).set(set).where(eq(sites.id, id));
        return getSite(id);
      },
      async count() {
        return db.$count(sites);
      },
      // Issue 15 (site owners): through the writer, ordered with the writes. Tickets before conversations (a
      // ticket may name one); events, files, labels, entries and memberships go by foreign key and triggers.
      delete: (id) =>
        writer.submit(async (c) => {
          for (const table of ['tickets', 'conversations', 'visitors', 'queues', 'refused_origins']) await c.query(`DELETE FROM ${table} WHERE site_id = $1`, [id]);
          return ((await c.query('DELETE FROM sites WHERE id = $1', [id])).rowCount ?? 0) > 0;
        }),
    },

    agents: {
      async byEmail(email) {
        return first(await db.select(agentColumns).from(agents).where(eq(agents.email, email.toLowerCase())));
      },
      byId: getAgent,
      async list() {
        return db.select(agentColumns).from(agents).orderBy(agents.createdAt, agents.id);
      },
      async create(agent) {
        await db.insert(agents).values({
          id: agent.id,
          email: agent.email.toLowerCase(),
          name: agent.name,
          role: agent.role,
          passwordHash: agent.passwordHash,
          createdAt: agent.createdAt,
          ...defined({ capacity: agent.capacity, availability: agent.availability, availabilitySince: agent.availabilitySince, prefs: agent.prefs }),
        });
      },
      async update(id, patch) {
        const set = patchOf(patch, AGENT_PATCH);
        if (Object.keys(set).length > 0) await db.update(agents).set(set).where(eq(agents.id, id));
        return getAgent(id);
      },
      async count() {
        return db.$count(agents);
      },
    },

    queues: {
      async list(siteId) {
        return db
          .select()
          .from(queues)
          .where(siteId === undefined ? undefined : eq(queues.siteId, siteId))
          .orderBy(queues.createdAt, queues.id);
      },
      byId: getQueue,
      async create(queue) {
        await unique(
          db.insert(queues).values({ id: queue.id, siteId: queue.siteId, name: queue.name, strategy: queue.strategy, offerTimeoutMs: queue.offerTimeoutMs, createdAt: queue.createdAt }),
        );
      },
      async update(id, patch) {
        const set = defined({ name: patch.name, strategy: patch.strategy, offerTimeoutMs: patch.offerTimeoutMs });
        if (Object.keys(set).length > 0) await unique(db.update(queues).set(set).where(eq(queues.id, id)));
        return getQueue(id);
      },
      async delete(id) {
        return db.transaction(async (tx) => {
          // A site whose default queue is gone sends new conversations to no queue rather than to a missing one.
          await tx.update(sites).set({ defaultQueueId: null }).where(eq(sites.defaultQueueId, id));
          return ((await tx.delete(queues).where(eq(queues.id, id))).rowCount ?? 0) > 0;
        });
      },
      async memberships() {
        const rows = await db
          .select({ agentId: queueMembers.agentId, queueId: queueMembers.queueId })
          .from(queueMembers)
          .innerJoin(queues, eq(queues.id, queueMembers.queueId))
          .orderBy(queues.createdAt, queues.id);
        const byAgent = new Map<string, string[]>();
        for (const { agentId, queueId } of rows) {
          const list = byAgent.get(agentId);
          if (list) list.push(queueId);
          else byAgent.set(agentId, [queueId]);
        }
        return byAgent;
      },
      async setMembers(queueId, agentIds) {
        await db.transaction(async (tx) => {
          await tx.delete(queueMembers).where(eq(queueMembers.queueId, queueId));
          const rows = [...new Set(agentIds)].map((agentId) => ({ queueId, agentId }));
          if (rows.length > 0) await tx.insert(queueMembers).values(rows);
        });
      },
      async setQueuesOf(agentId, queueIds) {
        await db.transaction(async (tx) => {
          await tx.delete(queueMembers).where(eq(queueMembers.agentId, agentId));
          const rows = [...new Set(queueIds)].map((queueId) => ({ queueId, agentId }));
          if (rows.length > 0) await tx.insert(queueMembers).values(rows);
        });
      },
    },

    visitors: {
      async byId(id) {
        return first(await db.select().from(visitors).where(eq(visitors.id, id)));
      },
      async byEmail(email) {
        return db.select().from(visitors).where(sql`lower(${visitors.email}) = lower(${email})`).orderBy(visitors.createdAt);
      },
      // Through the writer, ordered with the writes submitted before it (as on SQLite).
      delete: (id) => writer.deleteVisitor(id),
      async touch(visitor, at) {
        const set = defined({
          name: visitor.name,
          email: visitor.email,
          lastPageUrl: visitor.lastPageUrl,
          lastPageTitle: visitor.lastPageTitle,
          referrer: visitor.referrer,
          userAgent: visitor.userAgent,
          lastSeenAt: visitor.lastSeenAt,
        });
        const insert = db.insert(visitors).values({ id: visitor.id, siteId: visitor.siteId, createdAt: at, ...set });
        if (Object.keys(set).length > 0) await insert.onConflictDoUpdate({ target: visitors.id, set });
        else await insert.onConflictDoNothing();
      },
      async byExternalId(siteId, externalId) {
        return first(await db.select().from(visitors).where(and(eq(visitors.siteId, siteId), eq(visitors.externalId, externalId))));
      },
      async identify(siteId, externalId, candidateId, fields, at) {
        if (fields.name === null && fields.email === null) {
          // Nothing to change: a known visitor is answered without writing its row.
          const known = first(await db.select().from(visitors).where(and(eq(visitors.siteId, siteId), eq(visitors.externalId, externalId))));
          if (known) return known;
        }
        // One statement: two first sights on two nodes make one visitor (the second one's insert becomes an
        // update of the first one's row, on visitors_site_external), and a name or e-mail given replaces the
        // stored one while null keeps it.
        const [row] = await db
          .insert(visitors)
          .values({ id: candidateId, siteId, externalId, createdAt: at, name: fields.name, email: fields.email })
          .onConflictDoUpdate({
            target: [visitors.siteId, visitors.externalId],
            targetWhere: sql`external_id IS NOT NULL`,
            set: { name: sql`coalesce(excluded.name, ${visitors.name})`, email: sql`coalesce(excluded.email, ${visitors.email})` },
          })
          .returning();
        return row!;
      },
    },

    cannedReplies: {
      async list(q) {
        const rows = await db
          .select()
          .from(cannedReplies)
          .where(
            and(
              q.category === undefined ? undefined : sql`lower(${cannedReplies.category}) = lower(${q.category})`,
              q.language === undefined ? undefined : sql`lower(${cannedReplies.language}) = lower(${q.language})`,
            ),
          );
        const needle = q.text === undefined ? '' : fold(q.text.trim());
        return rows
          .filter((r) => needle === '' || fold(r.title).includes(needle) || fold(r.text).includes(needle))
          .sort((a, b) => collator.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },
      byId: getReply,
      async create(reply) {
        await db.insert(cannedReplies).values({
          id: reply.id,
          title: reply.title,
          text: reply.text,
          category: reply.category,
          language: reply.language,
          createdAt: reply.createdAt,
          updatedAt: reply.updatedAt,
        });
      },
      async update(id, patch, at) {
        const set = defined({ title: patch.title, text: patch.text, category: patch.category, language: patch.language });
        await db
          .update(cannedReplies)
          .set({ ...set, updatedAt: at })
          .where(eq(cannedReplies.id, id));
        return getReply(id);
      },
      async delete(id) {
        return ((await db.delete(cannedReplies).where(eq(cannedReplies.id, id))).rowCount ?? 0) > 0;
      },
    },

    // Issue 14 (H1b): tickets.ts (numbers from `counters`) and search.ts (migration 0002's index, kept by triggers).
    tickets: pgTickets(pool),
    internalChat: pgInternalChat(pool),
    search: pgSearch(pool),
    attachments: pgAttachments(pool),

    // Issue 15 (site owners): one statement decides count-or-skip, so a flood of origins stays at `cap` rows
    // (two nodes adding new origins at the same instant may each pass the check once).
    refusedOrigins: {
      async record(siteId, origin, at, { count, cap }) {
        const { rowCount } = await pool.query(
          `INSERT INTO refused_origins (site_id, origin, day, count, last_at)
           SELECT $1, $2, $3, $4, $5
           WHERE EXISTS (SELECT 1 FROM refused_origins WHERE site_id = $1 AND origin = $2 AND day = $3)
              OR (SELECT count(*) FROM refused_origins WHERE site_id = $1 AND day = $3) < $6
           ON CONFLICT (site_id, origin, day) DO UPDATE
             SET count = refused_origins.count + excluded.count, last_at = GREATEST(refused_origins.last_at, excluded.last_at)`,
          [siteId, origin, utcDay(at), count, at, cap],
        );
        return (rowCount ?? 0) > 0;
      },
      async list(siteId, since) {
        return db
          .select({ origin: refusedOrigins.origin, day: refusedOrigins.day, count: refusedOrigins.count, lastAt: refusedOrigins.lastAt })
          .from(refusedOrigins)
          .where(and(eq(refusedOrigins.siteId, siteId), gte(refusedOrigins.day, utcDay(since))))
          .orderBy(desc(refusedOrigins.lastAt), refusedOrigins.origin);
      },
      async clear(siteId, origin) {
        await db.delete(refusedOrigins).where(and(eq(refusedOrigins.siteId, siteId), eq(refusedOrigins.origin, origin)));
      },
    },

    wrapUpReasons: {
      async list() {
        return (await db.select().from(wrapUpReasons)).sort((a, b) => collator.compare(a.label, b.label) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },
      byId: getReason,
      async create(reason) {
        await refuseDuplicateLabel(reason.label, null);
        await unique(db.insert(wrapUpReasons).values({ id: reason.id, label: reason.label, createdAt: reason.createdAt }));
      },
      async update(id, label) {
        if ((await getReason(id)) === null) return null;
        await refuseDuplicateLabel(label, id);
        await unique(db.update(wrapUpReasons).set({ label }).where(eq(wrapUpReasons.id, id)));
        return getReason(id);
      },
      async delete(id) {
        return ((await db.delete(wrapUpReasons).where(eq(wrapUpReasons.id, id))).rowCount ?? 0) > 0;
      },
    },

    sessions: {
      async create(session) {
        await db.insert(agentSessions).values(session);
      },
      async find(tokenHash, now) {
        const rows = await db
          .select({ agent: agentColumns })
          .from(agentSessions)
          .innerJoin(agents, eq(agents.id, agentSessions.agentId))
          .where(and(eq(agentSessions.tokenHash, tokenHash), gt(agentSessions.expiresAt, now), eq(agents.disabled, false)));
        return rows[0]?.agent ?? null;
      },
      async deleteForAgent(agentId) {
        return (await db.delete(agentSessions).where(eq(agentSessions.agentId, agentId))).rowCount ?? 0;
      },
      async delete(tokenHash) {
        await db.delete(agentSessions).where(eq(agentSessions.tokenHash, tokenHash));
      },
      async deleteExpired(now) {
        return (await db.delete(agentSessions).where(lt(agentSessions.expiresAt, now + 1))).rowCount ?? 0;
      },
    },

    blocks: {
      async list() {
        return db.select().from(blocks).orderBy(desc(blocks.createdAt), desc(blocks.id));
      },
      async create(block) {
        await db.insert(blocks).values(block);
      },
      async delete(id) {
        return ((await db.delete(blocks).where(eq(blocks.id, id))).rowCount ?? 0) > 0;
      },
    },

    conversations: {
      async byId(id) {
        return (await conversationRows('SELECT * FROM conversations WHERE id = $1', [id]))[0] ?? null;
      },
      async openForVisitor(visitorId) {
        return (await conversationRows("SELECT * FROM conversations WHERE visitor_id = $1 AND status = 'open'", [visitorId]))[0] ?? null;
      },
      async list(filter) {
        return (await listConversations(filter)).map(toConversation);
      },
      async waiting() {
        // SPEC R2, issue 12: the WHERE and ORDER BY are conversations_waiting's own: an ordered read of that
        // partial index, which holds exactly these rows.
        return conversationRows(
          `SELECT * FROM conversations
           WHERE status = 'open' AND assigned_agent_id IS NULL AND NOT bot AND offer_agent_id IS NULL
           ORDER BY priority DESC, coalesce(queued_at, created_at), id`,
        );
      },
      async withTimers() {
        // conversations_timers' own WHERE: that partial index alone, not every conversation ever.
        return conversationRows('SELECT * FROM conversations WHERE offer_agent_id IS NOT NULL OR request_json IS NOT NULL ORDER BY id');
      },
      async loads() {
        // `status IN ('open', 'ended')` is conversations_assigned_active's predicate: the conversations agents hold.
        const rows = await query<{ agent_id: string; n: number }>(
          `SELECT assigned_agent_id AS agent_id, count(*) AS n FROM conversations
           WHERE status IN ('open', 'ended') AND status = 'open' AND assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id`,
        );
        return new Map(rows.map((r) => [r.agent_id, r.n]));
      },
      async stickyAgentFor(visitorId, exceptId) {
        const rows = await query<{ assigned_agent_id: string }>(
          `SELECT assigned_agent_id FROM conversations
           WHERE visitor_id = $1 AND status = 'ended' AND id <> $2 AND assigned_agent_id IS NOT NULL
           ORDER BY created_at DESC, id DESC LIMIT 1`,
          [visitorId, exceptId],
        );
        return rows[0]?.assigned_agent_id ?? null;
      },
      // Through the writer: ordered with the writes submitted before them (SPEC D2), as on SQLite.
      delete: (id) => writer.deleteConversation(id),
      markSeen: (id, by, seq) => writer.markSeen(id, by, seq),
      async forVisitor(siteId, visitorId, limit) {
        // SPEC W7: within one millisecond the later-made conversation first (ord: insertion order, SQLite's rowid).
        const rows = await query<PgConversationRow & { unread: number }>(
          `SELECT c.*, (SELECT count(*) FROM events e
                        WHERE e.conversation_id = c.id AND e.seq > c.visitor_seen_seq
                          AND e.kind = 'message' AND e.author_kind IN ('agent', 'bot')) AS unread
           FROM conversations c WHERE c.site_id = $1 AND c.visitor_id = $2
           ORDER BY c.updated_at DESC, c.created_at DESC, c.ord DESC LIMIT $3`,
          [siteId, visitorId, limit],
        );
        return rows.map((row) => {
          const c = toConversation(row);
          return { id: c.id, status: c.status, createdAt: c.createdAt, updatedAt: c.updatedAt, lastSeq: c.lastSeq, lastMessage: c.lastMessage, unread: row.unread };
        });
      },
    },

    events: {
      async after(conversationId, afterSeq, q) {
        return (await events(conversationId, q, '>', 'ASC', afterSeq)).map(toEvent);
      },
      async before(conversationId, beforeSeq, q) {
        return (await events(conversationId, q, '<', 'DESC', beforeSeq)).reverse().map(toEvent);
      },
    },

    cluster: {
      exclusive: (name, work) => cluster.exclusive(name, work),
      lead: (name, on) => cluster.lead(name, on),
      async ping() {
        await pool.query('SELECT 1');
      },
    },

    write: (request) => writer.write(request),
    flush: () => writer.flush(),

    async close() {
      await cluster.stopAll();
      try {
        await writer.close();
      } finally {
        await pool.end();
      }
    },
  };

  const guardedStore = guarded(store, ready, health);
  return Object.assign(guardedStore, {
    ready,
    // Closing does not wait for a start that never succeeded.
    close: async () => {
      await starting?.catch(() => {});
      await store.close();
    },
  });
}

