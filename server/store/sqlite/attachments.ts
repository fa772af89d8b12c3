/**
 * @module The SQLite store's uploaded files (SPEC W3): prepared statements on `attachments`. Writes go
 * through the group committer, ordered with the message writes that mark files sent (writes.ts), so an
 * upload is committed before a message can name it and a sent file is never deleted as unsent.
 */
import type Database from 'better-sqlite3';
import type { AttachmentRecord } from '../../domain/attachments';
import type { Store } from '../store';
import type { GroupCommitter } from './committer';

export interface AttachmentRow {
  id: string;
  site_id: string;
  conversation_id: string;
  uploader_kind: 'visitor' | 'agent';
  uploader_id: string;
  name: string;
  mime: string;
  kind: 'image' | 'document';
  size: number;
  storage_name: string;
  event_seq: number | null;
  created_at: number;
}

export function toAttachmentRecord(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    siteId: row.site_id,
    conversationId: row.conversation_id,
    uploaderKind: row.uploader_kind,
    uploaderId: row.uploader_id,
    name: row.name,
    mime: row.mime,
    kind: row.kind,
    size: row.size,
    storageName: row.storage_name,
    eventSeq: row.event_seq,
    createdAt: row.created_at,
  };
}

/** Statements the message write path uses inside its transaction (writes.ts). */
export function attachmentStatements(sqlite: Database.Database) {
  return {
    byId: sqlite.prepare<[string], AttachmentRow>('SELECT * FROM attachments WHERE id = ?'),
    /** Marks one file sent; 0 changes means it was sent already (never, after claimAttachments said yes). */
    markSent: sqlite.prepare<[number, string, string]>('UPDATE attachments SET event_seq = ? WHERE id = ? AND conversation_id = ? AND event_seq IS NULL'),
  };
}

export function sqliteAttachments(sqlite: Database.Database, committer: GroupCommitter): Store['attachments'] {
  const { byId } = attachmentStatements(sqlite);
  const insert = sqlite.prepare(
    `INSERT INTO attachments (id, site_id, conversation_id, uploader_kind, uploader_id, name, mime, kind, size, storage_name, event_seq, created_at)
     VALUES (@id, @site_id, @conversation_id, @uploader_kind, @uploader_id, @name, @mime, @kind, @size, @storage_name, NULL, @created_at)`,
  );
  const ofConversation = sqlite.prepare<[string], AttachmentRow>('SELECT * FROM attachments WHERE conversation_id = ? ORDER BY created_at, id');
  const unsent = sqlite.prepare<[number, number], AttachmentRow>(
    'SELECT * FROM attachments WHERE event_seq IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ?',
  );
  const deleteUnsent = sqlite.prepare<[string]>('DELETE FROM attachments WHERE id = ? AND event_seq IS NULL');

  return {
    create: (r) =>
      committer.submit(() => {
        insert.run({
          id: r.id,
          site_id: r.siteId,
          conversation_id: r.conversationId,
          uploader_kind: r.uploaderKind,
          uploader_id: r.uploaderId,
          name: r.name,
          mime: r.mime,
          kind: r.kind,
          size: r.size,
          storage_name: r.storageName,
          created_at: r.createdAt,
        });
      }),
    async byId(id) {
      const row = byId.get(id);
      return row ? toAttachmentRecord(row) : null;
    },
    async list(conversationId) {
      return ofConversation.all(conversationId).map(toAttachmentRecord);
    },
    async unsent(before, limit) {
      return unsent.all(before, limit).map(toAttachmentRecord);
    },
    deleteUnsent: (id) => committer.submit(() => deleteUnsent.run(id).changes > 0),
  };
}
