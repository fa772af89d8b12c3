/**
 * Issue 14, files across nodes: the attachment service keeps bytes in the store when the store keeps them
 * (`attachments.createWithBytes` and `bytes`, PostgreSQL's), else on this node's disk. The store here is the
 * real SQLite store decorated with those two methods in memory, a double of the port that honours its
 * contract (row and bytes together; bytes go with their row, as PostgreSQL's ON DELETE CASCADE does), so the
 * service's choice is proven here; the PostgreSQL store's own path is proven by the cluster tests.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../bus/memory';
import type { AttachmentRecord } from '../domain/attachments';
import * as f from '../domain/file-type.fixtures';
import { createLogger } from '../log';
import { createSqliteStore } from '../store/sqlite/store';
import type { Store } from '../store/store';
import { createAttachmentService, UNSENT_TTL_MS } from './attachments';
import { createConversationService } from './conversations';

/** The SQLite store plus bytes kept beside its rows in memory, answered only while the row exists. */
function withBytesInStore(store: Store) {
  const kept = new Map<string, Uint8Array>();
  const calls = { createWithBytes: 0, bytes: 0 };
  const decorated: Store = {
    ...store,
    attachments: {
      ...store.attachments,
      async createWithBytes(record: AttachmentRecord, bytes: Uint8Array) {
        calls.createWithBytes++;
        // One transaction on the real store: the row fails (foreign key) and nothing is kept, or both are.
        await store.attachments.create(record);
        kept.set(record.id, Uint8Array.from(bytes));
      },
      async bytes(id: string) {
        calls.bytes++;
        if (!(await store.attachments.byId(id))) {
          kept.delete(id);
          return null;
        }
        return kept.get(id) ?? null;
      },
    },
  };
  return { store: decorated, kept, calls };
}

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function setUp(decorate: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'papo-files-'));
  const sqlite = createSqliteStore(join(dir, 'papo.db'));
  stores.push(sqlite);
  const double = decorate ? withBytesInStore(sqlite) : null;
  const store = double?.store ?? sqlite;
  let now = 1_800_000_000_000;
  const problems: string[] = [];
  const log = createLogger('warn', (line) => problems.push(line));
  const conversations = createConversationService({ store, bus: createMemoryBus(log), now: () => now });
  const filesDir = join(dir, 'files');
  const service = createAttachmentService({
    store,
    conversations,
    safety: { uploadBytes: () => undefined, blocked: () => null },
    filesDir,
    secret: 'x'.repeat(32),
    now: () => now,
    log,
  });
  await store.sites.create({ id: 'site-1', key: 'key-1', name: 'Loja', allowedOrigins: ['*'], createdAt: now });
  const actor = { kind: 'visitor' as const, visitorId: 'visitor-1', siteId: 'site-1' };
  const { conversationId } = await conversations.sendMessage(actor, { clientId: randomUUID(), text: 'Olá' });
  const put = (name: string, bytes: Uint8Array = f.PNG) =>
    service.upload(actor, { conversationId, declaredBytes: null, body: new Blob([Buffer.from(bytes)]).stream(), name, ip: '203.0.113.9' });
  const read = async (id: string) => {
    const opened = await service.open(actor, id);
    return opened ? Buffer.from(await new Response(opened.body).arrayBuffer()) : null;
  };
  return { store, double, service, conversations, actor, conversationId, filesDir, put, read, problems, tick: (ms: number) => (now += ms) };
}

describe('files in the store (issue 14, several nodes)', () => {
  it('W3: an upload goes to the store with its row, in one call, and nothing to disk; it reads back from the store', async () => {
    const t = await setUp(true);
    const attachment = await t.put('foto.png');
    expect(t.service.filesKind).toBe('store');
    expect(t.double!.calls.createWithBytes).toBe(1);
    expect(Buffer.from(t.double!.kept.get(attachment.id)!)).toEqual(Buffer.from(f.PNG));
    expect(await t.store.attachments.byId(attachment.id)).toMatchObject({ id: attachment.id, size: f.PNG.length, eventSeq: null });
    expect(existsSync(t.filesDir)).toBe(false);
    expect(await t.read(attachment.id)).toEqual(Buffer.from(f.PNG));
    expect(t.double!.calls.bytes).toBe(1);
  });

  it('W3: a row without its bytes answers as missing (404) and says so once in the log', async () => {
    const t = await setUp(true);
    const attachment = await t.put('foto.png');
    t.double!.kept.delete(attachment.id);
    expect(await t.read(attachment.id)).toBeNull();
    expect(t.problems.join('\n')).toMatch(/a stored file has no bytes in the database/);
  });

  it('W3: a refused upload keeps neither row nor bytes (the conversation was deleted meanwhile)', async () => {
    const t = await setUp(true);
    const conversation = (await t.store.conversations.byId(t.conversationId))!;
    const failing: Store = {
      ...t.store,
      attachments: {
        ...t.store.attachments,
        createWithBytes: async (record, bytes) => {
          await t.conversations.remove(conversation);
          return t.store.attachments.createWithBytes!(record, bytes);
        },
      },
    };
    const service = createAttachmentService({
      store: failing,
      conversations: t.conversations,
      safety: { uploadBytes: () => undefined, blocked: () => null },
      filesDir: t.filesDir,
      secret: 'x'.repeat(32),
      now: Date.now,
      log: createLogger('silent'),
    });
    await expect(
      service.upload(t.actor, { conversationId: t.conversationId, declaredBytes: null, body: new Blob([Buffer.from(f.PNG)]).stream(), name: 'x.png', ip: '203.0.113.9' }),
    ).rejects.toMatchObject({ code: 'conversation_not_found' });
    expect(t.double!.kept.size).toBe(0);
    expect(existsSync(t.filesDir)).toBe(false);
  });

  it('W3: unsent uploads are swept by their rows alone; the bytes go with them', async () => {
    const t = await setUp(true);
    const kept = await t.put('enviada.png');
    await t.conversations.sendMessage(t.actor, { clientId: randomUUID(), conversationId: t.conversationId, text: '', attachments: [kept.id] });
    const dropped = await t.put('esquecida.png');
    t.tick(UNSENT_TTL_MS + 1);
    expect(await t.service.sweep()).toBe(1);
    expect(await t.store.attachments.byId(dropped.id)).toBeNull();
    expect(await t.store.attachments.bytes!(dropped.id)).toBeNull();
    expect(await t.read(kept.id)).toEqual(Buffer.from(f.PNG));
    expect(existsSync(t.filesDir)).toBe(false);
  });

  it('W3: a deleted conversation takes its files (rows and bytes) and touches no disk', async () => {
    const t = await setUp(true);
    const a = await t.put('a.png');
    const b = await t.put('b.pdf', f.PDF);
    await t.conversations.remove((await t.store.conversations.byId(t.conversationId))!);
    for (const id of [a.id, b.id]) expect(await t.store.attachments.bytes!(id)).toBeNull();
    expect(existsSync(t.filesDir)).toBe(false);
  });
});

describe('files on disk (one node, unchanged)', () => {
  it('W3: a store without the two methods keeps the bytes on this node\'s disk', async () => {
    const t = await setUp(false);
    const attachment = await t.put('foto.png');
    expect(t.service.filesKind).toBe('disk');
    expect(readdirSync(join(t.filesDir, t.conversationId))).toHaveLength(1);
    expect(await t.read(attachment.id)).toEqual(Buffer.from(f.PNG));
    await t.conversations.remove((await t.store.conversations.byId(t.conversationId))!);
    await expect.poll(() => existsSync(join(t.filesDir, t.conversationId))).toBe(false);
  });
});
