/**
 * @module Mapping between SQLite rows (snake_case columns as better-sqlite3 returns them) and Papo's records.
 * Structured columns are JSON text (request, participants, labels, event data) and booleans are 0/1.
 */
import type Database from 'better-sqlite3';
import type {
  Attachment,
  AuthorKind,
  ConversationEvent,
  ConversationStatus,
  ConversationSummary,
  EventData,
  Offer,
  Participant,
  PendingRequest,
} from '../../../shared/protocol';
import type { ConversationState, StatePatch } from '../../domain/conversation';
import { uuidv7 } from '../../ids';

export interface ConversationRow {
  id: string;
  site_id: string;
  visitor_id: string;
  visitor_name: string | null;
  status: ConversationStatus;
  assigned_agent_id: string | null;
  assigned_agent_name: string | null;
  last_seq: number;
  last_message_text: string | null;
  last_message_author_kind: AuthorKind | null;
  last_message_at: number | null;
  created_at: number;
  updated_at: number;
  queue_id: string | null;
  queued_at: number | null;
  priority: number;
  /** 0 or 1. */
  bot: number;
  offer_agent_id: string | null;
  offer_agent_name: string | null;
  offer_expires_at: number | null;
  /** JSON of a PendingRequest, or null. */
  request_json: string | null;
  /** JSON array of Participant. */
  participants_json: string;
  /** JSON array of strings. */
  labels_json: string;
  requester_email: string | null;
  wrap_up_reason: string | null;
  /** 0 or 1. */
  archived: number;
  first_message_text: string | null;
  /** SPEC W2: only ever raised. Absent from the row a write builds for a new conversation (0 then). */
  agent_seen_seq?: number;
  visitor_seen_seq?: number;
  /** 0 or 1 (issue 15: an agent's proactive chat). */
  proactive: number;
}

export interface EventRow {
  conversation_id: string;
  seq: number;
  kind: string;
  author_kind: AuthorKind;
  author_id: string | null;
  author_name: string | null;
  client_id: string | null;
  text: string | null;
  created_at: number;
  /** JSON of EventData, or null (messages). */
  data: string | null;
  /** JSON array of Attachment (SPEC W3), or null (most messages). */
  attachments?: string | null;
}

/** How a conversation row is found, prepared once per connection for the reads and the write path alike. */
/** The columns of a ConversationRow, in the order conversationRow() reads them. */
const CONVERSATION_COLUMNS = `id, site_id, visitor_id, visitor_name, status, assigned_agent_id, assigned_agent_name, last_seq,
  last_message_text, last_message_author_kind, last_message_at, created_at, updated_at, queue_id, queued_at, priority, bot,
  offer_agent_id, offer_agent_name, offer_expires_at, request_json, participants_json, labels_json, requester_email,
  wrap_up_reason, archived, first_message_text, agent_seen_seq, visitor_seen_seq, proactive`;

type RawConversation = [
  string, string, string, string | null, ConversationStatus, string | null, string | null, number,
  string | null, AuthorKind | null, number | null, number, number, string | null, number | null, number, number,
  string | null, string | null, number | null, string | null, string, string, string | null,
  string | null, number, string | null, number, number, number,
];

/**
 * Issue 12: a row read as an array and copied into an object literal. better-sqlite3 builds a row object
 * one property at a time, which for these 29 columns left a dictionary-mode object of about 3.4 KB per read
 * (measured with V8's sampling heap profiler); the array and the literal take about 1.2 KB, and the literal
 * has fast properties for toState/toConversation. The write path reads one per message.
 */
function conversationRow(r: RawConversation): ConversationRow {
  return {
    id: r[0],
    site_id: r[1],
    visitor_id: r[2],
    visitor_name: r[3],
    status: r[4],
    assigned_agent_id: r[5],
    assigned_agent_name: r[6],
    last_seq: r[7],
    last_message_text: r[8],
    last_message_author_kind: r[9],
    last_message_at: r[10],
    created_at: r[11],
    updated_at: r[12],
    queue_id: r[13],
    queued_at: r[14],
    priority: r[15],
    bot: r[16],
    offer_agent_id: r[17],
    offer_agent_name: r[18],
    offer_expires_at: r[19],
    request_json: r[20],
    participants_json: r[21],
    labels_json: r[22],
    requester_email: r[23],
    wrap_up_reason: r[24],
    archived: r[25],
    first_message_text: r[26],
    agent_seen_seq: r[27],
    visitor_seen_seq: r[28],
    proactive: r[29],
  };
}

/** One conversation row by a one-parameter WHERE, read compactly (conversationRow). */
function rowBy(sqlite: Database.Database, where: string): { get(key: string): ConversationRow | undefined } {
  const statement = sqlite.prepare<[string], RawConversation>(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE ${where}`).raw();
  return {
    get(key) {
      const r = statement.get(key);
      return r === undefined ? undefined : conversationRow(r);
    },
  };
}

export function conversationLookups(sqlite: Database.Database) {
  return {
    byId: rowBy(sqlite, 'id = ?'),
    openForVisitor: rowBy(sqlite, "visitor_id = ? AND status = 'open'"),
  };
}

export type ConversationLookups = ReturnType<typeof conversationLookups>;

/** Almost every conversation has no guests and no labels: skip JSON.parse for those. */
export function parseList<T>(json: string): T[] {
  return json === '[]' ? [] : (JSON.parse(json) as T[]);
}

function parseRequest(json: string | null): PendingRequest | null {
  return json === null ? null : (JSON.parse(json) as PendingRequest);
}

/** The offer columns are all set or all null. */
function offerOf(row: ConversationRow): Offer | null {
  return row.offer_agent_id === null
    ? null
    : { agentId: row.offer_agent_id, agentName: row.offer_agent_name ?? '', expiresAt: row.offer_expires_at ?? 0 };
}

/**
 * The fields the domain's rules decide on (the write path hands them to `decide`). Its lists stay mutable
 * arrays, as a summary's are, so `toConversation` can spread it.
 */
export function toState(row: ConversationRow) {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    lastSeq: row.last_seq,
    queueId: row.queue_id,
    queuedAt: row.queued_at,
    priority: row.priority,
    bot: row.bot !== 0,
    offer: offerOf(row),
    request: parseRequest(row.request_json),
    participants: parseList<Participant>(row.participants_json),
    labels: parseList<string>(row.labels_json),
    archived: row.archived !== 0,
  } satisfies ConversationState;
}

/**
 * The state and what only consoles and widgets show. One literal, with toState's fields in toState's order
 * (issue 12: spreading toState's object and two conditional ones made three objects per summary, and the
 * write path makes a summary per message); the seen marks are added only when set.
 */
export function toConversation(row: ConversationRow): ConversationSummary {
  const summary: ConversationSummary = {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    lastSeq: row.last_seq,
    queueId: row.queue_id,
    queuedAt: row.queued_at,
    priority: row.priority,
    bot: row.bot !== 0,
    offer: offerOf(row),
    request: parseRequest(row.request_json),
    participants: parseList<Participant>(row.participants_json),
    labels: parseList<string>(row.labels_json),
    archived: row.archived !== 0,
    visitorName: row.visitor_name,
    assignedAgentName: row.assigned_agent_name,
    lastMessage:
      row.last_message_text !== null && row.last_message_author_kind !== null && row.last_message_at !== null
        ? { text: row.last_message_text, authorKind: row.last_message_author_kind, at: row.last_message_at }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    requesterEmail: row.requester_email,
    wrapUpReason: row.wrap_up_reason,
    firstMessage: row.first_message_text,
    proactive: row.proactive !== 0,
  };
  // SPEC W2: left out while 0 (nothing seen yet), as the protocol allows: new conversations' summaries
  // stay as they were.
  if (row.agent_seen_seq) summary.agentSeenSeq = row.agent_seen_seq;
  if (row.visitor_seen_seq) summary.visitorSeenSeq = row.visitor_seen_seq;
  return summary;
}

/** `data` is left out when the row has none, so message events stay as small as before. */
export function toEvent(row: EventRow): ConversationEvent {
  const event: ConversationEvent = {
    conversationId: row.conversation_id,
    seq: row.seq,
    kind: row.kind,
    author: { kind: row.author_kind, id: row.author_id, name: row.author_name },
    clientId: row.client_id,
    text: row.text,
    at: row.created_at,
  };
  if (row.data !== null) event.data = JSON.parse(row.data) as EventData;
  if (row.attachments != null) event.attachments = JSON.parse(row.attachments) as Attachment[];
  return event;
}

/**
 * A decided patch applied to the conversation's row in memory, as both stores' writers keep it until they
 * write it; `text` fits a name or address to the store (PostgreSQL text cannot hold U+0000).
 */
export function applyPatch(row: ConversationRow, patch: StatePatch | null, text: <T extends string | null>(value: T) => T = (value) => value): void {
  if (patch === null) return;
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.assignedAgentId !== undefined) row.assigned_agent_id = patch.assignedAgentId;
  if (patch.assignedAgentName !== undefined) row.assigned_agent_name = text(patch.assignedAgentName);
  if (patch.queueId !== undefined) row.queue_id = patch.queueId;
  if (patch.queuedAt !== undefined) row.queued_at = patch.queuedAt;
  if (patch.priority !== undefined) row.priority = patch.priority;
  if (patch.bot !== undefined) row.bot = patch.bot ? 1 : 0;
  if (patch.offer !== undefined) {
    row.offer_agent_id = patch.offer?.agentId ?? null;
    row.offer_agent_name = patch.offer?.agentName ?? null;
    row.offer_expires_at = patch.offer?.expiresAt ?? null;
  }
  if (patch.request !== undefined) row.request_json = patch.request === null ? null : JSON.stringify(patch.request);
  if (patch.participants !== undefined) row.participants_json = JSON.stringify(patch.participants);
  if (patch.labels !== undefined) row.labels_json = JSON.stringify(patch.labels);
  if (patch.archived !== undefined) row.archived = patch.archived ? 1 : 0;
  if (patch.visitorName !== undefined) row.visitor_name = text(patch.visitorName);
  if (patch.requesterEmail !== undefined) row.requester_email = text(patch.requesterEmail);
  if (patch.wrapUpReason !== undefined) row.wrap_up_reason = text(patch.wrapUpReason);
  if (patch.proactive !== undefined) row.proactive = patch.proactive ? 1 : 0;
}

/** A conversation that does not exist yet: what the rule sees before the visitor's first message. */
export function freshRow(siteId: string, visitorId: string, at: number): ConversationRow {
  return {
    id: uuidv7(at),
    site_id: siteId,
    visitor_id: visitorId,
    visitor_name: null,
    status: 'open',
    assigned_agent_id: null,
    assigned_agent_name: null,
    last_seq: 0,
    last_message_text: null,
    last_message_author_kind: null,
    last_message_at: null,
    created_at: at,
    updated_at: at,
    queue_id: null,
    queued_at: null,
    priority: 1,
    bot: 0,
    offer_agent_id: null,
    offer_agent_name: null,
    offer_expires_at: null,
    request_json: null,
    participants_json: '[]',
    labels_json: '[]',
    requester_email: null,
    wrap_up_reason: null,
    archived: 0,
    first_message_text: null,
    proactive: 0,
  };
}
