/**
 * @module The SQLite implementation of the Store port (better-sqlite3 through Drizzle; the message write
 * path through prepared statements in writes.ts). One connection: better-sqlite3 is synchronous, so reads
 * run between group commits and always see committed data.
 */
import type Database from 'better-sqlite3';
import { and, desc, eq, gt, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import { isStorageFailure, StorageHealth, storageUnavailable } from '../storage-health';
import {
  agents,
  agentSessions,
  blocks,
  cannedReplies,
  events,
  queueMembers,
  queues,
  settings,
  sites,
  visitors,
  wrapUpReasons,
} from '../schema';
import type { AgentPatch, ConversationFilter, EventQuery, SitePatch, Store } from '../store';
import { utcDay } from '../../domain/refused-origins';
import { GroupCommitter } from './committer';
import { openSqlite } from './driver';
import { conversationLookups, toConversation, toEvent, type ConversationRow, type EventRow } from './rows';
import { sqliteTickets } from './tickets';
import { sqliteInternalChat } from './internal-chat';
import { sqliteAttachments } from './attachments';
import { searchQueueApplier, sqliteSearch } from './search';
import { prepareWrites } from './writes';

/** Titles and labels sort the same on every server, whatever its locale; case and accents do not split them. */
const collator = new Intl.Collator('und', { sensitivity: 'base', numeric: true });

/** Case-insensitive for every script (SQLite's lower() folds ASCII only). */
const fold = (s: string) => s.toLowerCase();

/** The fields of `patch` that are set (undefined means "leave as is"). */
function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every field a patch of T may set, listed once: a field added to T and not here fails to compile. */
type PatchFields<T> = { readonly [K in keyof Required<T>]: true };

const SITE_PATCH: PatchFields<SitePatch> = { name: true, allowedOrigins: true, defaultQueueId: true, botWebhookUrl: true, botTokenHash: true, ticketing: true, masking: true, widget: true, identitySecret: true };
const AGENT_PATCH: PatchFields<AgentPatch> = { name: true, role: true, capacity: true, availability: true, availabilitySince: true, prefs: true, passwordHash: true, disabled: true };

/**
 * Writes the fields of `patch` that `fields` names and that are set (a caller's object may carry more; undefined
 * means "leave as is"), nothing when none is, then reads the row back: null when there is no such row.
 */
function patchAndReread<P extends object, R>(patch: P, fields: PatchFields<P>, write: (set: Partial<P>) => void, reread: () => R): R {
  const set = defined(Object.fromEntries(Object.keys(fields).map((k) => [k, patch[k as keyof P]])) as Partial<P>);
  if (Object.keys(set).length > 0) write(set);
  return reread();
}

/** A UNIQUE constraint failed (better-sqlite3's error, or Drizzle's wrapper around it). */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  }
  return false;
}

/**
 * Every method of every part of the store, with a storage failure turned into AppError
 * `storage_unavailable` and counted in the episode (SPEC D15). Every method of the Store port is async, so
 * one rejection handler covers them all, reads included (a failing disk fails reads too).
 */
function guarded(store: Store, health: StorageHealth): Store {
  const wrap = (part: object, prefix: string): object =>
    Object.fromEntries(
      Object.entries(part).map(([name, member]) => {
        const op = prefix + name;
        if (typeof member !== 'function') return [name, wrap(member as object, `${op}.`)];
        const method = member as (...args: unknown[]) => Promise<unknown>;
        return [
          name,
          (...args: unknown[]) =>
            method.apply(part, args).catch((err: unknown) => {
              if (!isStorageFailure(err)) throw err;
              health.refused(err, op);
              throw storageUnavailable();
            }),
        ];
      }),
    );
  return wrap(store, '') as Store;
}

/** Runs `work`; a UNIQUE violation becomes AppError `conflict`. */
function unique<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict');
    throw err;
  }
}

export interface SqliteStoreOptions {
  /** Where a storage episode (SPEC D15) and a failed checkpoint at close are told; default silent. */
  log?: Logger;
  now?: () => number;
  /** Sees the connection once it is open and migrated (a test caps its size with `max_page_count`). */
  onOpen?: (sqlite: Database.Database) => void;
  /** Arms the periodic `PRAGMA optimize` (a test drives it); default the process's own, unref'd. */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
}

/** Issue 12: how often the planner's statistics are refreshed (`PRAGMA optimize`). */
export const OPTIMIZE_EVERY_MS = 60 * 60_000;

/**
 * Issue 12: the planner chooses between the partial indexes of `conversations` by their statistics. At open,
 * `optimize=0x10002` analyses every table that has none yet or has changed much, each read capped by
 * `analysis_limit` (rows sampled per index) so a large database costs tens of ms, not a full ANALYZE; then
 * every hour the plain `optimize` does what has become worth doing since (SQLite's advice for long-lived
 * connections).
 */
function optimizer(sqlite: Database.Database, log: Logger, timers: NonNullable<SqliteStoreOptions['timers']>) {
  const run = (mask: string): void => {
    try {
      sqlite.pragma(`optimize${mask}`);
    } catch (err) {
      // Statistics are a help to the planner, not data: a busy or full disk leaves the old ones.
      log.warn('PRAGMA optimize failed; the planner keeps the statistics it had', { cause: (err as Error).message });
    }
  };
  sqlite.pragma('analysis_limit = 400');
  run(' = 0x10002');
  let handle: unknown = null;
  const arm = (): void => {
    handle = timers.setTimeout(() => {
      run('');
      arm();
    }, OPTIMIZE_EVERY_MS);
    (handle as { unref?: () => void } | null)?.unref?.();
  };
  arm();
  return { stop: () => timers.clearTimeout(handle) };
}

/**
 * Opens (creating when needed) the database at `path` and applies migrations.
 *
 * @example const store = createSqliteStore('./data/papo.db')
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const { sqlite, db } = openSqlite(path);
  options.onOpen?.(sqlite);
  const log = options.log ?? silentLogger;
  const health = new StorageHealth(log, options.now ?? Date.now, { database: path });
  const applySearchQueue = searchQueueApplier(sqlite);
  const committer = new GroupCommitter(sqlite, () => health.committed(), applySearchQueue);
  /** A write outside the committer that may change an indexed text: it and its index writes in one transaction. */
  const indexed = sqlite.transaction(<T>(write: () => T): T => {
    const result = write();
    applySearchQueue();
    return result;
  });
  const lookups = conversationLookups(sqlite);
  const writes = prepareWrites(sqlite, lookups);

  /** conversations.list: one statement per combination of filters, prepared on first use. */
  const listStatements = new Map<string, ReturnType<typeof sqlite.prepare<unknown[], ConversationRow>>>();
  /**
   * One keyset read in the lists' order (newest activity first, ties by id). Each filter is a plain term, so
   * the planner serves the closed lists from an index in that order (conversations_closed*, issue 12).
   * `guest`: only those this agent joined as a conference guest.
   */
  function listRows(filter: ConversationFilter, guest?: string): ConversationRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    // 'closed' and ['closed'] are one filter, read the same way.
    const statuses: readonly string[] | undefined = typeof filter.status === 'string' ? [filter.status] : filter.status;
    const closedOnly = statuses !== undefined && statuses.length === 1 && statuses[0] === 'closed';
    // A closed list by label walks that label's rows of conversation_labels (in list order) and joins each
    // conversation: a rare label reads only its rows, never every closed conversation (issue 12).
    const byLabel = closedOnly && filter.label !== undefined;
    const c = byLabel ? 'c.' : '';
    const l = byLabel ? 'l.' : c;
    if (statuses !== undefined) {
      if (statuses.length === 0) return [];
      // Written out, not bound: the partial indexes' WHERE names the status, and SQLite matches it to a literal
      // when it prepares the statement (INDEXED BY is checked then too). Only the three statuses are written.
      const literal = (status: string) => {
        if (status !== 'open' && status !== 'ended' && status !== 'closed') throw new Error(`unknown status ${status}`);
        return `'${status}'`;
      };
      where.push(statuses.length === 1 ? `${c}status = ${literal(statuses[0]!)}` : `status IN (${statuses.map(literal).join(', ')})`);
    }
    if (filter.archived !== undefined) {
      where.push(`${l}archived = ?`);
      params.push(filter.archived ? 1 : 0);
    }
    // Live conversations only: conversations_status reads just them. The unary + keeps the planner (without
    // statistics, or with stale ones) from reading every conversation the queue ever had on conversations_queue.
    const live = statuses !== undefined && !statuses.includes('closed');
    for (const [column, value] of [
      ['site_id', filter.siteId],
      ['visitor_id', filter.visitorId],
      ['assigned_agent_id', filter.agentId],
      [live ? '+queue_id' : 'queue_id', filter.queueId],
      ['priority', filter.priority],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${c}${column} = ?`);
      params.push(value);
    }
    if (byLabel) {
      where.push('l.label = ?');
      params.push(filter.label);
    } else if (filter.label !== undefined) {
      where.push(`labels_json <> '[]' AND EXISTS (SELECT 1 FROM json_each(labels_json) WHERE value = ?)`);
      params.push(filter.label);
    }
    if (guest !== undefined) {
      // The term `participants_json <> '[]'` is conversations_closed_guests' own: the planner reads that index,
      // which holds the guests, so rows of other agents' conferences are passed over without reading them.
      // instr() is a quick test on that text (JSON.stringify escapes any quote inside a name, so `"id":"<id>"`
      // only matches an id); json_each confirms it.
      where.push(
        `${c}participants_json <> '[]' AND instr(${c}participants_json, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(${c}participants_json) WHERE value ->> 'id' = ?)`,
      );
      params.push(JSON.stringify({ id: guest }).slice(1, -1), guest);
    }
    if (filter.after !== undefined) {
      where.push(byLabel ? '(l.updated_at, l.conversation_id) < (?, ?)' : '(updated_at, id) < (?, ?)');
      params.push(filter.after.updatedAt, filter.after.id);
    }
    // Named: the planner cannot tell that the guests' index answers the instr() test without reading rows, and
    // would walk every closed conversation on conversations_closed instead. Also without `archived` (both
    // lists at once): the index then holds the rows in two runs and they are sorted, but only conferences'.
    const indexed = guest !== undefined && closedOnly && !byLabel ? ' INDEXED BY conversations_closed_guests' : '';
    // CROSS JOIN: SQLite keeps the left table outside, so the label's rows drive, in their index's order.
    const from = byLabel
      ? 'SELECT c.* FROM conversation_labels l CROSS JOIN conversations c ON c.id = l.conversation_id'
      : `SELECT * FROM conversations${indexed}`;
    const order = byLabel ? 'l.updated_at DESC, l.conversation_id DESC' : 'updated_at DESC, id DESC';
    const text = `${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    let statement = listStatements.get(text);
    if (!statement) listStatements.set(text, (statement = sqlite.prepare<unknown[], ConversationRow>(text)));
    return statement.all(...params, filter.limit);
  }

  /**
   * `heldBy` (a plain agent's closed lists, R10): those it holds, read on conversations_closed_agent, merged
   * with those it joined as a guest, read on conversations_closed_guests (with a label, both on that label's
   * rows of conversation_labels). Two index reads in list order instead of one walk over everything closed
   * checking each row.
   */
  function listConversations(filter: ConversationFilter): ConversationRow[] {
    const { heldBy, ...rest } = filter;
    if (heldBy === undefined) return listRows(rest);
    const held = rest.agentId === undefined || rest.agentId === heldBy ? listRows({ ...rest, agentId: heldBy }) : [];
    const joined = listRows(rest, heldBy);
    if (joined.length === 0) return held;
    // Both in list order; one the agent holds and is also a guest in comes in both, and is taken once.
    const merged: ConversationRow[] = [];
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

  // SPEC R2: higher priority first, then the longest wait. Issue 12: read from conversations_waiting, which
  // holds exactly these rows in this order; without statistics the planner would read every open row on
  // conversations_status and sort them (live rows only, but a routing pass does this often).
  const waitingConversations = sqlite.prepare<[], ConversationRow>(
    `SELECT * FROM conversations INDEXED BY conversations_waiting
     WHERE status = 'open' AND assigned_agent_id IS NULL AND bot = 0 AND offer_agent_id IS NULL
     ORDER BY priority DESC, COALESCE(queued_at, created_at), id`,
  );
  // Issue 12: the WHERE is conversations_timers' own, so this reads that partial index alone (the rows with
  // a timer), not every conversation ever (it did, on every routing pass and sweep).
  const conversationsWithTimers = sqlite.prepare<[], ConversationRow>(
    'SELECT * FROM conversations WHERE offer_agent_id IS NOT NULL OR request_json IS NOT NULL ORDER BY id',
  );
  // The WHERE repeats conversations_assigned_active's own (`status IN ('open', 'ended')`), so that partial
  // index can serve it alone: only the conversations agents hold, grouped in its order. Named, as for waiting:
  // with few rows' statistics the planner would rather read every open row on conversations_status and sort.
  const agentLoads = sqlite.prepare<[], { agent_id: string; n: number }>(
    `SELECT assigned_agent_id AS agent_id, count(*) AS n FROM conversations INDEXED BY conversations_assigned_active
     WHERE status IN ('open', 'ended') AND status = 'open' AND assigned_agent_id IS NOT NULL GROUP BY assigned_agent_id`,
  );
  const stickyAgent = sqlite
    .prepare<[string, string], string>(
      `SELECT assigned_agent_id FROM conversations
       WHERE visitor_id = ? AND status = 'ended' AND id <> ? AND assigned_agent_id IS NOT NULL
       ORDER BY created_at DESC, id DESC LIMIT 1`,
    )
    .pluck();
  const deleteConversation = sqlite.prepare<[string]>('DELETE FROM conversations WHERE id = ?');
  // SPEC W2: MAX and MIN in the statement, so the value only rises and never passes last_seq.
  const markSeenBy = {
    agent: sqlite.prepare<[{ seq: number; id: string }], ConversationRow>(
      `UPDATE conversations SET agent_seen_seq = MIN(@seq, last_seq)
       WHERE id = @id AND agent_seen_seq < MIN(@seq, last_seq) RETURNING *`,
    ),
    visitor: sqlite.prepare<[{ seq: number; id: string }], ConversationRow>(
      `UPDATE conversations SET visitor_seen_seq = MIN(@seq, last_seq)
       WHERE id = @id AND visitor_seen_seq < MIN(@seq, last_seq) RETURNING *`,
    ),
  };
  // SPEC W7: at most 50 rows, so a COUNT per row on the events' primary key is cheap. Within one
  // millisecond the later-made conversation comes first (rowid: insertion order; UUIDv7 ids are not ordered
  // inside a millisecond).
  const visitorConversations = sqlite.prepare<[string, string, number], ConversationRow & { unread: number }>(
    `SELECT c.*, (SELECT count(*) FROM events e
                  WHERE e.conversation_id = c.id AND e.seq > c.visitor_seen_seq
                    AND e.kind = 'message' AND e.author_kind IN ('agent', 'bot')) AS unread
     FROM conversations c WHERE c.site_id = ? AND c.visitor_id = ?
     ORDER BY c.updated_at DESC, c.created_at DESC, c.rowid DESC LIMIT ?`,
  );

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

  const getSite = (id: string) => db.select().from(sites).where(eq(sites.id, id)).get() ?? null;
  const getAgent = (id: string) => db.select(agentColumns).from(agents).where(eq(agents.id, id)).get() ?? null;
  const getQueue = (id: string) => db.select().from(queues).where(eq(queues.id, id)).get() ?? null;
  const getReply = (id: string) => db.select().from(cannedReplies).where(eq(cannedReplies.id, id)).get() ?? null;
  const getReason = (id: string) => db.select().from(wrapUpReasons).where(eq(wrapUpReasons.id, id)).get() ?? null;

  /** Wrap-up labels are unique whatever their case, in every script; the index (ASCII lower()) backs it up. */
  function refuseDuplicateLabel(label: string, exceptId: string | null): void {
    const taken = db
      .select({ id: wrapUpReasons.id, label: wrapUpReasons.label })
      .from(wrapUpReasons)
      .all()
      .some((r) => r.id !== exceptId && fold(r.label) === fold(label));
    if (taken) throw new AppError('conflict');
  }

  const replaceMembersOfQueue = sqlite.transaction((queueId: string, agentIds: readonly string[]) => {
    db.delete(queueMembers).where(eq(queueMembers.queueId, queueId)).run();
    const rows = [...new Set(agentIds)].map((agentId) => ({ queueId, agentId }));
    if (rows.length > 0) db.insert(queueMembers).values(rows).run();
  });
  const replaceQueuesOfAgent = sqlite.transaction((agentId: string, queueIds: readonly string[]) => {
    db.delete(queueMembers).where(eq(queueMembers.agentId, agentId)).run();
    const rows = [...new Set(queueIds)].map((queueId) => ({ queueId, agentId }));
    if (rows.length > 0) db.insert(queueMembers).values(rows).run();
  });
  const removeQueue = sqlite.transaction((id: string): boolean => {
    // A site whose default queue is gone sends new conversations to no queue rather than to a missing one.
    db.update(sites).set({ defaultQueueId: null }).where(eq(sites.defaultQueueId, id)).run();
    return db.delete(queues).where(eq(queues.id, id)).run().changes > 0;
  });

  // Issue 15 (site owners): a site and what belongs to it. Tickets before conversations (a ticket may name
  // one); events, files and labels go with their conversation, entries with their ticket, memberships with
  // their queue (foreign keys and triggers).
  const siteParts = ['tickets', 'conversations', 'visitors', 'queues', 'refused_origins'].map((table) => sqlite.prepare<[string]>(`DELETE FROM ${table} WHERE site_id = ?`));
  const deleteSiteRow = sqlite.prepare<[string]>('DELETE FROM sites WHERE id = ?');
  const removeSite = (id: string): boolean => {
    for (const part of siteParts) part.run(id);
    return deleteSiteRow.run(id).changes > 0;
  };
  const recordRefused = sqlite.prepare<[{ siteId: string; origin: string; day: string; at: number; count: number; cap: number }]>(
    `INSERT INTO refused_origins (site_id, origin, day, count, last_at)
     SELECT @siteId, @origin, @day, @count, @at
     WHERE EXISTS (SELECT 1 FROM refused_origins WHERE site_id = @siteId AND origin = @origin AND day = @day)
        OR (SELECT count(*) FROM refused_origins WHERE site_id = @siteId AND day = @day) < @cap
     ON CONFLICT (site_id, origin, day) DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)`,
  );
  const listRefused = sqlite.prepare<[string, string], { origin: string; day: string; count: number; last_at: number }>(
    'SELECT origin, day, count, last_at FROM refused_origins WHERE site_id = ? AND day >= ? ORDER BY last_at DESC, origin',
  );

  function eventFilter(conversationId: string, query: EventQuery, bound: SQL | undefined): SQL | undefined {
    return and(
      eq(events.conversationId, conversationId),
      bound,
      query.kinds ? inArray(events.kind, [...query.kinds]) : undefined,
    );
  }

  const eventColumns = {
    conversation_id: events.conversationId,
    seq: events.seq,
    kind: events.kind,
    author_kind: events.authorKind,
    author_id: events.authorId,
    author_name: events.authorName,
    client_id: events.clientId,
    text: events.text,
    created_at: events.createdAt,
    data: events.data,
    attachments: events.attachments,
  };

  // Armed last: a statement above that fails to prepare (a damaged schema) throws out of here, and must not
  // leave an hourly timer behind on a connection nobody holds.
  const optimize = optimizer(sqlite, log, options.timers ?? (globalThis as NonNullable<SqliteStoreOptions['timers']>));

  return guarded({
    settings: {
      async get(key) {
        return db.select().from(settings).where(eq(settings.key, key)).get()?.value ?? null;
      },
      async getOrSet(key, value) {
        db.insert(settings).values({ key, value }).onConflictDoNothing().run();
        return db.select().from(settings).where(eq(settings.key, key)).get()!.value;
      },
    },

    sites: {
      async byKey(key) {
        return db.select().from(sites).where(eq(sites.key, key)).get() ?? null;
      },
      async byId(id) {
        return getSite(id);
      },
      async list() {
        return db.select().from(sites).orderBy(sites.createdAt, sites.id).all();
      },
      async create(site) {
        db.insert(sites)
          .values({
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
          })
          .run();
      },
      async update(id, patch) {
        return patchAndReread(patch, SITE_PATCH, (set) => db.update(sites).set(set).where(eq(sites.id, id)).run(), () => getSite(id));
      },
      async count() {
        return db.$count(sites);
      },
      // Issue 15 (site owners): ordered with the writes; the search index follows through its triggers.
      delete: (id) => committer.submit(() => removeSite(id)),
    },

    agents: {
      async byEmail(email) {
        return db.select(agentColumns).from(agents).where(eq(agents.email, email.toLowerCase())).get() ?? null;
      },
      async byId(id) {
        return getAgent(id);
      },
      async list() {
        return db.select(agentColumns).from(agents).orderBy(agents.createdAt, agents.id).all();
      },
      async create(agent) {
        db.insert(agents)
          .values({
            id: agent.id,
            email: agent.email.toLowerCase(),
            name: agent.name,
            role: agent.role,
            passwordHash: agent.passwordHash,
            createdAt: agent.createdAt,
            ...defined({
              capacity: agent.capacity,
              availability: agent.availability,
              availabilitySince: agent.availabilitySince,
              prefs: agent.prefs,
            }),
          })
          .run();
      },
      async update(id, patch) {
        return patchAndReread(patch, AGENT_PATCH, (set) => db.update(agents).set(set).where(eq(agents.id, id)).run(), () => getAgent(id));
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
          .orderBy(queues.createdAt, queues.id)
          .all();
      },
      async byId(id) {
        return getQueue(id);
      },
      async create(queue) {
        unique(() =>
          db
            .insert(queues)
            .values({
              id: queue.id,
              siteId: queue.siteId,
              name: queue.name,
              strategy: queue.strategy,
              offerTimeoutMs: queue.offerTimeoutMs,
              createdAt: queue.createdAt,
            })
            .run(),
        );
      },
      async update(id, patch) {
        const set = defined({ name: patch.name, strategy: patch.strategy, offerTimeoutMs: patch.offerTimeoutMs });
        if (Object.keys(set).length > 0) unique(() => db.update(queues).set(set).where(eq(queues.id, id)).run());
        return getQueue(id);
      },
      async delete(id) {
        return removeQueue(id);
      },
      async memberships() {
        const rows = db
          .select({ agentId: queueMembers.agentId, queueId: queueMembers.queueId })
          .from(queueMembers)
          .innerJoin(queues, eq(queues.id, queueMembers.queueId))
          .orderBy(queues.createdAt, queues.id)
          .all();
        const byAgent = new Map<string, string[]>();
        for (const { agentId, queueId } of rows) {
          const list = byAgent.get(agentId);
          if (list) list.push(queueId);
          else byAgent.set(agentId, [queueId]);
        }
        return byAgent;
      },
      async setMembers(queueId, agentIds) {
        replaceMembersOfQueue(queueId, agentIds);
      },
      async setQueuesOf(agentId, queueIds) {
        replaceQueuesOfAgent(agentId, queueIds);
      },
    },

    visitors: {
      async byId(id) {
        return db.select().from(visitors).where(eq(visitors.id, id)).get() ?? null;
      },
      async byEmail(email) {
        return db.select().from(visitors).where(sql`lower(${visitors.email}) = lower(${email})`).orderBy(visitors.createdAt).all();
      },
      delete: (id) => committer.submit(() => db.delete(visitors).where(eq(visitors.id, id)).run().changes > 0),
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
        if (Object.keys(set).length > 0) indexed(() => insert.onConflictDoUpdate({ target: visitors.id, set }).run());
        else insert.onConflictDoNothing().run();
      },
      async byExternalId(siteId, externalId) {
        return db.select().from(visitors).where(and(eq(visitors.siteId, siteId), eq(visitors.externalId, externalId))).get() ?? null;
      },
      async identify(siteId, externalId, candidateId, fields, at) {
        // Read and write with no await between them on the one synchronous connection: two first sights
        // cannot both insert (and the partial unique index (site, external id) would refuse it anyway).
        const byExternal = () => db.select().from(visitors).where(and(eq(visitors.siteId, siteId), eq(visitors.externalId, externalId))).get();
        const known = byExternal();
        if (!known) {
          db.insert(visitors).values({ id: candidateId, siteId, externalId, createdAt: at, name: fields.name, email: fields.email }).run();
          return byExternal()!;
        }
        const set = defined({ name: fields.name ?? undefined, email: fields.email ?? undefined });
        if (Object.keys(set).length === 0) return known;
        indexed(() => db.update(visitors).set(set).where(eq(visitors.id, known.id)).run());
        return { ...known, ...set };
      },
    },

    cannedReplies: {
      async list(query) {
        const rows = db
          .select()
          .from(cannedReplies)
          .where(
            and(
              query.category === undefined ? undefined : sql`lower(${cannedReplies.category}) = lower(${query.category})`,
              query.language === undefined ? undefined : sql`lower(${cannedReplies.language}) = lower(${query.language})`,
            ),
          )
          .all();
        const needle = query.text === undefined ? '' : fold(query.text.trim());
        return rows
          .filter((r) => needle === '' || fold(r.title).includes(needle) || fold(r.text).includes(needle))
          .sort((a, b) => collator.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },
      async byId(id) {
        return getReply(id);
      },
      async create(reply) {
        db.insert(cannedReplies)
          .values({
            id: reply.id,
            title: reply.title,
            text: reply.text,
            category: reply.category,
            language: reply.language,
            createdAt: reply.createdAt,
            updatedAt: reply.updatedAt,
          })
          .run();
      },
      async update(id, patch, at) {
        const set = defined({ title: patch.title, text: patch.text, category: patch.category, language: patch.language });
        db.update(cannedReplies)
          .set({ ...set, updatedAt: at })
          .where(eq(cannedReplies.id, id))
          .run();
        return getReply(id);
      },
      async delete(id) {
        return db.delete(cannedReplies).where(eq(cannedReplies.id, id)).run().changes > 0;
      },
    },

    tickets: sqliteTickets(sqlite, committer),
    internalChat: sqliteInternalChat(sqlite, committer),
    attachments: sqliteAttachments(sqlite, committer),
    search: sqliteSearch(sqlite, lookups),

    // Issue 15 (site owners): one statement decides count-or-skip, so a flood of origins stays at `cap` rows.
    refusedOrigins: {
      async record(siteId, origin, at, { count, cap }) {
        return recordRefused.run({ siteId, origin, day: utcDay(at), at, count, cap }).changes > 0;
      },
      async list(siteId, since) {
        return listRefused.all(siteId, utcDay(since)).map((r) => ({ origin: r.origin, day: r.day, count: r.count, lastAt: r.last_at }));
      },
      async clear(siteId, origin) {
        sqlite.prepare('DELETE FROM refused_origins WHERE site_id = ? AND origin = ?').run(siteId, origin);
      },
    },

    wrapUpReasons: {
      async list() {
        return db
          .select()
          .from(wrapUpReasons)
          .all()
          .sort((a, b) => collator.compare(a.label, b.label) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },
      async byId(id) {
        return getReason(id);
      },
      async create(reason) {
        refuseDuplicateLabel(reason.label, null);
        unique(() => db.insert(wrapUpReasons).values({ id: reason.id, label: reason.label, createdAt: reason.createdAt }).run());
      },
      async update(id, label) {
        if (getReason(id) === null) return null;
        refuseDuplicateLabel(label, id);
        unique(() => db.update(wrapUpReasons).set({ label }).where(eq(wrapUpReasons.id, id)).run());
        return getReason(id);
      },
      async delete(id) {
        return db.delete(wrapUpReasons).where(eq(wrapUpReasons.id, id)).run().changes > 0;
      },
    },

    sessions: {
      async create(session) {
        db.insert(agentSessions).values(session).run();
      },
      async find(tokenHash, now) {
        const row = db
          .select({ agent: agentColumns })
          .from(agentSessions)
          .innerJoin(agents, eq(agents.id, agentSessions.agentId))
          .where(and(eq(agentSessions.tokenHash, tokenHash), gt(agentSessions.expiresAt, now), eq(agents.disabled, false)))
          .get();
        return row?.agent ?? null;
      },
      async deleteForAgent(agentId) {
        return db.delete(agentSessions).where(eq(agentSessions.agentId, agentId)).run().changes;
      },
      async delete(tokenHash) {
        db.delete(agentSessions).where(eq(agentSessions.tokenHash, tokenHash)).run();
      },
      async deleteExpired(now) {
        return db.delete(agentSessions).where(lt(agentSessions.expiresAt, now + 1)).run().changes;
      },
    },

    blocks: {
      async list() {
        return db.select().from(blocks).orderBy(desc(blocks.createdAt), desc(blocks.id)).all();
      },
      async create(block) {
        db.insert(blocks).values(block).run();
      },
      async delete(id) {
        return db.delete(blocks).where(eq(blocks.id, id)).run().changes > 0;
      },
    },

    conversations: {
      async byId(id) {
        const row = lookups.byId.get(id);
        return row ? toConversation(row) : null;
      },
      async openForVisitor(visitorId) {
        const row = lookups.openForVisitor.get(visitorId);
        return row ? toConversation(row) : null;
      },
      async list(filter) {
        return listConversations(filter).map(toConversation);
      },
      async waiting() {
        return waitingConversations.all().map(toConversation);
      },
      async withTimers() {
        return conversationsWithTimers.all().map(toConversation);
      },
      async loads() {
        return new Map(agentLoads.all().map((r) => [r.agent_id, r.n]));
      },
      async stickyAgentFor(visitorId, exceptId) {
        return stickyAgent.get(visitorId, exceptId) ?? null;
      },
      // Through the committer: a write submitted before the delete is decided before it, not after.
      delete: (id) => committer.submit(() => deleteConversation.run(id).changes > 0),
      markSeen: (id, by, seq) =>
        committer.submit(() => {
          const row = markSeenBy[by].get({ seq, id });
          if (!row) return null;
          return { seq: by === 'agent' ? row.agent_seen_seq! : row.visitor_seen_seq!, conversation: toConversation(row) };
        }),
      async forVisitor(siteId, visitorId, limit) {
        return visitorConversations.all(siteId, visitorId, limit).map((row) => {
          const c = toConversation(row);
          return { id: c.id, status: c.status, createdAt: c.createdAt, updatedAt: c.updatedAt, lastSeq: c.lastSeq, lastMessage: c.lastMessage, unread: row.unread };
        });
      },
    },

    events: {
      async after(conversationId, afterSeq, query) {
        const rows: EventRow[] = db
          .select(eventColumns)
          .from(events)
          .where(eventFilter(conversationId, query, gt(events.seq, afterSeq)))
          .orderBy(events.seq)
          .limit(query.limit)
          .all();
        return rows.map(toEvent);
      },
      async before(conversationId, beforeSeq, query) {
        const rows: EventRow[] = db
          .select(eventColumns)
          .from(events)
          .where(eventFilter(conversationId, query, beforeSeq === null ? undefined : lt(events.seq, beforeSeq)))
          .orderBy(desc(events.seq))
          .limit(query.limit)
          .all();
        return rows.reverse().map(toEvent);
      },
    },

    cluster: {
      // One process owns the file: nothing to exclude and nobody to lead but this node.
      exclusive: (_name, work) => work(),
      async lead(_name, on) {
        on.gained();
        return {
          async stop() {
            on.lost();
          },
        };
      },
      async ping() {
        sqlite.prepare('SELECT 1').get();
      },
    },

    write: (request) => committer.submit(() => writes.write(request)),
    flush: () => committer.flush(),

    async close() {
      optimize.stop();
      await committer.close();
      try {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
      } catch (err) {
        // SPEC D12, D15: a full disk cannot take the checkpoint. Every commit is already in the WAL, which
        // stays beside the database and is replayed when it is next opened: the database is closed anyway.
        if (!isStorageFailure(err)) throw err;
        log.warn('could not checkpoint the WAL at close (storage unavailable); it is kept and replayed at the next start', {
          database: path,
          code: (err as { code?: unknown }).code,
          cause: (err as Error).message,
        });
      } finally {
        sqlite.close();
      }
    },
  }, health);
}

