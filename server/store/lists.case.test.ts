/**
 * The Store port's contract for the conversation lists' pages (issue 12): keyset paging with `after`, the
 * filters read in the store (priority, label, heldBy), every row exactly once across pages even when rows
 * share an activity time. Every implementation must pass `listsContract`; the SQLite store runs it below.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import type { StatePatch } from '../domain/conversation';
import { uuidv7 } from '../ids';
import type { ConversationFilter, Store } from './store';
import { databasePerTest, patchedConversation, siteRecord, pgStoreFixtures, sqliteStoreFixture, type StoreFixture } from './store-fixture';

const T0 = 1_750_000_000_000;

export function listsContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract: ${name}: list pages (issue 12)`, () => {
    const { reopen } = databasePerTest(makeStore);
    let store: Store;
    let siteId: string;

    beforeEach(async () => {
      store = reopen();
      const site = siteRecord();
      await store.sites.create(site);
      siteId = site.id;
    });

    /** A conversation started by a new visitor at T0, then given `patch` at `at` (its activity time). */
    const conversation = (patch: StatePatch, at: number): Promise<ConversationSummary> => patchedConversation(store, siteId, patch, at, { startedAt: T0 });

    /** A new agent's id (conversations reference their agent). */
    async function agent(): Promise<string> {
      const id = uuidv7();
      await store.agents.create({ id, name: `Agent ${id.slice(-4)}`, email: `${id}@example.com`, role: 'agent', passwordHash: 'hash', createdAt: T0 });
      return id;
    }

    /** Every page of `filter`, `size` rows at a time, each read after the last row of the one before. */
    async function allPages(filter: Omit<ConversationFilter, 'limit' | 'after'>, size: number): Promise<{ pages: number; ids: string[] }> {
      const ids: string[] = [];
      let after: ConversationFilter['after'];
      for (let pages = 1; ; pages++) {
        const page = await store.conversations.list({ ...filter, ...(after ? { after } : {}), limit: size });
        ids.push(...page.map((c) => c.id));
        if (page.length < size) return { pages, ids };
        const last = page[page.length - 1]!;
        after = { updatedAt: last.updatedAt, id: last.id };
      }
    }

    /** The lists' order: newest activity first, then the greater id. */
    const listOrder = (list: readonly ConversationSummary[]) =>
      [...list].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).map((c) => c.id);

    it('R14: every closed conversation comes exactly once across pages, in list order, when many share an activity time', async () => {
      const made: ConversationSummary[] = [];
      // 23 rows over 5 distinct times: pages of 4 end inside a run of equal times, where only the id orders.
      for (let i = 0; i < 23; i++) made.push(await conversation({ status: 'closed' }, T0 + 100 + Math.floor(i / 5)));
      const { pages, ids } = await allPages({ status: 'closed', archived: false }, 4);
      expect(ids).toEqual(listOrder(made));
      expect(new Set(ids).size).toBe(23);
      expect(pages).toBe(6);
    });

    it('a page after the last row is empty', async () => {
      const c = await conversation({ status: 'closed' }, T0 + 1);
      expect(await store.conversations.list({ status: 'closed', after: { updatedAt: c.updatedAt, id: c.id }, limit: 10 })).toEqual([]);
    });

    /**
     * Thirty closed conversations over two queues, three agents (Ana, Bia, Caio), four priorities, a label on
     * some, some archived, some with a conference guest, ten of them at one shared time.
     */
    async function thirty() {
      const [q1, q2] = [uuidv7(), uuidv7()];
      const [ana, bia, caio] = [await agent(), await agent(), await agent()];
      const agents = [ana, bia, caio];
      const made: ConversationSummary[] = [];
      for (let i = 0; i < 30; i++) {
        const holder = agents[i % 3]!;
        const guest = i % 4 === 0 ? agents[(i + 1) % 3]! : null;
        made.push(
          await conversation(
            {
              status: 'closed',
              queueId: i % 5 === 0 ? null : i % 2 ? q1 : q2,
              assignedAgentId: holder,
              assignedAgentName: holder,
              priority: i % 4,
              labels: i % 3 === 1 ? ['vip', 'billing'] : i % 7 === 0 ? ['billing'] : [],
              participants: guest ? [{ id: guest, name: 'Guest' }] : [],
              archived: i % 6 === 5,
            },
            i < 10 ? T0 + 50 : T0 + 50 + i,
          ),
        );
      }
      return { q1, q2, ana, bia, caio, made };
    }
    type Thirty = Awaited<ReturnType<typeof thirty>>;

    it.each<[string, (f: Thirty) => Omit<ConversationFilter, 'limit'>, (c: ConversationSummary, f: Thirty) => boolean]>([
      ['closed', () => ({ status: 'closed', archived: false }), (c) => !c.archived],
      ['archived', () => ({ status: 'closed', archived: true }), (c) => c.archived],
      ['closed in a queue', (f) => ({ status: 'closed', archived: false, queueId: f.q1 }), (c, f) => !c.archived && c.queueId === f.q1],
      ['closed of an agent', (f) => ({ status: 'closed', archived: false, agentId: f.bia }), (c, f) => !c.archived && c.assignedAgentId === f.bia],
      ['closed of a priority', () => ({ status: 'closed', archived: false, priority: 2 }), (c) => !c.archived && c.priority === 2],
      ['closed with a label', () => ({ status: 'closed', archived: false, label: 'vip' }), (c) => !c.archived && c.labels.includes('vip')],
      ['a label matches whole labels only', () => ({ status: 'closed', label: 'bill' }), () => false],
      ['queue, agent, priority and label at once', (f) => ({ status: 'closed', queueId: f.q1, agentId: f.bia, priority: 1, label: 'billing' }),
        (c, f) => c.queueId === f.q1 && c.assignedAgentId === f.bia && c.priority === 1 && c.labels.includes('billing')],
      ['R10: held by an agent: those it holds and those it joined as a guest', (f) => ({ status: 'closed', archived: false, heldBy: f.ana }),
        (c, f) => !c.archived && (c.assignedAgentId === f.ana || c.participants.some((p) => p.id === f.ana))],
      ['R10: held by an agent, archived', (f) => ({ status: 'closed', archived: true, heldBy: f.caio }),
        (c, f) => c.archived && (c.assignedAgentId === f.caio || c.participants.some((p) => p.id === f.caio))],
      ['R10: held by an agent in one queue', (f) => ({ status: 'closed', queueId: f.q2, heldBy: f.bia }),
        (c, f) => c.queueId === f.q2 && (c.assignedAgentId === f.bia || c.participants.some((p) => p.id === f.bia))],
      ['R10: held by an agent and filtered to itself: only those it holds', (f) => ({ status: 'closed', agentId: f.ana, heldBy: f.ana }), (c, f) => c.assignedAgentId === f.ana],
      ['R10: held by an agent and filtered to another: those of the other it joined', (f) => ({ status: 'closed', agentId: f.bia, heldBy: f.caio }),
        (c, f) => c.assignedAgentId === f.bia && c.participants.some((p) => p.id === f.caio)],
    ])('%s: each page in list order, every match exactly once', async (_name, filter, keep) => {
      const f = await thirty();
      const expected = listOrder(f.made.filter((c) => keep(c, f)));
      // The fixture gives every filter at least two rows to order (and pages of one to cross), but the one that must match nothing.
      if (!filter(f).label?.startsWith('bill') || filter(f).label === 'billing') expect(expected.length).toBeGreaterThan(1);
      for (const size of [1, 3, 100]) {
        const { ids } = await allPages(filter(f), size);
        expect(ids).toEqual(expected);
      }
    });

    it('a label filter follows each change of a closed conversation: relabelled, moved in time, archived, reopened, deleted', async () => {
      const patch = async (id: string, change: StatePatch, at: number) => {
        const out = await store.write({ conversationId: id, visitor: null, clientId: null, at, authorize: () => true, decide: () => ({ ok: true, events: [], patch: change }) });
        if (out.kind !== 'appended') throw new Error(out.kind);
      };
      const ids = async (label: string, archived = false) => (await store.conversations.list({ status: 'closed', archived, label, limit: 10 })).map((c) => c.id);
      const a = await conversation({ status: 'closed', labels: ['vip', 'billing'] }, T0 + 1);
      const b = await conversation({ status: 'closed', labels: ['vip'] }, T0 + 2);
      expect(await ids('vip')).toEqual([b.id, a.id]);
      await patch(a.id, { labels: ['billing'] }, T0 + 3);
      expect(await ids('vip')).toEqual([b.id]);
      await patch(a.id, { labels: ['billing', 'vip'] }, T0 + 4);
      expect(await ids('vip')).toEqual([a.id, b.id]);
      await patch(b.id, { archived: true }, T0 + 5);
      expect(await ids('vip')).toEqual([a.id]);
      expect(await ids('vip', true)).toEqual([b.id]);
      await patch(a.id, { status: 'open' }, T0 + 6);
      expect(await ids('vip')).toEqual([]);
      expect(await ids('billing')).toEqual([]);
      await patch(a.id, { status: 'closed' }, T0 + 7);
      expect(await ids('billing')).toEqual([a.id]);
      expect(await store.conversations.delete(a.id)).toBe(true);
      expect(await ids('billing')).toEqual([]);
      expect(await ids('vip', true)).toEqual([b.id]);
    });

    it('R10: held by a guest only: its conversation comes in order between those it holds', async () => {
      const [ana, bia] = [await agent(), await agent()];
      const older = await conversation({ status: 'closed', assignedAgentId: ana }, T0 + 1);
      const joined = await conversation({ status: 'closed', assignedAgentId: bia, participants: [{ id: ana, name: 'Ana' }] }, T0 + 2);
      const newer = await conversation({ status: 'closed', assignedAgentId: ana }, T0 + 3);
      await conversation({ status: 'closed', assignedAgentId: bia }, T0 + 4);
      const got = await store.conversations.list({ status: 'closed', heldBy: ana, limit: 2 });
      expect(got.map((c) => c.id)).toEqual([newer.id, joined.id]);
      const rest = await store.conversations.list({ status: 'closed', heldBy: ana, after: { updatedAt: joined.updatedAt, id: joined.id }, limit: 2 });
      expect(rest.map((c) => c.id)).toEqual([older.id]);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

listsContract('SQLite', () => sqliteStoreFixture('papo-lists-'));
// Issue 14: PostgreSQL is always there (development machines and CI): never skipped. One schema per suite,
// emptied before each test (store-fixture.ts).
listsContract('PostgreSQL', pgStoreFixtures('lists'));
