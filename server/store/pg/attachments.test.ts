/**
 * Issue 14 (scale-out.md §2.8): files' bytes kept in PostgreSQL, so every node serves them. The row and its
 * parts commit together, any store on the database reads them back byte for byte, and erasing the
 * conversation or the unsent file removes the bytes with it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canView, decideMessage, type VisitorActor } from '../../domain/conversation';
import type { AttachmentRecord } from '../../domain/attachments';
import { uuidv7 } from '../../ids';
import type { Store } from '../store';
import { databasePerTest, pgStoreFixtures, siteRecord } from '../store-fixture';
import { BLOB_PART_BYTES } from './attachments';

const T0 = 1_750_000_000_000;

describe('PostgreSQL attachments: bytes in the database (issue 14)', () => {
  const { reopen } = databasePerTest(pgStoreFixtures('blobs'));

  /** A conversation a new visitor starts. */
  async function conversation(store: Store): Promise<{ siteId: string; conversationId: string; visitorId: string }> {
    const site = siteRecord();
    await store.sites.create(site);
    const visitor: VisitorActor = { kind: 'visitor', visitorId: uuidv7(), siteId: site.id };
    const clientId = uuidv7();
    const out = await store.write({
      conversationId: null,
      visitor: { siteId: site.id, visitorId: visitor.visitorId },
      clientId,
      at: T0,
      authorize: (s) => canView(visitor, s),
      decide: (s) => decideMessage(s, visitor, 'Olá', clientId),
    });
    if (out.kind !== 'appended') throw new Error(out.kind);
    return { siteId: site.id, conversationId: out.conversation.id, visitorId: visitor.visitorId };
  }

  const record = (c: { siteId: string; conversationId: string; visitorId: string }, size: number): AttachmentRecord => ({
    id: uuidv7(),
    siteId: c.siteId,
    conversationId: c.conversationId,
    uploaderKind: 'visitor',
    uploaderId: c.visitorId,
    name: 'foto.png',
    mime: 'image/png',
    kind: 'image',
    size,
    storageName: uuidv7(),
    eventSeq: null,
    createdAt: T0,
  });

  it('W3: a file of several parts comes back byte for byte, through another store (node) too', async () => {
    const store = reopen();
    const c = await conversation(store);
    const bytes = new Uint8Array(randomBytes(2 * BLOB_PART_BYTES + 1234));
    const r = record(c, bytes.length);
    await store.attachments.createWithBytes!(r, bytes);
    expect(await store.attachments.byId(r.id)).toEqual(r);
    const other = reopen();
    const read = await other.attachments.bytes!(r.id);
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(read!).equals(Buffer.from(bytes))).toBe(true);
  });

  it('an empty file, a file of exactly one part, and an unknown id', async () => {
    const store = reopen();
    const c = await conversation(store);
    const empty = record(c, 0);
    await store.attachments.createWithBytes!(empty, new Uint8Array(0));
    expect(await store.attachments.bytes!(empty.id)).toEqual(new Uint8Array(0));
    const exact = new Uint8Array(randomBytes(BLOB_PART_BYTES));
    const one = record(c, exact.length);
    await store.attachments.createWithBytes!(one, exact);
    expect(Buffer.from((await store.attachments.bytes!(one.id))!).equals(Buffer.from(exact))).toBe(true);
    expect(await store.attachments.bytes!(uuidv7())).toBeNull();
  });

  it('the row and its bytes commit together: a refused row leaves no bytes', async () => {
    const store = reopen();
    const c = await conversation(store);
    const first = record(c, 3);
    await store.attachments.createWithBytes!(first, new Uint8Array([1, 2, 3]));
    // The same storage name is refused (unique): nothing of the second file is stored.
    const second = { ...record(c, 3), storageName: first.storageName };
    await expect(store.attachments.createWithBytes!(second, new Uint8Array([4, 5, 6]))).rejects.toThrow();
    expect(await store.attachments.byId(second.id)).toBeNull();
    expect(await store.attachments.bytes!(second.id)).toBeNull();
  });

  it('erasing an unsent file or its conversation removes its bytes', async () => {
    const store = reopen();
    const c = await conversation(store);
    const [a, b] = [record(c, 1), record(c, 1)];
    await store.attachments.createWithBytes!(a, new Uint8Array([7]));
    await store.attachments.createWithBytes!(b, new Uint8Array([8]));
    expect(await store.attachments.deleteUnsent(a.id)).toBe(true);
    expect(await store.attachments.bytes!(a.id)).toBeNull();
    expect(await store.conversations.delete(c.conversationId)).toBe(true);
    expect(await store.attachments.bytes!(b.id)).toBeNull();
  });
});
