/**
 * @module The internal chat's rows as both SQL stores read them (issue 15): the same column names on SQLite
 * and PostgreSQL, so one mapping serves both (`sqlite/internal-chat.ts`, `pg/internal-chat.ts`).
 */
import type { InternalChannel, InternalMessageRecord } from './internal-chat';

export interface ChannelRow {
  id: string;
  kind: InternalChannel['kind'];
  member_ids: string;
  last_seq: number;
  last_message_at: number | null;
  created_at: number;
  seen_seq?: number | null;
}

export interface MessageRow {
  channel_id: string;
  seq: number;
  author_id: string;
  author_name: string;
  client_id: string;
  text: string;
  created_at: number;
}

export function toChannel(r: ChannelRow): InternalChannel {
  return { id: r.id, kind: r.kind, memberIds: JSON.parse(r.member_ids) as string[], lastSeq: r.last_seq, lastMessageAt: r.last_message_at, createdAt: r.created_at };
}

export function toMessage(r: MessageRow): InternalMessageRecord {
  return { channelId: r.channel_id, seq: r.seq, authorId: r.author_id, authorName: r.author_name, clientId: r.client_id, text: r.text, at: r.created_at };
}
