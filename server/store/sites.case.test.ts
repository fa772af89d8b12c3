/**
 * The Store port's contract for issue 15 (site owners): deleting a site with everything that belongs to it,
 * and the refused origins counted per site, origin and UTC day. Every implementation must pass `sitesContract`,
 * beside `storeContract` (store.case.test.ts); it runs below on SQLite (a real file) and PostgreSQL.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { canView, decideMessage, type Actor } from '../domain/conversation';
import { uuidv7 } from '../ids';
import type { Site, Store, WriteRequest } from './store';
import { databasePerTest, pgStoreFixtures, siteRecord, sqliteStoreFixture, type StoreFixture } from './store-fixture';

const T0 = Date.UTC(2026, 11, 8, 10, 0, 0);
const DAY = 86_400_000;

export function sitesContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract, sites and refused origins: ${name}`, () => {
    const { reopen } = databasePerTest(makeStore);
    let store: Store;

    beforeEach(() => {
      store = reopen();
    });

    async function makeSite(): Promise<Site> {
      const site = siteRecord();
      await store.sites.create(site);
      return site;
    }

    /** A visitor's first message on the site: a visitor, a conversation with its events. */
    async function chat(siteId: string): Promise<{ conversationId: string; visitorId: string }> {
      const visitorId = uuidv7();
      await store.visitors.touch({ id: visitorId, siteId, name: 'Ana', email: 'ana@example.com' }, T0);
      const actor: Actor = { kind: 'visitor', visitorId, siteId };
      const clientId = uuidv7();
      const request: WriteRequest = {
        conversationId: null,
        visitor: { siteId, visitorId },
        clientId,
        at: T0,
        authorize: (state) => canView(actor, state),
        decide: (state) => decideMessage(state, actor, 'Quero falar sobre meu pedido', clientId),
      };
      const outcome = await store.write(request);
      if (outcome.kind !== 'appended') throw new Error(outcome.kind);
      return { conversationId: outcome.conversation.id, visitorId };
    }

    async function contents(site: Site) {
      return {
        conversations: (await store.conversations.list({ siteId: site.id, limit: 100 })).length,
        tickets: (await store.tickets.list({ siteIds: [site.id], limit: 100 })).length,
        queues: (await store.queues.list(site.id)).length,
        refused: (await store.refusedOrigins.list(site.id, T0 - DAY)).length,
      };
    }

    describe('sites.delete', () => {
      it('removes the site, its conversations with their events, tickets, visitors, queues and refused origins; another site keeps its own', async () => {
        const doomed = await makeSite();
        const kept = await makeSite();
        for (const site of [doomed, kept]) {
          const { conversationId, visitorId } = await chat(site.id);
          await store.queues.create({ id: uuidv7(), siteId: site.id, name: 'Vendas', strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt: T0 });
          await store.tickets.create({
            id: uuidv7(),
            siteId: site.id,
            status: 'open',
            type: 'question',
            priority: 1,
            subject: 'Pedido atrasado',
            description: 'Meu pedido não chegou',
            requester: { name: 'Ana', email: 'ana@example.com', visitorId },
            assigneeId: null,
            assigneeName: null,
            conversationId,
            source: 'agent',
            clientId: null,
            createdAt: T0,
          });
          await store.refusedOrigins.record(site.id, 'https://shop.example.com', T0, { count: 1, cap: 20 });
        }
        const [doomedChat] = await store.conversations.list({ siteId: doomed.id, limit: 1 });

        expect(await store.sites.delete(doomed.id)).toBe(true);

        expect(await store.sites.byId(doomed.id)).toBeNull();
        expect(await contents(doomed)).toEqual({ conversations: 0, tickets: 0, queues: 0, refused: 0 });
        expect(await store.conversations.byId(doomedChat!.id)).toBeNull();
        expect(await store.events.after(doomedChat!.id, 0, { limit: 100 })).toEqual([]);
        expect(await store.visitors.byId(doomedChat!.visitorId)).toBeNull();
        expect(await contents(kept)).toEqual({ conversations: 1, tickets: 1, queues: 1, refused: 1 });
        expect((await store.sites.list()).map((s) => s.id)).toEqual([kept.id]);
      });

      it('answers false for a site that does not exist, and changes nothing', async () => {
        const site = await makeSite();
        expect(await store.sites.delete(uuidv7())).toBe(false);
        expect(await store.sites.byId(site.id)).toEqual(site);
      });
    });

    describe('refusedOrigins', () => {
      it('counts an origin per UTC day, keeps the latest time, and lists from the day of `since` on, the most recent first', async () => {
        const site = await makeSite();
        const shop = 'https://shop.example.com';
        expect(await store.refusedOrigins.record(site.id, shop, T0 - DAY, { count: 3, cap: 20 })).toBe(true);
        expect(await store.refusedOrigins.record(site.id, shop, T0, { count: 1, cap: 20 })).toBe(true);
        expect(await store.refusedOrigins.record(site.id, shop, T0 + 5_000, { count: 2, cap: 20 })).toBe(true);
        expect(await store.refusedOrigins.record(site.id, shop, T0 + 1_000, { count: 1, cap: 20 })).toBe(true);
        expect(await store.refusedOrigins.record(site.id, 'http://localhost:3000', T0 + 2_000, { count: 1, cap: 20 })).toBe(true);

        expect(await store.refusedOrigins.list(site.id, T0)).toEqual([
          { origin: shop, day: '2026-12-08', count: 4, lastAt: T0 + 5_000 },
          { origin: 'http://localhost:3000', day: '2026-12-08', count: 1, lastAt: T0 + 2_000 },
        ]);
        expect(await store.refusedOrigins.list(site.id, T0 - DAY)).toEqual([
          { origin: shop, day: '2026-12-08', count: 4, lastAt: T0 + 5_000 },
          { origin: 'http://localhost:3000', day: '2026-12-08', count: 1, lastAt: T0 + 2_000 },
          { origin: shop, day: '2026-12-07', count: 3, lastAt: T0 - DAY },
        ]);
        // Another site's list is its own.
        expect(await store.refusedOrigins.list((await makeSite()).id, T0 - DAY)).toEqual([]);
      });

      it('records at most `cap` distinct origins per site and day; known origins still count, and the next day starts afresh', async () => {
        const site = await makeSite();
        for (let i = 0; i < 3; i++) expect(await store.refusedOrigins.record(site.id, `https://o${i}.example.com`, T0, { count: 1, cap: 3 })).toBe(true);
        expect(await store.refusedOrigins.record(site.id, 'https://flood.example.com', T0, { count: 1, cap: 3 })).toBe(false);
        expect(await store.refusedOrigins.record(site.id, 'https://o1.example.com', T0, { count: 1, cap: 3 })).toBe(true);
        const today = await store.refusedOrigins.list(site.id, T0);
        expect(today.map((r) => r.origin).sort()).toEqual(['https://o0.example.com', 'https://o1.example.com', 'https://o2.example.com']);
        expect(today.find((r) => r.origin === 'https://o1.example.com')?.count).toBe(2);
        // Another site's cap is its own; tomorrow is a new day.
        expect(await store.refusedOrigins.record((await makeSite()).id, 'https://flood.example.com', T0, { count: 1, cap: 3 })).toBe(true);
        expect(await store.refusedOrigins.record(site.id, 'https://flood.example.com', T0 + DAY, { count: 1, cap: 3 })).toBe(true);
      });

      it('clear forgets the origin on every day, for that site only', async () => {
        const site = await makeSite();
        const other = await makeSite();
        const shop = 'https://shop.example.com';
        await store.refusedOrigins.record(site.id, shop, T0 - DAY, { count: 1, cap: 20 });
        await store.refusedOrigins.record(site.id, shop, T0, { count: 1, cap: 20 });
        await store.refusedOrigins.record(site.id, 'https://other.example.com', T0, { count: 1, cap: 20 });
        await store.refusedOrigins.record(other.id, shop, T0, { count: 1, cap: 20 });

        await store.refusedOrigins.clear(site.id, shop);

        expect((await store.refusedOrigins.list(site.id, T0 - DAY)).map((r) => r.origin)).toEqual(['https://other.example.com']);
        expect((await store.refusedOrigins.list(other.id, T0 - DAY)).map((r) => r.origin)).toEqual([shop]);
      });
    });

  });
}

// ---------------------------------------------------------------------------------------------------------

sitesContract('SQLite', () => sqliteStoreFixture('papo-sites-'));
// PostgreSQL is always there (development machines and CI): never skipped. One schema per suite.
sitesContract('PostgreSQL', pgStoreFixtures('sites'));
