/**
 * @module The SQLite store's internal chat (issue 15): prepared statements on `internal_channels`,
 * `internal_messages` and `internal_reads`. Appends go through the group committer, so the next seq (the
 * channel row's last_seq + 1) and the client-id check run inside its BEGIN IMMEDIATE transaction, where no
 * other writer, in this process or another, can commit in between.
 */
import type Database from 'better-sqlite3';
import type { InternalChannelOf, StoreInternalChat } from '../internal-chat';
import { toChannel, toMessage, type ChannelRow, type MessageRow } from '../internal-chat-rows';
import type { GroupCommitter } from './committer';

/**
 * The `internalChat` part of the Store on this connection; writes are submitted to `committer`.
 *
 * @example internalChat: sqliteInternalChat(sqlite, committer)
 */
export function sqliteInternalChat(sqlite: Database.Database, committer: GroupCommitter): StoreInternalChat {
  const byId = sqlite.prepare<[string], ChannelRow>('SELECT * FROM internal_channels WHERE id = ?');
  const of = sqlite.prepare<[string, string], ChannelRow>(
    `SELECT c.*, r.seen_seq FROM internal_channels c LEFT JOIN internal_reads r ON r.channel_id = c.id AND r.agent_id = ?
     WHERE c.kind = 'team' OR (c.kind = 'direct' AND EXISTS (SELECT 1 FROM json_each(c.member_ids) m WHERE m.value = ?))
     ORDER BY c.kind DESC, COALESCE(c.last_message_at, c.created_at) DESC, c.id`,
  );
  const insertChannel = sqlite.prepare<[string, string, string, number]>(
    'INSERT INTO internal_channels (id, kind, member_ids, last_seq, created_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING',
  );
  const byClientId = sqlite.prepare<[string, string, string], MessageRow>(
    'SELECT * FROM internal_messages WHERE channel_id = ? AND author_id = ? AND client_id = ?',
  );
  const nextSeq = sqlite.prepare<[number, string], ChannelRow>(
    'UPDATE internal_channels SET last_seq = last_seq + 1, last_message_at = ? WHERE id = ? RETURNING *',
  );
  const insertMessage = sqlite.prepare<[MessageRow]>(
    `INSERT INTO internal_messages (channel_id, seq, author_id, author_name, client_id, text, created_at)
     VALUES (@channel_id, @seq, @author_id, @author_name, @client_id, @text, @created_at)`,
  );
  const after = sqlite.prepare<[string, number, number], MessageRow>(
    'SELECT * FROM internal_messages WHERE channel_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const before = sqlite.prepare<[string, number, number], MessageRow>(
    'SELECT * FROM internal_messages WHERE channel_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const raise = sqlite.prepare<[string, string, number], { seen_seq: number }>(
    `INSERT INTO internal_reads (channel_id, agent_id, seen_seq) VALUES (?, ?, ?)
     ON CONFLICT (channel_id, agent_id) DO UPDATE SET seen_seq = MAX(internal_reads.seen_seq, excluded.seen_seq) RETURNING seen_seq`,
  );

  return {
    async channel(id) {
      const row = byId.get(id);
      return row ? toChannel(row) : null;
    },

    async channelsOf(agentId) {
      return of.all(agentId, agentId).map((r): InternalChannelOf => ({ ...toChannel(r), seenSeq: r.seen_seq ?? 0 }));
    },

    ensure: (channel) =>
      committer.submit(() => {
        insertChannel.run(channel.id, channel.kind, JSON.stringify(channel.memberIds), channel.createdAt);
        return toChannel(byId.get(channel.id)!);
      }),

    append: (m) =>
      committer.submit(() => {
        const existing = byClientId.get(m.channelId, m.authorId, m.clientId);
        if (existing) return { kind: 'duplicate' as const, message: toMessage(existing) };
        const channel = nextSeq.get(m.at, m.channelId);
        if (!channel) return { kind: 'not_found' as const };
        const row: MessageRow = { channel_id: m.channelId, seq: channel.last_seq, author_id: m.authorId, author_name: m.authorName, client_id: m.clientId, text: m.text, created_at: m.at };
        insertMessage.run(row);
        return { kind: 'appended' as const, message: toMessage(row), channel: toChannel(channel) };
      }),

    async messages(channelId, page) {
      if (page.limit <= 0) return [];
      if ('afterSeq' in page) return after.all(channelId, page.afterSeq, page.limit).map(toMessage);
      return before.all(channelId, page.beforeSeq ?? Number.MAX_SAFE_INTEGER, page.limit).reverse().map(toMessage);
    },

    markSeen: (channelId, agentId, seq) => committer.submit(() => raise.get(channelId, agentId, Math.max(0, seq))!.seen_seq),
  };
}
