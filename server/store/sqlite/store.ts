/**
 * @module The SQLite implementation of the Store port (better-sqlite3 through Drizzle; the message write
 * path through prepared statements in writes.ts). One connection: better-sqlite3 is synchronous, so reads
 * run between group commits and always see committed data.
 */
import { and, desc, eq, gt, inArray, lt, type SQL } from 'drizzle-orm';
import { agents, agentSessions, events, settings, sites } from '../schema';
import type { EventQuery, Store } from '../store';
import { GroupCommitter } from './committer';
import { openSqlite } from './driver';
import { conversationLookups, toConversation, toEvent, type ConversationRow, type EventRow } from './rows';
import { prepareWrites } from './writes';

/**
 * Opens (creating when needed) the database at `path` and applies migrations.
 *
 * @example const store = createSqliteStore('./data/papo.db')
 */
export function createSqliteStore(path: string): Store {
  const { sqlite, db } = openSqlite(path);
  const committer = new GroupCommitter(sqlite);
  const lookups = conversationLookups(sqlite);
  const writes = prepareWrites(sqlite, lookups);

  const conversationsByStatus = sqlite.prepare<[string, number], ConversationRow>(
    'SELECT * FROM conversations WHERE status = ? ORDER BY updated_at DESC LIMIT ?',
  );
  const conversationsAll = sqlite.prepare<[number], ConversationRow>(
    'SELECT * FROM conversations ORDER BY updated_at DESC LIMIT ?',
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
  };

  return {
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
        return db.select().from(sites).where(eq(sites.id, id)).get() ?? null;
      },
      async list() {
        return db.select().from(sites).orderBy(sites.createdAt).all();
      },
      async create(site) {
        db.insert(sites).values(site).run();
      },
      async count() {
        return db.$count(sites);
      },
    },

    agents: {
      async byEmail(email) {
        return db.select().from(agents).where(eq(agents.email, email.toLowerCase())).get() ?? null;
      },
      async byId(id) {
        return db.select().from(agents).where(eq(agents.id, id)).get() ?? null;
      },
      async create(agent) {
        db.insert(agents).values({ ...agent, email: agent.email.toLowerCase() }).run();
      },
      async count() {
        return db.$count(agents);
      },
    },

    sessions: {
      async create(session) {
        db.insert(agentSessions).values(session).run();
      },
      async find(tokenHash, now) {
        const row = db
          .select({ agent: agents })
          .from(agentSessions)
          .innerJoin(agents, eq(agents.id, agentSessions.agentId))
          .where(and(eq(agentSessions.tokenHash, tokenHash), gt(agentSessions.expiresAt, now)))
          .get();
        return row?.agent ?? null;
      },
      async delete(tokenHash) {
        db.delete(agentSessions).where(eq(agentSessions.tokenHash, tokenHash)).run();
      },
      async deleteExpired(now) {
        return db.delete(agentSessions).where(lt(agentSessions.expiresAt, now + 1)).run().changes;
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
        const rows = filter.status ? conversationsByStatus.all(filter.status, filter.limit) : conversationsAll.all(filter.limit);
        return rows.map(toConversation);
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

    write: (request) => committer.submit(() => writes.write(request)),
    flush: () => committer.flush(),

    async close() {
      await committer.close();
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      sqlite.close();
    },
  };
}

