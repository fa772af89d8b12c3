/**
 * @module Mapping between SQLite rows (snake_case columns as better-sqlite3 returns them) and Papo's records.
 */
import type Database from 'better-sqlite3';
import type { AuthorKind, ConversationEvent, ConversationSummary } from '../../../shared/protocol';

export interface ConversationRow {
  id: string;
  site_id: string;
  visitor_id: string;
  visitor_name: string | null;
  status: 'open' | 'closed';
  assigned_agent_id: string | null;
  assigned_agent_name: string | null;
  last_seq: number;
  last_message_text: string | null;
  last_message_author_kind: AuthorKind | null;
  last_message_at: number | null;
  created_at: number;
  updated_at: number;
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
}

/** How a conversation row is found, prepared once per connection for the reads and the write path alike. */
export function conversationLookups(sqlite: Database.Database) {
  return {
    byId: sqlite.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
    openForVisitor: sqlite.prepare<[string], ConversationRow>("SELECT * FROM conversations WHERE visitor_id = ? AND status = 'open'"),
  };
}

export type ConversationLookups = ReturnType<typeof conversationLookups>;

export function toConversation(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    visitorName: row.visitor_name,
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    assignedAgentName: row.assigned_agent_name,
    lastSeq: row.last_seq,
    lastMessage:
      row.last_message_text !== null && row.last_message_author_kind !== null && row.last_message_at !== null
        ? { text: row.last_message_text, authorKind: row.last_message_author_kind, at: row.last_message_at }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toEvent(row: EventRow): ConversationEvent {
  return {
    conversationId: row.conversation_id,
    seq: row.seq,
    kind: row.kind,
    author: { kind: row.author_kind, id: row.author_id, name: row.author_name },
    clientId: row.client_id,
    text: row.text,
    at: row.created_at,
  };
}
