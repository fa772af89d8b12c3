/**
 * The Store port's contract for search (issue 12, SPEC S1-S3; ./search.ts): every implementation must pass
 * `searchContract`, beside `storeContract` (store.case.test.ts). The SQLite store runs it below on a real
 * database file, the PostgreSQL store (issue 14) on a real PostgreSQL.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../shared/api';
import type { ConversationSummary } from '../../shared/protocol';
import { canView, decideMessage, type AgentActor, type ConversationState, type StatePatch, type VisitorActor } from '../domain/conversation';
import { searchTerms } from '../domain/search';
import { uuidv7 } from '../ids';
import { SEARCH_SCAN, type SearchRequest, type SearchScope } from './search';
import type { AgentRecord, NewTicket, Site, Store, WriteOutcome } from './store';
import { databasePerTest, pgStoreFixtures, siteRecord, sqliteStoreFixture, type StoreFixture } from './store-fixture';

const T0 = 1_750_000_000_000;

export function searchContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract, search: ${name}`, () => {
    const { reopen } = databasePerTest(makeStore);
    let store: Store;
    let site: Site;

    beforeEach(async () => {
      store = reopen();
      site = siteRecord();
      await store.sites.create(site);
    });

    async function makeAgent(): Promise<AgentRecord> {
      const id = uuidv7();
      await store.agents.create({ id, name: `Agent ${id.slice(-4)}`, email: `${id}@example.com`, role: 'agent', passwordHash: 'h', createdAt: T0 });
      return (await store.agents.byId(id))!;
    }

    function conversationOf(outcome: WriteOutcome): ConversationSummary {
      if (outcome.kind !== 'appended') throw new Error(`expected appended, got ${outcome.kind}`);
      return outcome.conversation;
    }

    /** A visitor's message (the domain's own rule), in its open conversation or a new one. */
    async function say(visitor: VisitorActor, text: string, at = T0): Promise<ConversationSummary> {
      const clientId = uuidv7();
      return conversationOf(
        await store.write({
          conversationId: null,
          visitor: { siteId: visitor.siteId, visitorId: visitor.visitorId },
          clientId,
          at,
          authorize: () => true,
          decide: (state) => decideMessage(state, visitor, text, clientId),
        }),
      );
    }

    /** Events and state changes as a workflow decision would write them. */
    async function decide(conversationId: string, events: Array<{ kind: 'note' | 'message'; text: string }>, patch: StatePatch | null = null, at = T0) {
      return conversationOf(
        await store.write({
          conversationId,
          visitor: null,
          clientId: null,
          at,
          authorize: () => true,
          decide: () => ({ ok: true, events: events.map((e) => ({ kind: e.kind, author: { kind: 'agent', id: 'a', name: 'A' }, clientId: uuidv7(), text: e.text })), patch }),
        }),
      );
    }

    const visitor = (): VisitorActor => ({ kind: 'visitor', visitorId: uuidv7(), siteId: site.id });

    function request(q: string, overrides: Partial<SearchRequest> = {}): SearchRequest {
      return { terms: searchTerms(q), scope: null, before: null, limit: 50, scan: SEARCH_SCAN, ...overrides };
    }

    /** What a search finds, as [conversation or ticket id, field, text]. */
    async function found(q: string, overrides: Partial<SearchRequest> = {}): Promise<Array<[string, string, string]>> {
      const page = await store.search.query(request(q, overrides));
      return page.hits.map((h) => [h.kind === 'conversation' ? h.conversation.id : h.ticket.id, h.field, h.text]);
    }

    function newTicket(overrides: Partial<NewTicket> = {}): NewTicket {
      return {
        id: uuidv7(),
        siteId: site.id,
        status: 'open',
        type: 'question',
        priority: 1,
        subject: 'Assunto',
        description: '',
        requester: { name: null, email: null, visitorId: null },
        assigneeId: null,
        assigneeName: null,
        conversationId: null,
        source: 'agent',
        clientId: null,
        createdAt: T0,
        ...overrides,
      };
    }

    async function ticket(overrides: Partial<NewTicket> = {}): Promise<Ticket> {
      return (await store.tickets.create(newTicket(overrides))).ticket;
    }

    // -----------------------------------------------------------------------------------------------------

    describe('S1: what is indexed', () => {
      it('S1: messages are found without their accents or case, with the seq, the stored text and the time', async () => {
        const v = visitor();
        const c = await say(v, 'Preciso de uma AÇÃO urgente', T0 + 5);
        const page = await store.search.query(request('acao'));
        expect(page.more).toBe(false);
        expect(page.hits).toEqual([
          { kind: 'conversation', conversation: await store.conversations.byId(c.id), field: 'message', seq: 2, text: 'Preciso de uma AÇÃO urgente', at: T0 + 5, doc: expect.any(Number) },
        ]);
        expect(await found('ÃÇÃO')).toHaveLength(1);
        expect(await found('urg')).toHaveLength(1); // the last word as a prefix
        expect(await found('acao urgentissimo')).toEqual([]); // every word must match
      });

      it('S1: messages committed together in one group transaction are all found, each once', async () => {
        const written = await Promise.all(Array.from({ length: 40 }, (_, i) => say(visitor(), `lote ${i} de entregas combinadas`)));
        const hits = await found('entregas combinadas');
        expect(hits).toHaveLength(40);
        expect(new Set(hits.map(([id]) => id))).toEqual(new Set(written.map((c) => c.id)));
      });

      it('S1: notes are indexed for agents; system events and messages of files alone are not', async () => {
        const c = await say(visitor(), 'Oi');
        await decide(c.id, [{ kind: 'note', text: 'Cliente pediu reembolso' }]);
        await decide(c.id, [{ kind: 'message', text: '' }]);
        expect(await found('reembolso')).toEqual([[c.id, 'message', 'Cliente pediu reembolso']]);
        expect(await found('created')).toEqual([]);
      });

      it('S1: the visitor\'s name and e-mail, as the conversation or else the visitor record has them; a rename reindexes', async () => {
        const v = visitor();
        await store.visitors.touch({ id: v.visitorId, siteId: site.id, name: 'Joana Lima', email: 'joana@example.com' }, T0);
        const c = await say(v, 'Olá');
        expect(await found('joana')).toEqual([[c.id, 'visitor', 'Joana Lima joana@example.com']]);

        await store.visitors.touch({ id: v.visitorId, siteId: site.id, name: 'Joana Souza' }, T0 + 1);
        expect(await found('souza')).toEqual([[c.id, 'visitor', 'Joana Souza joana@example.com']]);
        expect(await found('lima')).toEqual([]);

        // The requester the agent sets on the conversation wins over the record.
        await decide(c.id, [], { visitorName: 'Jô', requesterEmail: 'jo@empresa.com' });
        expect(await found('empresa')).toEqual([[c.id, 'visitor', 'Jô jo@empresa.com']]);
        expect(await found('souza')).toEqual([]);
      });

      it('S1: labels, replaced when they change', async () => {
        const c = await say(visitor(), 'Oi');
        await decide(c.id, [], { labels: ['vip', 'entrega'] });
        expect(await found('vip')).toEqual([[c.id, 'label', 'vip entrega']]);
        await decide(c.id, [], { labels: ['cobrança'] });
        expect(await found('vip')).toEqual([]);
        expect(await found('cobranca')).toEqual([[c.id, 'label', 'cobrança']]);
        await decide(c.id, [], { labels: [] });
        expect(await found('cobranca')).toEqual([]);
      });

      it('S1: tickets by subject and description, requester and entries; changes reindex', async () => {
        const t = await ticket({ subject: 'Segunda via', description: 'Não recebi o BOLETO', requester: { name: 'Élio', email: 'elio@example.com', visitorId: null } });
        await store.tickets.addEntry({ id: 'e1', ticketId: t.id, kind: 'note', authorId: null, authorName: 'Ana', text: 'Ligar amanhã', data: null, emailed: null, at: T0 + 3 });
        await store.tickets.addEntry({ id: 'e2', ticketId: t.id, kind: 'change', authorId: null, authorName: 'Ana', text: null, data: { status: 'pending' }, emailed: null, at: T0 + 4 });
        expect(await found('boleto')).toEqual([[t.id, 'subject', 'Segunda via\nNão recebi o BOLETO']]);
        expect(await found('elio')).toEqual([[t.id, 'requester', 'Élio elio@example.com']]);
        const entry = (await store.search.query(request('amanha'))).hits;
        expect(entry).toMatchObject([{ kind: 'ticket', ticket: { id: t.id }, field: 'entry', entryId: 'e1', text: 'Ligar amanhã', at: T0 + 3 }]);

        await store.tickets.update(t.id, { subject: 'Boleto vencido', requesterName: 'Hélio' }, T0 + 5);
        expect(await found('segunda')).toEqual([]);
        expect(await found('vencido')).toEqual([[t.id, 'subject', 'Boleto vencido\nNão recebi o BOLETO']]);
        expect(await found('helio')).toEqual([[t.id, 'requester', 'Hélio elio@example.com']]);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('S1: removal takes texts out of the index in the same write', () => {
      it('S1: a deleted conversation\'s messages, visitor and labels are no longer found', async () => {
        const v = visitor();
        await store.visitors.touch({ id: v.visitorId, siteId: site.id, name: 'Zélia' }, T0);
        const c = await say(v, 'segredo guardado');
        await decide(c.id, [{ kind: 'note', text: 'segredo anotado' }], { labels: ['segredo'] });
        expect(await found('segredo')).toHaveLength(3);
        expect(await store.conversations.delete(c.id)).toBe(true);
        expect(await found('segredo')).toEqual([]);
        expect(await found('zelia')).toEqual([]);
      });

      it('S1: erasing a visitor (its conversations, its tickets, then its record) leaves nothing of it to find', async () => {
        const v = visitor();
        await store.visitors.touch({ id: v.visitorId, siteId: site.id, name: 'Tereza', email: 'tereza@example.com' }, T0);
        const c = await say(v, 'Meu endereço é Rua Tereza 10');
        const t = await ticket({ subject: 'Pedido da Tereza', requester: { name: 'Tereza', email: 'tereza@example.com', visitorId: v.visitorId } });
        await store.tickets.addEntry({ id: uuidv7(), ticketId: t.id, kind: 'reply', authorId: null, authorName: 'Ana', text: 'Olá Tereza', data: null, emailed: true, at: T0 });
        const other = await say(visitor(), 'Tereza é minha vizinha');
        expect((await found('tereza')).length).toBe(6);

        await store.conversations.delete(c.id);
        await store.tickets.delete(t.id);
        await store.visitors.delete(v.visitorId);
        expect(await found('tereza')).toEqual([[other.id, 'message', 'Tereza é minha vizinha']]);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('S1, R10: an agent\'s scope', () => {
      it('R10: with a scope, exactly the matching conversations canView lets the agent see; tickets for all', async () => {
        const me = await makeAgent();
        const other = await makeAgent();
        const mine = 'q-mine';
        const theirs = 'q-theirs';
        const scope: SearchScope = { agentId: me.id, queueIds: [mine] };
        const actor: AgentActor = { kind: 'agent', id: me.id, name: me.name, role: 'agent', queueIds: new Set([mine]) };
        const offer = (agentId: string) => ({ agentId, agentName: 'X', expiresAt: T0 + 60_000 });
        const req = (to: { toAgentId: string | null; toQueueId: string | null }) => ({ kind: 'transfer' as const, fromAgentId: other.id, toName: 'X', expiresAt: T0 + 60_000, ...to });

        const cases: Array<[string, StatePatch]> = [
          ['waiting, no queue', {}],
          ['waiting in my queue', { queueId: mine }],
          ['waiting in another queue', { queueId: theirs }],
          ['with the bot', { bot: true }],
          ['assigned to me', { assignedAgentId: me.id, queueId: theirs }],
          ['assigned to me, closed', { assignedAgentId: me.id, status: 'closed' }],
          ['assigned to another', { assignedAgentId: other.id }],
          ['closed, unassigned', { status: 'closed' }],
          ['offered to me', { offer: offer(me.id), queueId: theirs }],
          ['offered to another', { offer: offer(other.id), queueId: theirs }],
          ['a guest of mine', { assignedAgentId: other.id, participants: [{ id: me.id, name: me.name }] }],
          ['a guest of another', { assignedAgentId: other.id, participants: [{ id: 'x', name: 'X' }] }],
          ['transfer to me', { assignedAgentId: other.id, request: req({ toAgentId: me.id, toQueueId: null }) }],
          ['transfer to my queue', { assignedAgentId: other.id, request: req({ toAgentId: null, toQueueId: mine }) }],
          ['transfer to another queue', { assignedAgentId: other.id, request: req({ toAgentId: null, toQueueId: theirs }) }],
          ['transfer to another', { assignedAgentId: other.id, request: req({ toAgentId: other.id, toQueueId: null }) }],
        ];
        const states = new Map<string, ConversationState>();
        for (const [label, patch] of cases) {
          const c = await say(visitor(), `visibilidade ${label}`);
          states.set(c.id, await decide(c.id, [], patch));
        }
        const t = await ticket({ subject: 'visibilidade do chamado' });

        const hits = await found('visibilidade', { scope });
        const expected = [...states.entries()].filter(([, s]) => canView(actor, s)).map(([id]) => id);
        expect(expected.length).toBe(8); // the cases above are not all visible, nor all hidden
        expect(new Set(hits.map(([id]) => id))).toEqual(new Set([...expected, t.id]));
        expect(new Set((await found('visibilidade')).map(([id]) => id))).toEqual(new Set([...states.keys(), t.id]));
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('S2: keyset pages of the newest matches', () => {
      it('S2: the matches come newest first, unranked (the service ranks a page: domain rankScores)', async () => {
        const long = await say(visitor(), `entrega ${'palavra '.repeat(40)}`);
        const old = await say(visitor(), 'entrega hoje');
        const recent = await say(visitor(), 'entrega hoje');
        expect((await found('entrega')).map(([id]) => id)).toEqual([recent.id, old.id, long.id]);
        const page = await store.search.query(request('entrega'));
        const docs = page.hits.map((h) => h.doc);
        expect(docs).toEqual([...docs].sort((a, b) => b - a));
      });

      it('S2: `before` and `limit` page by keyset; `last` and `more` tell where to go on; later texts never shift a page', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await say(visitor(), `pedido ${i}`)).id);
        const newestFirst = [...ids].reverse();
        const conversations = (page: { hits: Array<{ kind: string; conversation?: { id: string } }> }) => page.hits.map((h) => h.conversation?.id);
        const first = await store.search.query(request('pedido', { limit: 2 }));
        expect(conversations(first)).toEqual(newestFirst.slice(0, 2));
        expect(first).toMatchObject({ read: 2, more: true, last: first.hits[1]!.doc });

        const late = await say(visitor(), 'pedido novo');
        const second = await store.search.query(request('pedido', { limit: 2, before: first.last }));
        expect(conversations(second)).toEqual(newestFirst.slice(2, 4));
        const third = await store.search.query(request('pedido', { limit: 2, before: second.last }));
        expect(conversations(third)).toEqual(newestFirst.slice(4));
        expect(third).toMatchObject({ read: 1, more: false });
        expect((await found('pedido', { limit: 1 }))[0]![0]).toBe(late.id);
      });

      it('S2: `scan` bounds the matches read, seen or not: a page of hidden matches stops there, with `last` to go on from', async () => {
        const [me, other] = [await makeAgent(), await makeAgent()];
        const scope: SearchScope = { agentId: me.id, queueIds: [] };
        const mine = await say(visitor(), 'frete meu');
        await decide(mine.id, [], { assignedAgentId: me.id });
        for (let i = 0; i < 4; i++) await decide((await say(visitor(), `frete ${i}`)).id, [], { assignedAgentId: other.id });

        const cut = await store.search.query(request('frete', { scope, scan: 3 }));
        expect(cut).toMatchObject({ hits: [], read: 3, more: true });
        const rest = await store.search.query(request('frete', { scope, scan: 3, before: cut.last }));
        expect(rest.hits.map((h) => h.kind === 'conversation' && h.conversation.id)).toEqual([mine.id]);
        expect(rest).toMatchObject({ read: 2, more: false });
        // Matches a scope hides count as read, so hidden ones never make a page cost more than `scan`.
        expect((await store.search.query(request('frete', { scan: 3 }))).read).toBe(3);
      });

      it('S2: no words or no room: no hits, and no error', async () => {
        await say(visitor(), 'qualquer coisa');
        expect(await found('')).toEqual([]);
        expect(await found('qualquer', { limit: 0 })).toEqual([]);
      });

      it('S2: words that read as full-text syntax are words', async () => {
        const c = await say(visitor(), 'NEAR or AND not text');
        expect(await found('near OR and NOT text')).toEqual([[c.id, 'message', 'NEAR or AND not text']]);
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

searchContract('SQLite', () => sqliteStoreFixture('papo-search-'));
// Issue 14: PostgreSQL is always there (development machines and CI): never skipped. One schema per suite,
// emptied before each test (store-fixture.ts).
searchContract('PostgreSQL', pgStoreFixtures('search'));
