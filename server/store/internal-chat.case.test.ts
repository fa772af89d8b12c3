/**
 * The Store port's contract for the agents' internal chat (issue 15): every implementation must pass
 * `internalChatContract`. The SQLite store runs it on a real database file, the PostgreSQL store on a real
 * PostgreSQL; "two stores" are two connections to one database, as two nodes are.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../ids';
import type { InternalAppend, InternalMessageRecord } from './internal-chat';
import type { Store } from './store';
import { databasePerTest, pgStoreFixtures, sqliteStoreFixture, type StoreFixture } from './store-fixture';

const T0 = 1_750_000_000_000;
const ANA = '01900000-0000-7000-8000-00000000000a';
const BIA = '01900000-0000-7000-8000-00000000000b';
const CAIO = '01900000-0000-7000-8000-00000000000c';
const DM_AB = `dm:${ANA}:${BIA}`;

export function internalChatContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract, internal chat: ${name}`, () => {
    const { reopen } = databasePerTest(makeStore);
    let store: Store;

    beforeEach(() => {
      store = reopen();
    });

    const message = (fields: Partial<InternalAppend> = {}): InternalAppend => ({
      channelId: 'team',
      authorId: ANA,
      authorName: 'Ana',
      clientId: uuidv7(),
      text: 'Alguém pode cobrir o chat das 14h?',
      at: T0,
      ...fields,
    });

    async function channels() {
      await store.internalChat.ensure({ id: 'team', kind: 'team', memberIds: [], createdAt: T0 });
      await store.internalChat.ensure({ id: DM_AB, kind: 'direct', memberIds: [ANA, BIA], createdAt: T0 + 1 });
    }

    it('ensure creates a channel once and answers the stored one on every later call', async () => {
      const first = await store.internalChat.ensure({ id: 'team', kind: 'team', memberIds: [], createdAt: T0 });
      expect(first).toEqual({ id: 'team', kind: 'team', memberIds: [], lastSeq: 0, lastMessageAt: null, createdAt: T0 });
      const again = await store.internalChat.ensure({ id: 'team', kind: 'team', memberIds: [], createdAt: T0 + 5 });
      expect(again).toEqual(first);
      expect(await store.internalChat.channel('team')).toEqual(first);
      expect(await store.internalChat.channel('dm:x:y')).toBeNull();
    });

    it('append takes seqs 1, 2, 3 per channel, moves last_seq and last_message_at, and refuses an unknown channel', async () => {
      await channels();
      const a = await store.internalChat.append(message({ at: T0 + 10 }));
      const b = await store.internalChat.append(message({ at: T0 + 20, authorId: BIA, authorName: 'Bia' }));
      const dm = await store.internalChat.append(message({ channelId: DM_AB, at: T0 + 30 }));
      expect([a, b, dm].map((o) => (o.kind === 'appended' ? o.message.seq : o.kind))).toEqual([1, 2, 1]);
      expect(b.kind === 'appended' && b.channel).toMatchObject({ id: 'team', lastSeq: 2, lastMessageAt: T0 + 20 });
      expect(await store.internalChat.channel('team')).toMatchObject({ lastSeq: 2, lastMessageAt: T0 + 20 });
      expect(await store.internalChat.append(message({ channelId: 'dm:nobody:none' }))).toEqual({ kind: 'not_found' });
    });

    it('the same client id from the same author stores one message; another author may use it', async () => {
      await channels();
      const clientId = uuidv7();
      const first = await store.internalChat.append(message({ clientId, text: 'um' }));
      const again = await store.internalChat.append(message({ clientId, text: 'um de novo' }));
      expect(first.kind).toBe('appended');
      expect(again).toEqual({ kind: 'duplicate', message: first.kind === 'appended' ? first.message : null });
      const other = await store.internalChat.append(message({ clientId, authorId: BIA, authorName: 'Bia' }));
      expect(other.kind === 'appended' && other.message.seq).toBe(2);
      expect((await store.internalChat.channel('team'))?.lastSeq).toBe(2);
    });

    it('concurrent appends from two stores on one database take gap-free seqs, and concurrent replays store one', async () => {
      await channels();
      const other = reopen();
      const appends = Array.from({ length: 30 }, (_, i) => (i % 2 ? other : store).internalChat.append(message({ text: `m${i}`, at: T0 + i })));
      const clientId = uuidv7();
      const replays = Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).internalChat.append(message({ clientId, text: 'replay' })));
      const outcomes = await Promise.all([...appends, ...replays]);
      const seqs = outcomes.flatMap((o) => (o.kind === 'appended' ? [o.message.seq] : [])).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expect(outcomes.slice(30).filter((o) => o.kind === 'duplicate')).toHaveLength(5);
      const stored = await store.internalChat.messages('team', { afterSeq: 0, limit: 100 });
      expect(stored.map((m) => m.seq)).toEqual(seqs);
      expect(stored.filter((m) => m.clientId === clientId)).toHaveLength(1);
      expect((await other.internalChat.channel('team'))?.lastSeq).toBe(31);
    });

    it('messages pages after a seq (oldest first) and before one (the newest below it, oldest first)', async () => {
      await channels();
      for (let i = 1; i <= 7; i++) await store.internalChat.append(message({ text: `m${i}`, at: T0 + i }));
      const texts = (ms: InternalMessageRecord[]) => ms.map((m) => m.text);
      expect(texts(await store.internalChat.messages('team', { afterSeq: 2, limit: 3 }))).toEqual(['m3', 'm4', 'm5']);
      expect(texts(await store.internalChat.messages('team', { beforeSeq: null, limit: 3 }))).toEqual(['m5', 'm6', 'm7']);
      expect(texts(await store.internalChat.messages('team', { beforeSeq: 5, limit: 3 }))).toEqual(['m2', 'm3', 'm4']);
      expect(texts(await store.internalChat.messages('team', { beforeSeq: 2, limit: 3 }))).toEqual(['m1']);
      expect(await store.internalChat.messages('team', { afterSeq: 7, limit: 3 })).toEqual([]);
      expect(await store.internalChat.messages(DM_AB, { afterSeq: 0, limit: 3 })).toEqual([]);
      const [first] = await store.internalChat.messages('team', { afterSeq: 0, limit: 1 });
      expect(first).toEqual({ channelId: 'team', seq: 1, authorId: ANA, authorName: 'Ana', clientId: first!.clientId, text: 'm1', at: T0 + 1 });
    });

    it('a read mark is only ever raised, per channel and agent', async () => {
      await channels();
      expect(await store.internalChat.markSeen('team', ANA, 5)).toBe(5);
      expect(await store.internalChat.markSeen('team', ANA, 3)).toBe(5);
      expect(await store.internalChat.markSeen('team', ANA, 8)).toBe(8);
      expect(await store.internalChat.markSeen('team', BIA, 2)).toBe(2);
      expect(await store.internalChat.markSeen(DM_AB, ANA, 1)).toBe(1);
      const seen = Object.fromEntries((await store.internalChat.channelsOf(ANA)).map((c) => [c.id, c.seenSeq]));
      expect(seen).toEqual({ team: 8, [DM_AB]: 1 });
    });

    it('channelsOf answers the team channel and only the direct channels the agent is a member of', async () => {
      await channels();
      await store.internalChat.ensure({ id: `dm:${BIA}:${CAIO}`, kind: 'direct', memberIds: [BIA, CAIO], createdAt: T0 + 2 });
      const ids = async (agentId: string) => (await store.internalChat.channelsOf(agentId)).map((c) => c.id).sort();
      expect(await ids(ANA)).toEqual([DM_AB, 'team'].sort());
      expect(await ids(BIA)).toEqual([DM_AB, `dm:${BIA}:${CAIO}`, 'team'].sort());
      expect(await ids(CAIO)).toEqual([`dm:${BIA}:${CAIO}`, 'team'].sort());
      const team = (await store.internalChat.channelsOf(CAIO)).find((c) => c.id === 'team');
      expect(team).toEqual({ id: 'team', kind: 'team', memberIds: [], lastSeq: 0, lastMessageAt: null, createdAt: T0, seenSeq: 0 });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

internalChatContract('SQLite', () => sqliteStoreFixture('papo-internal-'));
// PostgreSQL is always there (development machines and CI): never skipped. One schema per suite, emptied
// before each test (store-fixture.ts computes the list from the schema, the internal_* tables included).
internalChatContract('PostgreSQL', pgStoreFixtures('internal'));
