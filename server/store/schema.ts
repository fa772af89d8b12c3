/**
 * @module Drizzle tables of the SQLite store. Migrations in ./migrations are generated from this file
 * (`npm run db:generate`) and committed; the server applies them at start.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { BLOCK_KINDS, type SiteTicketing, type SiteWidget, type TicketEntry } from '../../shared/api';

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
  /** A queue of this site (no foreign key: the tables would reference each other); cleared when it is deleted. */
  defaultQueueId: text('default_queue_id'),
  botWebhookUrl: text('bot_webhook_url'),
  /** SHA-256 of the bot's bearer token; the token itself is never stored. */
  botTokenHash: text('bot_token_hash'),
  /** Business hours, offline tickets and the offline form (SPEC T1, T2); null: the defaults. */
  ticketing: text('ticketing', { mode: 'json' }).$type<SiteTicketing>(),
  /** Issue 6: off, mask in agent views, or redact before storing. */
  masking: text('masking', { enum: ['off', 'mask', 'redact'] }).notNull().default('off'),
  /** Issue 5: appearance, pre-chat form, uploads and strict identity (SPEC W3-W8); null: the defaults. */
  widget: text('widget', { mode: 'json' }).$type<SiteWidget>(),
  /** The key host pages sign identities with (SPEC W6): HMAC-SHA256 userHash or HS256 JWT. Null: identity off. */
  identitySecret: text('identity_secret'),
});

export const agents = sqliteTable('agents', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  /** Most open conversations the router gives this agent at once (SPEC R1). */
  capacity: integer('capacity').notNull().default(3),
  /** The chosen state; `offline` is not stored, it is the absence of a connected console. */
  availability: text('availability', { enum: ['available', 'unavailable', 'rona'] }).notNull().default('available'),
  availabilitySince: integer('availability_since').notNull().default(0),
  /** A disabled agent cannot sign in; its sessions were ended when it was disabled (issue 6). */
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  prefs: text('prefs', { mode: 'json' })
    .$type<{ sound: boolean; preview: boolean }>()
    .notNull()
    .default({ sound: true, preview: true }),
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
  email: text('email'),
  lastPageUrl: text('last_page_url'),
  lastPageTitle: text('last_page_title'),
  referrer: text('referrer'),
  userAgent: text('user_agent'),
  lastSeenAt: integer('last_seen_at'),
  createdAt: integer('created_at').notNull(),
  /** The host page's user id, once a verified identity named it (SPEC W6): one visitor per (site, user). */
  externalId: text('external_id'),
}, (t) => [
  uniqueIndex('visitors_site_external').on(t.siteId, t.externalId).where(sql`external_id IS NOT NULL`),
  // Issue 12: data export and erase find a visitor by e-mail (store.visitors.byEmail) without reading every
  // visitor. The expression is the query's own, `lower(email)`: SQLite's lower() folds ASCII only, as before.
  index('visitors_email').on(sql`lower(${t.email})`),
]);

export const queues = sqliteTable(
  'queues',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    name: text('name').notNull(),
    strategy: text('strategy', { enum: ['broadcast', 'round_robin', 'least_busy'] }).notNull(),
    offerTimeoutMs: integer('offer_timeout_ms').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  // The widget names a queue by name (SPEC R3): one name per site, whatever its case.
  (t) => [uniqueIndex('queues_site_name').on(t.siteId, sql`lower(${t.name})`)],
);

export const queueMembers = sqliteTable(
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

export const cannedReplies = sqliteTable('canned_replies', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  text: text('text').notNull(),
  category: text('category').notNull(),
  /** BCP 47 tag such as pt-BR. */
  language: text('language').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const wrapUpReasons = sqliteTable(
  'wrap_up_reasons',
  {
    id: text('id').primaryKey(),
    label: text('label').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('wrap_up_reasons_label').on(sql`lower(${t.label})`)],
);

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
    /** open; ended: the visitor ended it and the agent has not wrapped it up; closed (SPEC R8). */
    status: text('status', { enum: ['open', 'ended', 'closed'] }).notNull(),
    assignedAgentId: text('assigned_agent_id').references(() => agents.id),
    assignedAgentName: text('assigned_agent_name'),
    /** Highest event sequence; the next event gets lastSeq + 1 (SPEC D1). */
    lastSeq: integer('last_seq').notNull().default(0),
    lastMessageText: text('last_message_text'),
    lastMessageAuthorKind: text('last_message_author_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }),
    lastMessageAt: integer('last_message_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** No foreign key: a deleted queue leaves its conversations with the id (shown as "no queue"). */
    queueId: text('queue_id'),
    queuedAt: integer('queued_at'),
    /** 0 low .. 3 urgent. */
    priority: integer('priority').notNull().default(1),
    bot: integer('bot', { mode: 'boolean' }).notNull().default(false),
    /** The open offer (SPEC R4): all three set, or all null. */
    offerAgentId: text('offer_agent_id'),
    offerAgentName: text('offer_agent_name'),
    offerExpiresAt: integer('offer_expires_at'),
    /** JSON of the waiting PendingRequest (SPEC R6, R7), or null. */
    requestJson: text('request_json'),
    /** JSON array of conference guests ({ id, name }). */
    participantsJson: text('participants_json').notNull().default('[]'),
    /** JSON array of label strings. */
    labelsJson: text('labels_json').notNull().default('[]'),
    requesterEmail: text('requester_email'),
    wrapUpReason: text('wrap_up_reason'),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    /** The visitor's first message, set by the write that stores it. */
    firstMessageText: text('first_message_text'),
    /** Highest seq the agents / the visitor have seen (SPEC W2); only ever raised. */
    agentSeenSeq: integer('agent_seen_seq').notNull().default(0),
    visitorSeenSeq: integer('visitor_seen_seq').notNull().default(0),
    /** Issue 15: an agent started it (R11 proactive chat); the lists mark it. Set by the write that opens it. */
    proactive: integer('proactive', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    // Not (status, updated_at): updated_at changes with every message, and keeping that index in step cost
    // a page write per commit. Open conversations are few; sorting them on read is cheap.
    index('conversations_status').on(t.status),
    // A visitor's conversations: history, and SPEC D3's duplicate check for messages without a conversation.
    index('conversations_visitor').on(t.visitorId),
    // SPEC C3: one open conversation per visitor, even when two tabs start one at the same moment.
    uniqueIndex('conversations_one_open_per_visitor').on(t.visitorId).where(sql`status = 'open'`),
    // Issue 14: one waiting offer per agent (R4), enforced by the database, on both stores (several nodes may
    // briefly have two routing leaders; the second offer to one agent is refused, never stored).
    uniqueIndex('conversations_one_offer_per_agent').on(t.offerAgentId).where(sql`offer_agent_id IS NOT NULL`),
    // SPEC R1: each agent's load. Only the conversations an agent holds, so the index stays small.
    index('conversations_assigned_active').on(t.assignedAgentId).where(sql`status IN ('open', 'ended')`),
    index('conversations_queue').on(t.queueId),
    // Issue 12: what routing reads on every pass is indexed for exactly that, so no pass reads history.
    // The WHEREs are the queries' own (rows.ts/store.ts), which is how SQLite knows a partial index serves them.
    // Conversations with an offer or a transfer/conference request waiting (store.conversations.withTimers).
    index('conversations_timers').on(t.id).where(sql`offer_agent_id IS NOT NULL OR request_json IS NOT NULL`),
    // What routing may offer (store.conversations.waiting, SPEC R2), in serving order. drizzle-kit writes the
    // coalesce() as a quoted column name: 0006's SQL is corrected by hand (its snapshot holds it right).
    index('conversations_waiting')
      .on(sql`${t.priority} DESC`, sql`coalesce(${t.queuedAt}, ${t.createdAt})`, t.id)
      .where(sql`status = 'open' AND assigned_agent_id IS NULL AND bot = 0 AND offer_agent_id IS NULL`),
    // Issue 12: the Closed and Archived lists page by keyset (updated_at, id), newest first, on an index that
    // serves that order: all of them, by queue, by agent, and the conference guests' (a plain agent sees the
    // ones assigned to it or it joined, R10). Only closed rows are in them: a live conversation's updated_at moves with
    // every message, and keeping these in step would cost a page write per commit (see conversations_status).
    index('conversations_closed').on(t.archived, t.updatedAt, t.id).where(sql`status = 'closed'`),
    index('conversations_closed_queue').on(t.queueId, t.archived, t.updatedAt, t.id).where(sql`status = 'closed'`),
    index('conversations_closed_agent').on(t.assignedAgentId, t.archived, t.updatedAt, t.id).where(sql`status = 'closed'`),
    // By priority: a priority that few closed rows have reads just those, not every closed row (issue 12).
    index('conversations_closed_priority').on(t.priority, t.archived, t.updatedAt, t.id).where(sql`status = 'closed'`),
    // The guests are in it too, so the walk for one agent's conferences reads the index alone, not each row.
    index('conversations_closed_guests')
      .on(t.archived, t.updatedAt, t.id, t.participantsJson)
      .where(sql`status = 'closed' AND participants_json <> '[]'`),
  ],
);

/**
 * Issue 12: the labels of closed conversations, one row per (conversation, label), in the Closed and Archived
 * lists' order, so a label filter reads only that label's rows however rare it is (labels_json stays the
 * conversation's own record). Kept by triggers on `conversations` (hand-written in migration 0008), in the
 * statement that changes the row: every write path keeps it, none can forget it.
 */
export const conversationLabels = sqliteTable(
  'conversation_labels',
  {
    label: text('label').notNull(),
    archived: integer('archived', { mode: 'boolean' }).notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** No foreign key: the delete trigger removes a conversation's rows. */
    conversationId: text('conversation_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.label, t.archived, t.updatedAt, t.conversationId] }),
    // The triggers replace a conversation's rows when it changes.
    index('conversation_labels_conversation').on(t.conversationId),
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
    authorKind: text('author_kind', { enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    /** The sender's UUID for the message: the idempotency key within the conversation (SPEC D3). */
    clientId: text('client_id'),
    text: text('text'),
    createdAt: integer('created_at').notNull(),
    /** JSON of the event's EventData; null on messages (the hot path stays small). Parsed in rows.ts. */
    data: text('data'),
    /** JSON array of the message's Attachments (SPEC W3); null when it has none. */
    attachments: text('attachments'),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    uniqueIndex('events_conversation_client').on(t.conversationId, t.clientId).where(sql`client_id IS NOT NULL`),
    // Issue 14: one rating per conversation (SPEC T5), enforced by the database on both stores.
    uniqueIndex('events_one_rating').on(t.conversationId).where(sql`kind = 'rated'`),
  ],
);

/** SPEC T4. Written through the group committer (tickets.ts), so the next number is taken in its transaction. */
export const tickets = sqliteTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    /** Shown to people: 1, 2, 3... across the server; max(number) + 1 inside the write transaction. */
    number: integer('number').notNull().unique(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id),
    status: text('status', { enum: ['open', 'pending', 'solved', 'closed'] }).notNull(),
    type: text('type', { enum: ['question', 'problem', 'incident', 'task'] }).notNull(),
    /** 0 low .. 3 urgent. */
    priority: integer('priority').notNull(),
    subject: text('subject').notNull(),
    description: text('description').notNull(),
    requesterName: text('requester_name'),
    requesterEmail: text('requester_email'),
    requesterVisitorId: text('requester_visitor_id'),
    assigneeId: text('assignee_id').references(() => agents.id, { onDelete: 'set null' }),
    assigneeName: text('assignee_name'),
    /** No foreign key: a deleted conversation leaves its tickets with the id. */
    conversationId: text('conversation_id'),
    source: text('source', { enum: ['offline_form', 'auto', 'agent'] }).notNull(),
    /** The widget form's request id: one ticket per (site, client id) (SPEC T7). */
    clientId: text('client_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('tickets_site_client').on(t.siteId, t.clientId).where(sql`client_id IS NOT NULL`),
    // The console's list: newest update first, usually of some statuses; and of every status.
    index('tickets_status_updated').on(t.status, t.updatedAt),
    index('tickets_updated').on(t.updatedAt),
    // A conversation's panel lists its tickets; a visitor's history lists theirs.
    index('tickets_conversation').on(t.conversationId),
    index('tickets_requester_visitor').on(t.requesterVisitorId),
    // Issue 12: data rights find a requester's tickets by e-mail; the query's own expression (ASCII lower()).
    index('tickets_requester_email').on(sql`lower(${t.requesterEmail})`),
  ],
);

/** A ticket's history (SPEC T4): notes, replies and changes, oldest first. */
export const ticketEntries = sqliteTable(
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
    data: text('data', { mode: 'json' }).$type<NonNullable<TicketEntry['data']>>(),
    /** Replies: whether the e-mail went out (0/1); null for notes and changes. */
    emailed: integer('emailed', { mode: 'boolean' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('ticket_entries_ticket').on(t.ticketId, t.createdAt)],
);

/**
 * Blocked visitors (issue 6): an IP address, a CIDR range or a visitor id, refused at the WebSocket upgrade
 * and on every HTTP route until `expires_at` (null: until lifted).
 */
export const blocks = sqliteTable(
  'blocks',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: BLOCK_KINDS }).notNull(),
    value: text('value').notNull(),
    reason: text('reason'),
    expiresAt: integer('expires_at'),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('blocks_kind_value').on(t.kind, t.value)],
);

/**
 * Uploaded files (SPEC W3). The bytes live under the data directory as `storage_name`, a random name the
 * sender never chose; `event_seq` is set when a message carries the file (null: uploaded, not sent yet).
 */
export const attachments = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('attachments_conversation').on(t.conversationId)],
);

/**
 * Issue 15: pages on an origin the site does not allow that asked for the widget, counted per origin and UTC day
 * (YYYY-MM-DD), so the admin sees "refused from https://shop.example.com (12 times today)" beside the allowed
 * list. No foreign key: deleting a site deletes its rows (the store's sites.delete).
 */
export const refusedOrigins = sqliteTable(
  'refused_origins',
  {
    siteId: text('site_id').notNull(),
    origin: text('origin').notNull(),
    day: text('day').notNull(),
    count: integer('count').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.origin, t.day] })],
);

/**
 * Issue 15: the agents' internal chat (3CX): the team channel (id 'team', every agent) and direct messages
 * (id 'dm:<agent id>:<agent id>', the two ids sorted). Like conversations, each channel has a gap-free seq
 * (last_seq) and its messages are an append-only log; visitors never see any of it.
 */
export const internalChannels = sqliteTable('internal_channels', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['team', 'direct'] }).notNull(),
  /** The two agents of a direct channel; empty for the team channel (everyone). */
  memberIds: text('member_ids', { mode: 'json' }).$type<string[]>().notNull(),
  lastSeq: integer('last_seq').notNull().default(0),
  lastMessageAt: integer('last_message_at'),
  createdAt: integer('created_at').notNull(),
});

export const internalMessages = sqliteTable(
  'internal_messages',
  {
    channelId: text('channel_id').notNull(),
    seq: integer('seq').notNull(),
    authorId: text('author_id').notNull(),
    authorName: text('author_name').notNull(),
    /** The sender's UUID: the idempotency key of a message within its channel (as SPEC D3). */
    clientId: text('client_id').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.seq] }),
    uniqueIndex('internal_messages_client').on(t.channelId, t.authorId, t.clientId),
  ],
);

/** Issue 15: the highest seq of a channel each agent has seen (unread counts); only ever raised. */
export const internalReads = sqliteTable(
  'internal_reads',
  {
    channelId: text('channel_id').notNull(),
    agentId: text('agent_id').notNull(),
    seenSeq: integer('seen_seq').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.agentId] })],
);

// Search (issue 12, SPEC S1): `search_docs`, the FTS5 table `search_fts`, the view `search_texts` and the
// triggers that keep them in each write's transaction live in the custom migration 0007_search.sql, not here:
// Drizzle cannot declare virtual tables, views or triggers. store/sqlite/search.ts reads them with raw SQL.
