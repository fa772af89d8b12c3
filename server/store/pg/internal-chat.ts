/**
 * @module The PostgreSQL store's internal chat (issue 15). Several nodes append to one channel at once, so the
 * next seq is the channel row's `last_seq + 1` taken by `UPDATE ... RETURNING` inside the append's own
 * transaction: that row's lock is held until COMMIT, so appends to one channel take turns and the seqs are
 * gap-free (a failed append rolls its increment back with it). The client-id check runs after taking the lock,
 * so it sees every append with the same client id that went first and committed.
 */
import type pg from 'pg';
import type { InternalAppendOutcome, InternalChannel, InternalChannelOf, StoreInternalChat } from '../internal-chat';
import { toChannel, toMessage, type ChannelRow, type MessageRow } from '../internal-chat-rows';
import { isPgUniqueViolation } from './driver';

const BY_CLIENT_ID = 'SELECT * FROM internal_messages WHERE channel_id = $1 AND author_id = $2 AND client_id = $3';

/**
 * The `internalChat` part of the Store on this pool: each write is one short transaction of its own.
 *
 * @example internalChat: pgInternalChat(pool)
 */
export function pgInternalChat(pool: pg.Pool): StoreInternalChat {
  async function channel(id: string): Promise<InternalChannel | null> {
    const { rows } = await pool.query<ChannelRow>('SELECT * FROM internal_channels WHERE id = $1', [id]);
    return rows[0] ? toChannel(rows[0]) : null;
  }

  async function insert(m: Parameters<StoreInternalChat['append']>[0]): Promise<InternalAppendOutcome> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const taken = await client.query<ChannelRow>(
        'UPDATE internal_channels SET last_seq = last_seq + 1, last_message_at = $1 WHERE id = $2 RETURNING *',
        [m.at, m.channelId],
      );
      const row = taken.rows[0];
      if (!row) {
        await client.query('ROLLBACK');
        return { kind: 'not_found' };
      }
      // After the channel's lock: an append with the same client id that went first has committed by now.
      const existing = (await client.query<MessageRow>(BY_CLIENT_ID, [m.channelId, m.authorId, m.clientId])).rows[0];
      if (existing) {
        await client.query('ROLLBACK');
        return { kind: 'duplicate', message: toMessage(existing) };
      }
      const message: MessageRow = { channel_id: m.channelId, seq: row.last_seq, author_id: m.authorId, author_name: m.authorName, client_id: m.clientId, text: m.text, created_at: m.at };
      await client.query(
        `INSERT INTO internal_messages (channel_id, seq, author_id, author_name, client_id, text, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [message.channel_id, message.seq, message.author_id, message.author_name, message.client_id, message.text, message.created_at],
      );
      await client.query('COMMIT');
      return { kind: 'appended', message: toMessage(message), channel: toChannel(row) };
    } catch (err) {
      await client.query('ROLLBACK').catch((rollback: Error) => (broken = rollback));
      throw err;
    } finally {
      // A connection whose ROLLBACK failed may be in any state: destroyed, never handed to the next caller.
      client.release(broken);
    }
  }

  return {
    channel,

    async channelsOf(agentId) {
      const { rows } = await pool.query<ChannelRow>(
        `SELECT c.*, r.seen_seq FROM internal_channels c LEFT JOIN internal_reads r ON r.channel_id = c.id AND r.agent_id = $1
         WHERE c.kind = 'team' OR (c.kind = 'direct' AND c.member_ids::jsonb ? $1)
         ORDER BY c.kind DESC, COALESCE(c.last_message_at, c.created_at) DESC, c.id`,
        [agentId],
      );
      return rows.map((r): InternalChannelOf => ({ ...toChannel(r), seenSeq: r.seen_seq ?? 0 }));
    },

    async ensure(c) {
      await pool.query(
        'INSERT INTO internal_channels (id, kind, member_ids, last_seq, created_at) VALUES ($1, $2, $3, 0, $4) ON CONFLICT (id) DO NOTHING',
        [c.id, c.kind, JSON.stringify(c.memberIds), c.createdAt],
      );
      return (await channel(c.id))!;
    },

    async append(m) {
      try {
        return await insert(m);
      } catch (err) {
        // The unique (channel, author, client id) index refused a second copy (a writer that did not take the
        // channel's lock first: none here, but the index is the rule): the first one answers.
        if (!isPgUniqueViolation(err)) throw err;
        const { rows } = await pool.query<MessageRow>(BY_CLIENT_ID, [m.channelId, m.authorId, m.clientId]);
        if (!rows[0]) throw err;
        return { kind: 'duplicate', message: toMessage(rows[0]) };
      }
    },

    async messages(channelId, page) {
      if (page.limit <= 0) return [];
      if ('afterSeq' in page) {
        const { rows } = await pool.query<MessageRow>('SELECT * FROM internal_messages WHERE channel_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [channelId, page.afterSeq, page.limit]);
        return rows.map(toMessage);
      }
      const { rows } = await pool.query<MessageRow>(
        'SELECT * FROM internal_messages WHERE channel_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
        [channelId, page.beforeSeq ?? 2_147_483_647, page.limit],
      );
      return rows.reverse().map(toMessage);
    },

    async markSeen(channelId, agentId, seq) {
      const { rows } = await pool.query<{ seen_seq: number }>(
        `INSERT INTO internal_reads (channel_id, agent_id, seen_seq) VALUES ($1, $2, $3)
         ON CONFLICT (channel_id, agent_id) DO UPDATE SET seen_seq = GREATEST(internal_reads.seen_seq, excluded.seen_seq) RETURNING seen_seq`,
        [channelId, agentId, Math.max(0, seq)],
      );
      return rows[0]!.seen_seq;
    },
  };
}
