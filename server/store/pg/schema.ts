/**
 * @module Drizzle tables of the PostgreSQL store (issue 14). Same tables and column names as the SQLite schema
 * (../schema.ts), so raw SQL reads the same on both; schema-parity.test.ts fails when the two drift. Migrations
 * in ./migrations are generated from this file (`npm run db:generate`) and committed; the store applies them at
 * start under an advisory lock (driver.ts).
 *
 * Types: millisecond times are `bigint` read as JS numbers (driver.ts sets the int8 parser); booleans are
 * `boolean`; JSON stays `text` (a hot row is read far more often than it is queried inside, and text costs no
 * parse in the database). PostgreSQL-only: `conversations.ord` (insertion order, SQLite's rowid), `counters`
 * (ticket numbers taken in the write transaction) and `attachment_blobs` (files' bytes, so every node serves
 * them).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { BLOCK_KINDS, type SiteTicketing, type SiteWidget, type TicketEntry } from '../../../shared/api';

/** A JSON value kept as `text` (SQLite's `text(..., { mode: 'json' })`): stringified on write, parsed on read. */
const jsonText = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => JSON.parse(value) as T,
  })(name);

/** Milliseconds since the epoch (or any count past 2^31) as a JS number: values stay below 2^53. */
const ms = (name: string) => bigint(name, { mode: 'number' });

/** Binary data (attachment_blobs.bytes); drizzle's pg-core has no bytea builder. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  allowedOrigins: jsonText<string[]>('allowed_origins').notNull(),
  createdAt: ms('created_at').notNull(),
  defaultQueueId: text('default_queue_id'),
  botWebhookUrl: text('bot_webhook_url'),
  botTokenHash: text('bot_token_hash'),
  ticketing: jsonText<SiteTicketing>('ticketing'),
  masking: text('masking', { enum: ['off', 'mask', 'redact'] }).notNull().default('off'),
  widget: jsonText<SiteWidget>('widget'),
  identitySecret: text('identity_secret'),
});

export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: ms('created_at').notNull(),
  capacity: integer('capacity').notNull().default(3),
  availability: text('availability', { enum: ['available', 'unavailable', 'rona'] }).notNull().default('available'),
  availabilitySince: ms('availability_since').notNull().default(0),
  disabled: boolean('disabled').notNull().default(false),
  prefs: jsonText<{ sound: boolean; preview: boolean }>('prefs')
    .notNull()
    .default(sql`'{"sound":true,"preview":true}'`),
});

export const agentSessions = pgTable(
  'agent_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('agent_sessions_agent').on(t.agentId)],
);

export const visitors = pgTable(
  'visitors',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    name: text('name'),
    email: text('email'),
    lastPageUrl: text('last_page_url'),
    lastPageTitle: text('last_page_title'),
    referrer: text('referrer'),
    userAgent: text('user_agent'),
    lastSeenAt: ms('last_seen_at'),
    createdAt: ms('created_at').notNull(),
    externalId: text('external_id'),
  },
  (t) => [
    // SPEC W6: one visitor per (site, user id); `identify` is an INSERT ... ON CONFLICT on this index.
    uniqueIndex('visitors_site_external').on(t.siteId, t.externalId).where(sql`external_id IS NOT NULL`),
    index('visitors_email').on(sql`lower(${t.email})`),
  ],
);

export const queues = pgTable(
  'queues',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    name: text('name').notNull(),
    strategy: text('strategy', { enum: ['broadcast', 'round_robin', 'least_busy'] }).notNull(),
    offerTimeoutMs: integer('offer_timeout_ms').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  // PostgreSQL's lower() folds every script in a UTF8 database, so here the index alone keeps names unique.
  (t) => [uniqueIndex('queues_site_name').on(t.siteId, sql`lower(${t.name})`)],
);

export const queueMembers = pgTable(
  'queue_members',
  {
    queueId: text('queue_id')
      .notNull()
      .references(() => queues.id, { onDelete: 'cascade' }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.agentId] }), index('queue_members_agent').on(t.agentId)],
);

export const cannedReplies = pgTable('canned_replies', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  text: text('text').notNull(),
  category: text('category').notNull(),
  language: text('language').notNull(),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const wrapUpReasons = pgTable(
  'wrap_up_reasons',
  {
    id: text('id').primaryKey(),
    label: text('label').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('wrap_up_reasons_label').on(sql`lower(${t.label})`)],
);

/**
 * One row per conversation, updated by every message (last_seq, last message, updated_at). That update changes
 * no indexed column (the closed lists key on closed_updated_at), and migration 0001 sets `fillfactor = 70` so it
 * finds room on its page: it stays a HOT update, which writes no index entry (pg/migrations.test.ts).
 */
export const conversations = pgTable(
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
    status: text('status', { enum: ['open', 'ended', 'closed'] }).notNull(),
    assignedAgentId: text('assigned_agent_id').references(() => agents.id),
    assignedAgentName: text('assigned_agent_name'),
    lastSeq: integer('last_seq').notNull().default(0),
    lastMessageText: text('last_message_text'),
    lastMessageAuthorKind: text('last_message_author_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }),
    lastMessageAt: ms('last_message_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    queueId: text('queue_id'),
    queuedAt: ms('queued_at'),
    priority: integer('priority').notNull().default(1),
    bot: boolean('bot').notNull().default(false),
    offerAgentId: text('offer_agent_id'),
    offerAgentName: text('offer_agent_name'),
    offerExpiresAt: ms('offer_expires_at'),
    requestJson: text('request_json'),
    participantsJson: text('participants_json').notNull().default('[]'),
    labelsJson: text('labels_json').notNull().default('[]'),
    requesterEmail: text('requester_email'),
    wrapUpReason: text('wrap_up_reason'),
    archived: boolean('archived').notNull().default(false),
    firstMessageText: text('first_message_text'),
    agentSeenSeq: integer('agent_seen_seq').notNull().default(0),
    visitorSeenSeq: integer('visitor_seen_seq').notNull().default(0),
    proactive: boolean('proactive').notNull().default(false),
    /**
     * PostgreSQL only: the insertion order, SQLite's rowid. UUIDv7 ids are random inside a millisecond, and a
     * visitor's history (forVisitor) puts the later-made of two conversations of one millisecond first.
     */
    ord: bigint('ord', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    /**
     * PostgreSQL only: updated_at of a closed conversation, null while it is live; the closed lists' indexes key
     * on it instead of updated_at. PostgreSQL makes an update HOT (no index entry written) only when no indexed
     * column changes, partial indexes included whatever their WHERE: with updated_at in those indexes every
     * message's update of its live conversation wrote an entry in each of the table's indexes (measured: 0 of
     * 2,000 updates HOT; 95% with this column). A live conversation's value stays null, unchanged.
     */
    closedUpdatedAt: bigint('closed_updated_at', { mode: 'number' }).generatedAlwaysAs(sql`CASE WHEN status = 'closed' THEN updated_at END`),
  },
  (t) => [
    index('conversations_status').on(t.status),
    index('conversations_visitor').on(t.visitorId),
    // SPEC C3: one open conversation per visitor, whichever node starts it.
    uniqueIndex('conversations_one_open_per_visitor').on(t.visitorId).where(sql`status = 'open'`),
    // Issue 14: one waiting offer per agent (R4), enforced by the database even if two routing leaders overlap.
    uniqueIndex('conversations_one_offer_per_agent').on(t.offerAgentId).where(sql`offer_agent_id IS NOT NULL`),
    index('conversations_assigned_active').on(t.assignedAgentId).where(sql`status IN ('open', 'ended')`),
    index('conversations_queue').on(t.queueId),
    index('conversations_timers').on(t.id).where(sql`offer_agent_id IS NOT NULL OR request_json IS NOT NULL`),
    index('conversations_waiting')
      .on(sql`${t.priority} DESC`, sql`coalesce(${t.queuedAt}, ${t.createdAt})`, t.id)
      .where(sql`status = 'open' AND assigned_agent_id IS NULL AND NOT bot AND offer_agent_id IS NULL`),
    // The closed lists key on closed_updated_at (see it above), which equals updated_at on every row they hold.
    index('conversations_closed').on(t.archived, t.closedUpdatedAt, t.id).where(sql`status = 'closed'`),
    index('conversations_closed_queue').on(t.queueId, t.archived, t.closedUpdatedAt, t.id).where(sql`status = 'closed'`),
    index('conversations_closed_agent').on(t.assignedAgentId, t.archived, t.closedUpdatedAt, t.id).where(sql`status = 'closed'`),
    index('conversations_closed_priority').on(t.priority, t.archived, t.closedUpdatedAt, t.id).where(sql`status = 'closed'`),
    // Unlike SQLite's, without participants_json as a key column: a B-tree entry has a size limit (about 2.7 kB)
    // that a long guest list would pass, failing the write. Conferences are few; their rows are read to check.
    index('conversations_closed_guests')
      .on(t.archived, t.closedUpdatedAt, t.id)
      .where(sql`status = 'closed' AND participants_json <> '[]'`),
  ],
);

/**
 * Issue 12: the labels of closed conversations, one row per (conversation, label), in the lists' order. Kept by
 * a trigger on `conversations` (hand-written in migration 0001), as on SQLite.
 */
export const conversationLabels = pgTable(
  'conversation_labels',
  {
    label: text('label').notNull(),
    archived: boolean('archived').notNull(),
    updatedAt: ms('updated_at').notNull(),
    conversationId: text('conversation_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.label, t.archived, t.updatedAt, t.conversationId] }),
    index('conversation_labels_conversation').on(t.conversationId),
  ],
);

export const events = pgTable(
  'events',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    authorKind: text('author_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    clientId: text('client_id'),
    text: text('text'),
    createdAt: ms('created_at').notNull(),
    data: text('data'),
    attachments: text('attachments'),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    uniqueIndex('events_conversation_client').on(t.conversationId, t.clientId).where(sql`client_id IS NOT NULL`),
    // Issue 14: one rating per conversation (SPEC T5), whichever node takes the second.
    uniqueIndex('events_one_rating').on(t.conversationId).where(sql`kind = 'rated'`),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    /** 1, 2, 3... across the server: taken from `counters` inside the write transaction. */
    number: integer('number').notNull().unique(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    status: text('status', { enum: ['open', 'pending', 'solved', 'closed'] }).notNull(),
    type: text('type', { enum: ['question', 'problem', 'incident', 'task'] }).notNull(),
    priority: integer('priority').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    requesterName: text('requester_name'),
    requesterEmail: text('requester_email'),
    requesterVisitorId: text('requester_visitor_id'),
    assigneeId: text('assignee_id').references(() => agents.id, { onDelete: 'set null' }),
    assigneeName: text('assignee_name'),
    conversationId: text('conversation_id'),
    source: text('source', { enum: ['offline_form', 'auto', 'agent'] }).notNull(),
    clientId: text('client_id'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tickets_site_client').on(t.siteId, t.clientId).where(sql`client_id IS NOT NULL`),
    index('tickets_status_updated').on(t.status, t.updatedAt),
    index('tickets_updated').on(t.updatedAt),
    index('tickets_conversation').on(t.conversationId),
    index('tickets_requester_visitor').on(t.requesterVisitorId),
    index('tickets_requester_email').on(sql`lower(${t.requesterEmail})`),
  ],
);

export const ticketEntries = pgTable(
  'ticket_entries',
  {
    id: text('id').primaryKey(),
    ticketId: text('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['note', 'reply', 'change'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    text: text('text'),
    data: jsonText<NonNullable<TicketEntry['data']>>('data'),
    emailed: boolean('emailed'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('ticket_entries_ticket').on(t.ticketId, t.createdAt)],
);

export const blocks = pgTable(
  'blocks',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: BLOCK_KINDS }).notNull(),
    value: text('value').notNull(),
    reason: text('reason'),
    expiresAt: ms('expires_at'),
    createdBy: text('created_by'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('blocks_kind_value').on(t.kind, t.value)],
);

export const attachments = pgTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    uploaderKind: text('uploader_kind', { enum: ['visitor', 'agent'] }).notNull(),
    uploaderId: text('uploader_id').notNull(),
    name: text('name').notNull(),
    mime: text('mime').notNull(),
    kind: text('kind', { enum: ['image', 'document'] }).notNull(),
    size: integer('size').notNull(),
    storageName: text('storage_name').notNull().unique(),
    eventSeq: integer('event_seq'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('attachments_conversation').on(t.conversationId)],
);

/**
 * PostgreSQL only (issue 14, scale-out.md §2.8): an uploaded file's bytes, in parts of 256 KiB, written in the
 * transaction that writes its `attachments` row, so a 201 promises a file every node can serve. Erasing the
 * conversation or the unsent file removes them (cascade). Migration 0001 sets the column's storage to EXTERNAL:
 * images and archives do not compress, and trying costs CPU on every upload.
 */
export const attachmentBlobs = pgTable(
  'attachment_blobs',
  {
    attachmentId: text('attachment_id')
      .notNull()
      .references(() => attachments.id, { onDelete: 'cascade' }),
    part: integer('part').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.attachmentId, t.part] })],
);

/**
 * PostgreSQL only: named counters taken inside a write transaction (`UPDATE ... SET value = value + 1
 * RETURNING value`): ticket numbers, gap-free across nodes (SQLite takes max(number) + 1 under its one writer).
 */
export const counters = pgTable('counters', {
  name: text('name').primaryKey(),
  value: bigint('value', { mode: 'number' }).notNull(),
});

/**
 * Issue 15: pages on an origin the site does not allow that asked for the widget, counted per origin and UTC day
 * (YYYY-MM-DD), so the admin sees "refused from https://shop.example.com (12 times today)" beside the allowed
 * list. No foreign key: deleting a site deletes its rows (the store's sites.delete).
 */
export const refusedOrigins = pgTable(
  'refused_origins',
  {
    siteId: text('site_id').notNull(),
    origin: text('origin').notNull(),
    day: text('day').notNull(),
    count: integer('count').notNull(),
    lastAt: ms('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.origin, t.day] })],
);

/**
 * Issue 15: the agents' internal chat (3CX): the team channel (id 'team', every agent) and direct messages
 * (id 'dm:<agent id>:<agent id>', the two ids sorted). Like conversations, each channel has a gap-free seq
 * (last_seq) and its messages are an append-only log; visitors never see any of it.
 */
export const internalChannels = pgTable('internal_channels', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['team', 'direct'] }).notNull(),
  /** The two agents of a direct channel; empty for the team channel (everyone). */
  memberIds: jsonText<string[]>('member_ids').notNull(),
  lastSeq: integer('last_seq').notNull().default(0),
  lastMessageAt: ms('last_message_at'),
  createdAt: ms('created_at').notNull(),
});

export const internalMessages = pgTable(
  'internal_messages',
  {
    channelId: text('channel_id').notNull(),
    seq: integer('seq').notNull(),
    authorId: text('author_id').notNull(),
    authorName: text('author_name').notNull(),
    /** The sender's UUID: the idempotency key of a message within its channel (as SPEC D3). */
    clientId: text('client_id').notNull(),
    text: text('text').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.seq] }),
    uniqueIndex('internal_messages_client').on(t.channelId, t.authorId, t.clientId),
  ],
);

/** Issue 15: the highest seq of a channel each agent has seen (unread counts); only ever raised. */
export const internalReads = pgTable(
  'internal_reads',
  {
    channelId: text('channel_id').notNull(),
    agentId: text('agent_id').notNull(),
    seenSeq: integer('seen_seq').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.agentId] })],
);

// Search (issue 14, SPEC S1): the table `search_docs` (each indexed text's words as a tsvector, GIN-indexed), its
// functions and the triggers that keep it in each write's transaction live in the custom migration
// 0002_search.sql, not here, as SQLite's live in its 0007: Drizzle cannot declare functions or triggers, and
// store/pg/search.ts and tickets.ts read it with raw SQL. No column of these tables changes for search.
