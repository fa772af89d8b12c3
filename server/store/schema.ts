/**
 * @module Drizzle tables of the SQLite store. Migrations in ./migrations are generated from this file
 * (`npm run db:generate`) and committed; the server applies them at start.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const sites = sqliteTable('sites', {
  id: text('id').primaryKey(),
  /** Public key in the widget's script tag. Not a secret. */
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
  createdAt: integer('created_at').notNull(),
});

export const agents = sqliteTable('agents', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const agentSessions = sqliteTable(
  'agent_sessions',
  {
    /** SHA-256 of the cookie's token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('agent_sessions_agent').on(t.agentId)],
);

export const visitors = sqliteTable('visitors', {
  id: text('id').primaryKey(),
  siteId: text('site_id')
    .notNull()
    .references(() => sites.id),
  name: text('name'),
  createdAt: integer('created_at').notNull(),
});

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    visitorId: text('visitor_id')
      .notNull()
      .references(() => visitors.id),
    visitorName: text('visitor_name'),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    assignedAgentId: text('assigned_agent_id').references(() => agents.id),
    assignedAgentName: text('assigned_agent_name'),
    /** Highest event sequence; the next event gets lastSeq + 1 (SPEC D1). */
    lastSeq: integer('last_seq').notNull().default(0),
    lastMessageText: text('last_message_text'),
    lastMessageAuthorKind: text('last_message_author_kind', { enum: ['visitor', 'agent', 'system'] }),
    lastMessageAt: integer('last_message_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Not (status, updated_at): updated_at changes with every message, and keeping that index in step cost
    // a page write per commit. Open conversations are few; sorting them on read is cheap.
    index('conversations_status').on(t.status),
    // A visitor's conversations: history, and SPEC D3's duplicate check for messages without a conversation.
    index('conversations_visitor').on(t.visitorId),
    // SPEC C3: one open conversation per visitor, even when two tabs start one at the same moment.
    uniqueIndex('conversations_one_open_per_visitor').on(t.visitorId).where(sql`status = 'open'`),
  ],
);

/**
 * The event log. The migration creates it WITHOUT ROWID (hand-added to the generated SQL; Drizzle's schema
 * cannot say it): the table is then the (conversation_id, seq) B-tree itself, so an insert writes one fewer
 * B-tree than a rowid table plus its primary-key index. Fewer pages per commit, shorter fsyncs.
 */
export const events = sqliteTable(
  'events',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    authorKind: text('author_kind', { enum: ['visitor', 'agent', 'system'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    /** The sender's UUID for the message: the idempotency key within the conversation (SPEC D3). */
    clientId: text('client_id'),
    text: text('text'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    uniqueIndex('events_conversation_client').on(t.conversationId, t.clientId).where(sql`client_id IS NOT NULL`),
  ],
);
