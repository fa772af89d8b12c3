/**
 * @module Where uploaded files' bytes live (SPEC W3, issue 14): in the store when it keeps them (PostgreSQL:
 * the row and its bytes in one transaction, so every node serves every file and a deleted row takes its
 * bytes along), else on this node's disk under `<filesDir>/<conversation id>/<random name>` as before.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { AttachmentRecord } from '../domain/attachments';
import type { Logger } from '../log';
import { isStorageFailure, StorageHealth, storageUnavailable } from '../store/storage-health';
import type { Store } from '../store/store';

export interface FileBytes {
  readonly kind: 'store' | 'disk';
  /** Keeps the bytes and creates the row; when it throws, neither is kept. */
  save(record: AttachmentRecord, bytes: Uint8Array): Promise<void>;
  /** The file's bytes, or null when they are missing (logged: a row without its bytes is a fault). */
  read(record: AttachmentRecord): Promise<ReadableStream<Uint8Array> | null>;
  /** After an unsent upload's row was deleted. */
  removed(record: AttachmentRecord): Promise<void>;
  /** After a conversation was deleted (admin delete, data-rights erase). */
  conversationRemoved(conversationId: string): void;
}

/** The store's own bytes when it keeps them (both methods present), else this node's disk. */
export function fileBytesFor(store: Store, filesDir: string, log: Logger, now: () => number): FileBytes {
  const { createWithBytes, bytes } = store.attachments;
  if (createWithBytes && bytes) {
    return storeBytes(
      (record, data) => createWithBytes.call(store.attachments, record, data),
      (id) => bytes.call(store.attachments, id),
      log,
    );
  }
  return diskBytes(store, filesDir, log, now);
}

function storeBytes(
  createWithBytes: (record: AttachmentRecord, bytes: Uint8Array) => Promise<void>,
  bytesOf: (id: string) => Promise<Uint8Array | null>,
  log: Logger,
): FileBytes {
  return {
    kind: 'store',
    // The store commits the row with its bytes (durable as any write, SPEC D4): the 201 promises both.
    save: (record, bytes) => createWithBytes(record, bytes),
    async read(record) {
      const bytes = await bytesOf(record.id);
      if (!bytes) {
        log.warn('a stored file has no bytes in the database', { id: record.id, conversationId: record.conversationId });
        return null;
      }
      // Whole in memory: files are at most the site's maxBytes (10 MiB by default, SPEC W3).
      return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
    },
    // The row's delete took its bytes (foreign key, ON DELETE CASCADE), on every node at once.
    removed: async () => undefined,
    conversationRemoved: () => undefined,
  };
}

/**
 * Writes a new file and flushes it and its folder's entry to disk before answering: the 201 promises the
 * file as the committed row does (synchronous=FULL), so a crash never leaves a sent file's row without its
 * bytes. A failed write (a full disk) leaves nothing behind.
 */
async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, 'wx', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (err) {
    await file.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw err;
  }
  await file.close();
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Conversation ids are uuidv7; nothing else ever names a folder. */
const SAFE_SEGMENT = /^[0-9A-Za-z-]{1,64}$/;

function diskBytes(store: Store, filesDir: string, log: Logger, now: () => number): FileBytes {
  const folderOf = (conversationId: string) => {
    if (!SAFE_SEGMENT.test(conversationId)) throw new Error(`unsafe conversation id for a folder: ${conversationId}`);
    return join(filesDir, conversationId);
  };
  const pathOf = (r: Pick<AttachmentRecord, 'conversationId' | 'storageName'>) => join(folderOf(r.conversationId), r.storageName);
  // SPEC D15: the files' disk full or failing is an episode of its own (FILES_DIR may be another disk than
  // the database's), logged once like the database's.
  const health = new StorageHealth(log, now, { filesDir });

  return {
    kind: 'disk',
    async save(record, bytes) {
      const path = pathOf(record);
      try {
        await mkdir(folderOf(record.conversationId), { recursive: true });
        await writeDurably(path, bytes);
      } catch (err) {
        // SPEC D15: a full or failing disk refuses with storage_unavailable (503, retryAfterMs), said once per episode.
        if (!isStorageFailure(err)) throw err;
        health.refused(err, 'files.write');
        throw storageUnavailable();
      }
      health.committed();
      try {
        await store.attachments.create(record);
      } catch (err) {
        await unlink(path).catch(() => undefined);
        throw err;
      }
    },
    async read(record) {
      const path = pathOf(record);
      try {
        await stat(path);
      } catch {
        log.warn('a stored file is missing from disk', { id: record.id, conversationId: record.conversationId });
        return null;
      }
      return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
    },
    async removed(record) {
      await unlink(pathOf(record)).catch(() => undefined);
    },
    // A conversation's folder goes when the conversation does, whatever its rows say.
    conversationRemoved(conversationId) {
      rm(folderOf(conversationId), { recursive: true, force: true }).catch((err: unknown) =>
        log.warn('could not remove the files of a deleted conversation', { conversationId, err }),
      );
    },
  };
}
