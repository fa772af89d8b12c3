/**
 * @module The PostgreSQL store's uploaded files (SPEC W3; issue 14, scale-out.md §2.8). The bytes live in the
 * database too (`attachment_blobs`, parts of 256 KiB), written in the transaction that writes the row: a 201
 * promises a file every node can serve, and erasing a conversation (or an unsent file) removes its bytes with
 * it (foreign key cascade). A message marks its files sent in its own write transaction (writes.ts), and a
 * delete of an unsent file waits for that row lock: a sent file is never deleted as unsent.
 */
import type pg from 'pg';
import type { AttachmentRecord } from '../../domain/attachments';
import type { Store } from '../store';
import { toAttachmentRecord, type PgAttachmentRow } from './rows';

/** The size of one stored part: large enough that a 10 MiB file is 40 rows, small enough to stay off big allocations. */
export const BLOB_PART_BYTES = 256 * 1024;

const INSERT_ROW = `INSERT INTO attachments (id, site_id, conversation_id, uploader_kind, uploader_id, name, mime, kind, size, storage_name, event_seq, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)`;

function rowValues(r: AttachmentRecord): unknown[] {
  return [r.id, r.siteId, r.conversationId, r.uploaderKind, r.uploaderId, r.name, r.mime, r.kind, r.size, r.storageName, r.createdAt];
}

/** Runs `work` in a transaction on one connection of the pool; rolls back on any error. */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      // The connection itself failed: it must not go back to the pool.
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

export { inTransaction };

export function pgAttachments(pool: pg.Pool): Required<Store['attachments']> {
  const rows = async (text: string, values: unknown[]) => (await pool.query<PgAttachmentRow>(text, values)).rows.map(toAttachmentRecord);
  return {
    async create(record) {
      await pool.query(INSERT_ROW, rowValues(record));
    },
    async createWithBytes(record, bytes) {
      await inTransaction(pool, async (client) => {
        await client.query(INSERT_ROW, rowValues(record));
        const values: string[] = [];
        const params: unknown[] = [record.id];
        for (let offset = 0, part = 0; offset < bytes.length || part === 0; offset += BLOB_PART_BYTES, part++) {
          // A view, not a copy; node-postgres sends a Buffer parameter as binary (an array of them would go as
          // hex text, twice the size). One statement for every part: a round trip per file, not per part.
          params.push(Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.min(BLOB_PART_BYTES, bytes.length - offset)));
          values.push(`($1, ${part}, $${params.length})`);
        }
        await client.query(`INSERT INTO attachment_blobs (attachment_id, part, bytes) VALUES ${values.join(', ')}`, params);
      });
    },
    async bytes(id) {
      const { rows: parts } = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM attachment_blobs WHERE attachment_id = $1 ORDER BY part', [id]);
      if (parts.length === 0) return null;
      const whole = parts.length === 1 ? parts[0]!.bytes : Buffer.concat(parts.map((p) => p.bytes));
      // The port answers a plain Uint8Array (a Buffer is one, but compares unequal to one in tests): a view.
      return new Uint8Array(whole.buffer, whole.byteOffset, whole.length);
    },
    async byId(id) {
      return (await rows('SELECT * FROM attachments WHERE id = $1', [id]))[0] ?? null;
    },
    async list(conversationId) {
      return rows('SELECT * FROM attachments WHERE conversation_id = $1 ORDER BY created_at, id', [conversationId]);
    },
    async unsent(before, limit) {
      return rows('SELECT * FROM attachments WHERE event_seq IS NULL AND created_at < $1 ORDER BY created_at, id LIMIT $2', [before, limit]);
    },
    async deleteUnsent(id) {
      return ((await pool.query('DELETE FROM attachments WHERE id = $1 AND event_seq IS NULL', [id])).rowCount ?? 0) > 0;
    },
  };
}
