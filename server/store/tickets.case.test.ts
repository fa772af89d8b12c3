/**
 * The Store port's contract for tickets and the sites' ticketing settings (SPEC T1, T2, T4, T7): every
 * implementation must pass `ticketsContract`, beside `storeContract` (store.case.test.ts). The SQLite store
 * runs it below on a real database file, the PostgreSQL store (issue 14) on a real PostgreSQL.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SiteTicketing, Ticket, TicketEntry } from '../../shared/api';
import { uuidv7 } from '../ids';
import type { AgentRecord, NewTicket, Site, Store, TicketFilter } from './store';
import { databasePerTest, pgStoreFixtures, siteRecord, sqliteStoreFixture, type StoreFixture } from './store-fixture';

const T0 = 1_750_000_000_000;

const TICKETING: SiteTicketing = {
  businessHours: { timeZone: 'America/Sao_Paulo', days: { '1': [['09:00', '12:00'], ['13:00', '18:00']], '6': [] } },
  ticketWhenNoAgents: false,
  maxWaitMs: 120_000,
  offlineFields: [],
};

export function ticketsContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract, tickets: ${name}`, () => {
    const { reopen, close: closeStore } = databasePerTest(makeStore);
    let store: Store;

    beforeEach(() => {
      store = reopen();
    });

    async function makeSite(): Promise<Site> {
      const site = siteRecord();
      await store.sites.create(site);
      return site;
    }

    async function makeAgent(): Promise<AgentRecord> {
      const id = uuidv7();
      const agent = { id, name: `Agent ${id.slice(-4)}`, email: `${id}@example.com`, role: 'agent' as const, passwordHash: 'h', createdAt: T0 };
      await store.agents.create(agent);
      return (await store.agents.byId(id))!;
    }

    function newTicket(siteId: string, fields: Partial<NewTicket> = {}): NewTicket {
      return {
        id: uuidv7(),
        siteId,
        status: 'open',
        type: 'question',
        priority: 1,
        subject: 'Pedido atrasado',
        description: 'Meu pedido não chegou.',
        requester: { name: 'Ana', email: 'ana@example.com', visitorId: null },
        assigneeId: null,
        assigneeName: null,
        conversationId: null,
        source: 'offline_form',
        clientId: null,
        createdAt: T0,
        ...fields,
      };
    }

    /** The ticket `create` stores for `t` with this number. */
    function stored(t: NewTicket, number: number): Ticket {
      const { clientId: _clientId, ...rest } = t;
      return { ...rest, number, updatedAt: t.createdAt };
    }

    async function created(t: NewTicket): Promise<Ticket> {
      const answer = await store.tickets.create(t);
      expect(answer.created).toBe(true);
      return answer.ticket;
    }

    // -----------------------------------------------------------------------------------------------------

    describe('create', () => {
      it('numbers tickets 1, 2, 3 across sites, and byId and byNumber answer what create answered', async () => {
        const a = await makeSite();
        const b = await makeSite();
        const agent = await makeAgent();
        const inputs = [
          newTicket(a.id),
          newTicket(b.id, {
            status: 'pending',
            type: 'incident',
            priority: 3,
            requester: { name: null, email: null, visitorId: 'v-1' },
            assigneeId: agent.id,
            assigneeName: agent.name,
            conversationId: 'c-1',
            source: 'agent',
            createdAt: T0 + 5,
          }),
          newTicket(a.id, { source: 'auto', clientId: uuidv7() }),
        ];
        for (const [i, t] of inputs.entries()) {
          const answer = await store.tickets.create(t);
          expect(answer).toEqual({ ticket: stored(t, i + 1), created: true });
          expect(await store.tickets.byId(t.id)).toEqual(answer.ticket);
          expect(await store.tickets.byNumber(i + 1)).toEqual(answer.ticket);
        }
        expect(await store.tickets.byId(uuidv7())).toBeNull();
        expect(await store.tickets.byNumber(4)).toBeNull();
      });

      it('T7: the same clientId on the same site answers the first ticket, created: false; on another site it is a new ticket', async () => {
        const a = await makeSite();
        const b = await makeSite();
        const clientId = uuidv7();
        const first = await created(newTicket(a.id, { clientId }));

        const again = await store.tickets.create(newTicket(a.id, { clientId, subject: 'Outro assunto', createdAt: T0 + 9 }));
        expect(again).toEqual({ ticket: first, created: false });
        expect(await store.tickets.list({ limit: 10 })).toEqual([first]);

        const elsewhere = await created(newTicket(b.id, { clientId }));
        expect(elsewhere.number).toBe(2);
        // Without a clientId every create is a new ticket.
        const t = newTicket(a.id);
        expect((await created(t)).number).toBe(3);
        expect((await created({ ...t, id: uuidv7() })).number).toBe(4);
      });

      it('concurrent creates take distinct, consecutive numbers; concurrent replays make one ticket', async () => {
        const site = await makeSite();
        const answers = await Promise.all(Array.from({ length: 20 }, () => store.tickets.create(newTicket(site.id))));
        expect(answers.every((a) => a.created)).toBe(true);
        expect(answers.map((a) => a.ticket.number).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

        const clientId = uuidv7();
        const replays = await Promise.all(Array.from({ length: 5 }, () => store.tickets.create(newTicket(site.id, { clientId }))));
        expect(replays.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(replays.map((r) => r.ticket.id)).size).toBe(1);
        expect(replays[0]!.ticket.number).toBe(21);
      });

      it('a create that fails (unknown site) stores nothing and takes no number; writes beside it commit', async () => {
        const site = await makeSite();
        const bad = store.tickets.create(newTicket(uuidv7()));
        const good = store.tickets.create(newTicket(site.id));
        await expect(bad).rejects.toThrow();
        expect((await good).ticket.number).toBe(1);
        expect((await created(newTicket(site.id))).number).toBe(2);
        expect(await store.tickets.list({ limit: 10 })).toHaveLength(2);
      });

      it('tickets, numbers, entries and replays survive reopening; numbers continue', async () => {
        const site = await makeSite();
        const clientId = uuidv7();
        const first = await created(newTicket(site.id, { clientId }));
        const entry: TicketEntry = { id: uuidv7(), ticketId: first.id, kind: 'note', authorId: null, authorName: 'Ana', text: 'x', data: null, emailed: null, at: T0 };
        await store.tickets.addEntry(entry);
        await closeStore(store);

        store = reopen();
        expect(await store.tickets.byNumber(1)).toEqual(first);
        expect(await store.tickets.entries(first.id)).toEqual([entry]);
        expect(await store.tickets.create(newTicket(site.id, { clientId }))).toEqual({ ticket: first, created: false });
        expect((await created(newTicket(site.id))).number).toBe(2);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('list', () => {
      /** Four tickets on two sites, updated one after the other: t4 is the newest. */
      async function four() {
        const a = await makeSite();
        const b = await makeSite();
        const agent = await makeAgent();
        const t1 = await created(
          newTicket(a.id, {
            subject: 'Pedido atrasado',
            requester: { name: 'Ana', email: 'ana@example.com', visitorId: 'v1' },
            conversationId: 'c1',
            assigneeId: agent.id,
            assigneeName: agent.name,
            createdAt: T0 + 1,
          }),
        );
        const t2 = await created(
          newTicket(a.id, {
            status: 'pending',
            type: 'problem',
            priority: 2,
            subject: 'Pagamento',
            description: 'Não consigo pagar o BOLETO',
            requester: { name: 'José Álvares', email: null, visitorId: 'v2' },
            createdAt: T0 + 2,
          }),
        );
        const t3 = await created(
          newTicket(b.id, {
            status: 'solved',
            type: 'incident',
            priority: 3,
            subject: 'Site fora do ar',
            description: '',
            requester: { name: null, email: 'ops@empresa.com', visitorId: null },
            conversationId: 'c2',
            createdAt: T0 + 3,
          }),
        );
        const t4 = await created(
          newTicket(a.id, {
            status: 'closed',
            type: 'task',
            priority: 0,
            subject: 'Ligar para o cliente',
            description: 'Sobre o pedido 12',
            requester: { name: 'ÉLIO', email: null, visitorId: 'v1' },
            assigneeId: agent.id,
            assigneeName: agent.name,
            source: 'agent',
            createdAt: T0 + 4,
          }),
        );
        return { a, b, agent, t1, t2, t3, t4 };
      }

      type Four = Awaited<ReturnType<typeof four>>;
      it.each<[string, (f: Four) => TicketFilter, (f: Four) => Ticket[]]>([
        ['no filter: newest update first', () => ({ limit: 10 }), (f) => [f.t4, f.t3, f.t2, f.t1]],
        ['limit', () => ({ limit: 2 }), (f) => [f.t4, f.t3]],
        ['limit 0', () => ({ limit: 0 }), () => []],
        ['one status', () => ({ status: 'open', limit: 10 }), (f) => [f.t1]],
        ['several statuses', () => ({ status: ['open', 'pending'], limit: 10 }), (f) => [f.t2, f.t1]],
        ['no status', () => ({ status: [], limit: 10 }), () => []],
        ['type', () => ({ type: 'incident', limit: 10 }), (f) => [f.t3]],
        ['priority 0', () => ({ priority: 0, limit: 10 }), (f) => [f.t4]],
        ['assignee', (f) => ({ assigneeId: f.agent.id, limit: 10 }), (f) => [f.t4, f.t1]],
        ['conversation', () => ({ conversationId: 'c1', limit: 10 }), (f) => [f.t1]],
        ['visitor', () => ({ visitorId: 'v1', limit: 10 }), (f) => [f.t4, f.t1]],
        ['one site', (f) => ({ siteIds: [f.a.id], limit: 10 }), (f) => [f.t4, f.t2, f.t1]],
        ['two sites', (f) => ({ siteIds: [f.a.id, f.b.id], limit: 10 }), (f) => [f.t4, f.t3, f.t2, f.t1]],
        ['no site', () => ({ siteIds: [], limit: 10 }), () => []],
        ['site and status', (f) => ({ siteIds: [f.b.id], status: 'open', limit: 10 }), () => []],
        ['text in the requester name and e-mail', () => ({ text: 'ana', limit: 10 }), (f) => [f.t1]],
        ['text in the description, any case', () => ({ text: 'boleto', limit: 10 }), (f) => [f.t2]],
        ['text folds non-ASCII case', () => ({ text: 'élio', limit: 10 }), (f) => [f.t4]],
        ['text in the subject, trimmed', () => ({ text: '  FORA DO  ', limit: 10 }), (f) => [f.t3]],
        ['text in the e-mail', () => ({ text: 'EMPRESA.COM', limit: 10 }), (f) => [f.t3]],
        ['digits: the number, or a word they are', () => ({ text: '2', limit: 10 }), (f) => [f.t2]],
        ['digits: a word they are (or start, from two), or the number', () => ({ text: '12', limit: 10 }), (f) => [f.t4]],
        ['words in any order, the last a prefix', () => ({ text: 'boleto consigo pag', limit: 10 }), (f) => [f.t2]],
        ['no word, no number: nothing', () => ({ text: '"*:()', limit: 10 }), () => []],
        ['#number', () => ({ text: '#3', limit: 10 }), (f) => [f.t3]],
        ['blank text is no filter', () => ({ text: '  ', limit: 10 }), (f) => [f.t4, f.t3, f.t2, f.t1]],
        ['text with a limit', () => ({ text: 'pedido', limit: 1 }), (f) => [f.t4]],
        ['text and other filters', (f) => ({ text: 'pedido', status: 'open', siteIds: [f.a.id], limit: 10 }), (f) => [f.t1]],
        ['nothing matches', () => ({ text: 'nada disso', limit: 10 }), () => []],
      ])('%s', async (_name, filter, expected) => {
        const f = await four();
        expect(await store.tickets.list(filter(f))).toEqual(expected(f));
      });

      it('S1: a ticket whose subject and requester both hold the word is listed once', async () => {
        const site = await makeSite();
        const t = await created(newTicket(site.id, { subject: 'Ana pediu troca', requester: { name: 'Ana', email: null, visitorId: null } }));
        expect(await store.tickets.list({ text: 'ana', limit: 10 })).toEqual([t]);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('update', () => {
      it('sets the fields given and updatedAt; the rest stays; the list order follows', async () => {
        const site = await makeSite();
        const agent = await makeAgent();
        const t1 = await created(newTicket(site.id, { createdAt: T0 + 1 }));
        const t2 = await created(newTicket(site.id, { createdAt: T0 + 2 }));

        const updated = await store.tickets.update(
          t1.id,
          {
            status: 'solved',
            type: 'problem',
            priority: 3,
            subject: 'Novo assunto',
            assigneeId: agent.id,
            assigneeName: agent.name,
            requesterName: 'Ana Souza',
            requesterEmail: 'ana.souza@example.com',
          },
          T0 + 10,
        );
        const expected: Ticket = {
          ...t1,
          status: 'solved',
          type: 'problem',
          priority: 3,
          subject: 'Novo assunto',
          assigneeId: agent.id,
          assigneeName: agent.name,
          requester: { ...t1.requester, name: 'Ana Souza', email: 'ana.souza@example.com' },
          updatedAt: T0 + 10,
        };
        expect(updated).toEqual(expected);
        expect(await store.tickets.byId(t1.id)).toEqual(expected);
        expect(await store.tickets.byId(t2.id)).toEqual(t2);
        expect(await store.tickets.list({ limit: 10 })).toEqual([expected, t2]);

        // null clears; undefined leaves as is; an empty patch still marks the update.
        const cleared = await store.tickets.update(t1.id, { assigneeId: null, assigneeName: null, requesterEmail: null, subject: undefined }, T0 + 11);
        expect(cleared).toEqual({ ...expected, assigneeId: null, assigneeName: null, requester: { ...expected.requester, email: null }, updatedAt: T0 + 11 });
        expect(await store.tickets.update(t2.id, {}, T0 + 12)).toEqual({ ...t2, updatedAt: T0 + 12 });
      });

      it('answers null for an unknown ticket', async () => {
        expect(await store.tickets.update(uuidv7(), { status: 'closed' }, T0)).toBeNull();
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('entries', () => {
      it('answers a ticket\'s entries oldest first, with their data and e-mail flag', async () => {
        const site = await makeSite();
        const t = await created(newTicket(site.id));
        const other = await created(newTicket(site.id));
        const entry = (fields: Partial<TicketEntry>): TicketEntry => ({
          id: uuidv7(),
          ticketId: t.id,
          kind: 'note',
          authorId: 'a1',
          authorName: 'Ana',
          text: 'Ligar amanhã',
          data: null,
          emailed: null,
          at: T0,
          ...fields,
        });
        const change = entry({ kind: 'change', text: null, data: { status: 'pending', priority: 2, assigneeId: null }, at: T0 + 3 });
        const reply = entry({ kind: 'reply', text: 'Olá, já enviamos.', emailed: true, at: T0 + 2 });
        const unsent = entry({ kind: 'reply', text: 'Oi?', emailed: false, at: T0 + 4 });
        const note = entry({ authorId: null, authorName: null, at: T0 + 1 });
        for (const e of [change, reply, unsent, note]) await store.tickets.addEntry(e);
        await store.tickets.addEntry(entry({ ticketId: other.id }));

        expect(await store.tickets.entries(t.id)).toEqual([note, reply, change, unsent]);
        expect(await store.tickets.entries(other.id)).toHaveLength(1);
        expect(await store.tickets.entries(uuidv7())).toEqual([]);
      });

      it('refuses an entry for an unknown ticket', async () => {
        await expect(
          store.tickets.addEntry({ id: uuidv7(), ticketId: uuidv7(), kind: 'note', authorId: null, authorName: null, text: 'x', data: null, emailed: null, at: T0 }),
        ).rejects.toThrow();
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('sites: ticketing', () => {
      it('is null unless given; create, update and clearing round-trip it', async () => {
        const plain = await makeSite();
        expect((await store.sites.byId(plain.id))?.ticketing).toBeNull();

        const site: Site = { ...plain, id: uuidv7(), key: `key-${uuidv7()}`, createdAt: T0 + 1, ticketing: TICKETING };
        await store.sites.create(site);
        expect(await store.sites.byId(site.id)).toEqual(site);
        expect(await store.sites.byKey(site.key)).toEqual(site);

        const next: SiteTicketing = { ...TICKETING, businessHours: null, ticketWhenNoAgents: true, maxWaitMs: null };
        expect(await store.sites.update(plain.id, { ticketing: next })).toEqual({ ...plain, ticketing: next });
        // Other fields' updates leave it alone.
        expect((await store.sites.update(plain.id, { name: 'Nova' }))?.ticketing).toEqual(next);
        expect(await store.sites.update(site.id, { ticketing: null })).toEqual({ ...site, ticketing: null });
        expect(await store.sites.list()).toEqual([{ ...plain, name: 'Nova', ticketing: next }, { ...site, ticketing: null }]);
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

ticketsContract('SQLite', () => sqliteStoreFixture('papo-tickets-'));
// Issue 14: PostgreSQL is always there (development machines and CI): never skipped. One schema per suite,
// emptied before each test (store-fixture.ts).
ticketsContract('PostgreSQL', pgStoreFixtures('tickets'));
