/**
 * The Store port's contract (store.ts): every implementation must pass `storeContract`. The SQLite store runs
 * it below on a real database file; a PostgreSQL store will call `storeContract` with its own factory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/protocol';
import { canView, createdEvent, decideMessage, type Actor, type ConversationState, type Decision } from '../domain/conversation';
import { uuidv7 } from '../ids';
import { createSqliteStore } from './sqlite/store';
import type { ConversationSummary } from '../../shared/protocol';
import type { AgentRecord, Site, Store, WriteOutcome, WriteRequest } from './store';

/**
 * A fresh, empty database. `open` answers a store on it; after that store's `close()`, `open` may be called
 * again and must see the same data. `destroy` removes the database once every store on it is closed.
 */
export interface StoreFixture {
  open(): Store;
  destroy(): void;
}

const T0 = 1_750_000_000_000;

export function storeContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    let open: Store[];

    beforeEach(() => {
      fixture = makeStore();
      open = [];
      store = reopen();
    });

    afterEach(async () => {
      for (const s of open) await s.close();
      fixture.destroy();
    });

    /** Opens a store on this test's database and closes it after the test. */
    function reopen(): Store {
      const s = fixture.open();
      open.push(s);
      return s;
    }

    async function closeStore(s: Store): Promise<void> {
      await s.close();
      open = open.filter((o) => o !== s);
    }

    async function makeSite(s: Store = store): Promise<Site> {
      const site: Site = {
        id: uuidv7(),
        key: `key-${uuidv7()}`,
        name: 'Loja',
        allowedOrigins: ['https://shop.example.com', 'https://*.example.org', 'self'],
        createdAt: T0,
      };
      await s.sites.create(site);
      return site;
    }

    async function makeAgent(role: AgentRecord['role'] = 'agent', s: Store = store): Promise<AgentRecord> {
      const id = uuidv7();
      const agent: AgentRecord = { id, name: `Agent ${id.slice(-4)}`, email: `${id}@example.com`, role, passwordHash: 'hash', createdAt: T0 };
      await s.agents.create(agent);
      return agent;
    }

    const visitorActor = (siteId: string, visitorId = uuidv7()): Extract<Actor, { kind: 'visitor' }> => ({
      kind: 'visitor',
      visitorId,
      siteId,
    });

    const agentActor = (agent: AgentRecord): Actor => ({ kind: 'agent', id: agent.id, name: agent.name, role: agent.role });

    /** The write a real message makes: the domain's own rules authorise and decide it. */
    function message(
      actor: Actor,
      text: string,
      options: { conversationId?: string | null; clientId?: string; at?: number } = {},
    ): WriteRequest {
      const clientId = options.clientId ?? uuidv7();
      return {
        conversationId: options.conversationId ?? null,
        visitor: actor.kind === 'visitor' ? { siteId: actor.siteId, visitorId: actor.visitorId } : null,
        clientId,
        at: options.at ?? T0,
        authorize: (state) => canView(actor, state),
        decide: (state) => decideMessage(state, actor, text, clientId),
      };
    }

    /** A write with a rule written here (closing, refusing), for the agent that runs it. */
    function ruled(conversationId: string, decide: (state: ConversationState) => Decision, at = T0): WriteRequest {
      return { conversationId, visitor: null, clientId: null, at, authorize: () => true, decide };
    }

    const close = (conversationId: string, at = T0) =>
      ruled(conversationId, () => ({ ok: true, events: [], patch: { status: 'closed' } }), at);

    function appended(outcome: WriteOutcome): { events: ConversationEvent[]; conversation: ConversationSummary } {
      expect(outcome.kind).toBe('appended');
      if (outcome.kind !== 'appended') throw new Error(`expected appended, got ${outcome.kind}`);
      return outcome;
    }

    /** A new open conversation started by a new visitor's first message. */
    async function startConversation(at = T0, s: Store = store) {
      const site = await makeSite(s);
      const visitor = visitorActor(site.id);
      const firstClientId = uuidv7();
      const { conversation, events } = appended(await s.write(message(visitor, 'Olá', { clientId: firstClientId, at })));
      return { site, visitor, conversation, events, firstClientId };
    }

    const allEvents = (s: Store, id: string) => s.events.after(id, 0, { limit: 100_000 });
    const seqs = (events: readonly ConversationEvent[]) => events.map((e) => e.seq);

    // -----------------------------------------------------------------------------------------------------

    describe('write: starting a conversation (C3)', () => {
      it('D1, C3: a visitor\'s first message starts a conversation: created then the message, seq 1 and 2', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const clientId = uuidv7();
        const outcome = appended(await store.write(message(visitor, 'Alguém aí?', { clientId, at: T0 + 5 })));

        const id = outcome.conversation.id;
        expect(outcome.events).toEqual<ConversationEvent[]>([
          { conversationId: id, seq: 1, at: T0 + 5, ...createdEvent(visitor.visitorId) },
          { conversationId: id, seq: 2, at: T0 + 5, kind: 'message', author: { kind: 'visitor', id: visitor.visitorId, name: null }, clientId, text: 'Alguém aí?' },
        ]);
        expect(await allEvents(store, id)).toEqual(outcome.events);
        expect(outcome.conversation).toEqual<ConversationSummary>({
          id,
          siteId: site.id,
          visitorId: visitor.visitorId,
          visitorName: null,
          status: 'open',
          assignedAgentId: null,
          assignedAgentName: null,
          lastSeq: 2,
          lastMessage: { text: 'Alguém aí?', authorKind: 'visitor', at: T0 + 5 },
          createdAt: T0 + 5,
          updatedAt: T0 + 5,
        });
        expect(await store.conversations.byId(id)).toEqual(outcome.conversation);
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toEqual(outcome.conversation);
      });

      it('C3: the next message without a conversation id goes to the open conversation', async () => {
        const { visitor, conversation } = await startConversation();
        const next = appended(await store.write(message(visitor, 'Outra aba', { at: T0 + 1 })));
        expect(next.conversation.id).toBe(conversation.id);
        expect(seqs(next.events)).toEqual([3]);
        expect(await store.conversations.list({ limit: 100 })).toHaveLength(1);
      });

      it('C3: two first messages submitted at the same instant make one conversation', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const [a, b] = await Promise.all([store.write(message(visitor, 'aba 1')), store.write(message(visitor, 'aba 2'))]);
        const first = appended(a);
        const second = appended(b);
        expect(second.conversation.id).toBe(first.conversation.id);
        expect(await store.conversations.list({ limit: 100 })).toHaveLength(1);
        expect((await allEvents(store, first.conversation.id)).map((e) => e.text ?? e.kind)).toEqual(['created', 'aba 1', 'aba 2']);
      });

      it('C3: a visitor whose conversation was closed starts a new one', async () => {
        const { visitor, conversation } = await startConversation();
        appended(await store.write(close(conversation.id, T0 + 10)));
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toBeNull();

        const next = appended(await store.write(message(visitor, 'De novo', { at: T0 + 20 })));
        expect(next.conversation.id).not.toBe(conversation.id);
        expect(seqs(next.events)).toEqual([1, 2]);
        expect((await store.conversations.openForVisitor(visitor.visitorId))?.id).toBe(next.conversation.id);
        expect((await store.conversations.byId(conversation.id))?.status).toBe('closed');
      });

      it('C3: different visitors get different conversations', async () => {
        const a = await startConversation();
        const b = await startConversation();
        expect(a.conversation.id).not.toBe(b.conversation.id);
        expect(await store.conversations.list({ limit: 100 })).toHaveLength(2);
      });

      it('C3: a refused first message creates nothing', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const refused = await store.write({ ...message(visitor, 'x'), decide: () => ({ ok: false, code: 'forbidden' }) });
        expect(refused).toEqual({ kind: 'refused', code: 'forbidden' });
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toBeNull();
        expect(await store.conversations.list({ limit: 100 })).toEqual([]);
      });

      it('a write without conversation id and without visitor answers not_found', async () => {
        const out = await store.write({ ...ruled('x', () => ({ ok: true, events: [], patch: null })), conversationId: null });
        expect(out).toEqual({ kind: 'not_found' });
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('write: appending', () => {
      it('D1: consecutive writes take consecutive seqs', async () => {
        const { visitor, conversation } = await startConversation();
        const got: number[] = [];
        for (let i = 0; i < 5; i++) {
          const out = appended(await store.write(message(visitor, `m${i}`, { conversationId: conversation.id, at: T0 + i })));
          got.push(...seqs(out.events));
          expect(out.conversation.lastSeq).toBe(3 + i);
        }
        expect(got).toEqual([3, 4, 5, 6, 7]);
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
      });

      it('D1, C2: an agent\'s first reply appends assigned then the message, and the summary follows', async () => {
        const { conversation } = await startConversation();
        const agent = await makeAgent();
        const out = appended(await store.write(message(agentActor(agent), 'Olá, sou a agente', { conversationId: conversation.id, at: T0 + 50 })));
        expect(out.events.map((e) => [e.seq, e.kind, e.at])).toEqual([
          [3, 'assigned', T0 + 50],
          [4, 'message', T0 + 50],
        ]);
        expect(out.conversation).toMatchObject({
          lastSeq: 4,
          assignedAgentId: agent.id,
          assignedAgentName: agent.name,
          lastMessage: { text: 'Olá, sou a agente', authorKind: 'agent', at: T0 + 50 },
          updatedAt: T0 + 50,
          createdAt: T0,
        });
        expect(await store.conversations.byId(conversation.id)).toEqual(out.conversation);
      });

      it('D3: a clientId already stored answers duplicate with the first seq and writes nothing', async () => {
        const { visitor, conversation } = await startConversation();
        const clientId = uuidv7();
        const first = appended(await store.write(message(visitor, 'uma vez', { conversationId: conversation.id, clientId, at: T0 + 1 })));
        expect(seqs(first.events)).toEqual([3]);
        const again = await store.write(message(visitor, 'uma vez', { conversationId: conversation.id, clientId, at: T0 + 2 }));
        expect(again).toEqual({ kind: 'duplicate', seq: 3, conversation: first.conversation });
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3]);
      });

      it('D3: a duplicate answers the first seq even after the conversation changed state', async () => {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        const clientId = uuidv7();
        appended(await store.write(message(visitor, 'primeira', { conversationId: conversation.id, clientId, at: T0 + 1 })));
        appended(await store.write(message(agentActor(agent), 'minha', { conversationId: conversation.id, at: T0 + 2 })));
        appended(await store.write(close(conversation.id, T0 + 3)));
        // Closed now: a new message would be refused, but the resend of a stored one is still its ack.
        const resend = await store.write(message(visitor, 'primeira', { conversationId: conversation.id, clientId, at: T0 + 4 }));
        expect(resend).toMatchObject({ kind: 'duplicate', seq: 3 });
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3, 4, 5]);
      });

      it('D3: a first message resent without a conversation id is a duplicate', async () => {
        const { visitor, conversation, firstClientId } = await startConversation();
        const resend = await store.write(message(visitor, 'Olá', { clientId: firstClientId, at: T0 + 1 }));
        expect(resend).toEqual({ kind: 'duplicate', seq: 2, conversation });
      });

      it('D3: a first message resent after its conversation closed is still a duplicate, not a new conversation', async () => {
        const { visitor, conversation, firstClientId } = await startConversation();
        appended(await store.write(close(conversation.id, T0 + 1)));
        const resend = await store.write(message(visitor, 'Olá', { clientId: firstClientId, at: T0 + 2 }));
        expect(resend).toMatchObject({ kind: 'duplicate', seq: 2, conversation: { id: conversation.id, status: 'closed' } });
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toBeNull();
      });

      it('D3: the same clientId in another conversation is not a duplicate', async () => {
        const a = await startConversation();
        const b = await startConversation();
        const out = appended(await store.write(message(b.visitor, 'mesmo id', { conversationId: b.conversation.id, clientId: a.firstClientId })));
        expect(seqs(out.events)).toEqual([3]);
      });

      it('D3: duplicates submitted in the same tick store one message', async () => {
        const { visitor, conversation } = await startConversation();
        const request = message(visitor, 'duas abas', { conversationId: conversation.id, at: T0 + 1 });
        const outcomes = await Promise.all([store.write(request), store.write(request), store.write(request)]);
        expect(outcomes.map((o) => o.kind)).toEqual(['appended', 'duplicate', 'duplicate']);
        expect(outcomes.map((o) => (o.kind === 'duplicate' ? o.seq : o.kind === 'appended' ? o.events[0]!.seq : -1))).toEqual([3, 3, 3]);
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3]);
      });

      it('C4: two agents claiming at the same instant get exactly one owner', async () => {
        const { conversation } = await startConversation();
        const [ana, bia] = [await makeAgent(), await makeAgent()];
        const outcomes = await Promise.all([
          store.write(message(agentActor(ana), 'Minha!', { conversationId: conversation.id })),
          store.write(message(agentActor(bia), 'Minha!', { conversationId: conversation.id })),
        ]);
        expect(outcomes[0]!.kind).toBe('appended');
        expect(outcomes[1]).toEqual({ kind: 'refused', code: 'conversation_taken' });
        const stored = await store.conversations.byId(conversation.id);
        expect(stored?.assignedAgentId).toBe(ana.id);
        expect((await allEvents(store, conversation.id)).map((e) => e.kind)).toEqual(['created', 'message', 'assigned', 'message']);
      });

      it('C4: a message queued right behind a close is decided on the closed conversation', async () => {
        const { visitor, conversation } = await startConversation();
        const [closed, late] = await Promise.all([
          store.write(close(conversation.id)),
          store.write(message(visitor, 'tarde demais', { conversationId: conversation.id })),
        ]);
        expect(closed.kind).toBe('appended');
        expect(late).toEqual({ kind: 'refused', code: 'conversation_closed' });
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2]);
      });

      it('D11: a writer who may not see the conversation gets not_found, even for a clientId stored there', async () => {
        const { site, conversation, firstClientId } = await startConversation();
        const stranger = visitorActor(site.id);
        const out = await store.write(message(stranger, 'Olá', { conversationId: conversation.id, clientId: firstClientId }));
        expect(out).toEqual({ kind: 'not_found' });
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2]);
      });

      it('answers not_found for an unknown conversation and writes nothing', async () => {
        const site = await makeSite();
        const id = uuidv7();
        const out = await store.write(message(visitorActor(site.id), 'ninguém', { conversationId: id }));
        expect(out).toEqual({ kind: 'not_found' });
        expect(await allEvents(store, id)).toEqual([]);
        expect(await store.conversations.byId(id)).toBeNull();
      });

      it('D1, D2: 200 concurrent writes get seqs with no gap and no reuse, in the order submitted', async () => {
        const { visitor, conversation } = await startConversation();
        const n = 200;
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) => store.write(message(visitor, `msg ${i}`, { conversationId: conversation.id, at: T0 + 1 }))),
        );
        const got = outcomes.map((o) => appended(o).events[0]!.seq);
        expect(got).toEqual(Array.from({ length: n }, (_, i) => i + 3));
        const stored = await allEvents(store, conversation.id);
        expect(seqs(stored)).toEqual(Array.from({ length: n + 2 }, (_, i) => i + 1));
        expect(stored.slice(2).map((e) => e.text)).toEqual(Array.from({ length: n }, (_, i) => `msg ${i}`));
        expect((await store.conversations.byId(conversation.id))?.lastSeq).toBe(n + 2);
      });

      it('D1: concurrent writes to two conversations keep each one gap-free', async () => {
        const a = await startConversation();
        const b = await startConversation();
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => {
            const c = i % 2 === 0 ? a : b;
            return store.write(message(c.visitor, `m${i}`, { conversationId: c.conversation.id, at: T0 + i }));
          }),
        );
        expect(seqs(await allEvents(store, a.conversation.id))).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
        expect(seqs(await allEvents(store, b.conversation.id))).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
      });

      it('D4: flush resolves after every write submitted before it is stored', async () => {
        const { visitor, conversation } = await startConversation();
        const pending = Array.from({ length: 10 }, (_, i) => store.write(message(visitor, `f${i}`, { conversationId: conversation.id })));
        await store.flush();
        expect((await store.conversations.byId(conversation.id))?.lastSeq).toBe(12);
        expect((await Promise.all(pending)).every((o) => o.kind === 'appended')).toBe(true);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('events', () => {
      /** created(1) message(2) assigned(3) message(4) message(5) message(6) */
      async function sixEvents() {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        appended(await store.write(message(agentActor(agent), 'r1', { conversationId: conversation.id, at: T0 + 1 })));
        for (const text of ['v2', 'v3']) {
          appended(await store.write(message(visitor, text, { conversationId: conversation.id, at: T0 + 2 })));
        }
        return conversation.id;
      }

      it.each<[string, number, readonly string[] | undefined, number, number[]]>([
        ['D5: everything after 0', 0, undefined, 100, [1, 2, 3, 4, 5, 6]],
        ['D5: a limit keeps the oldest', 0, undefined, 2, [1, 2]],
        ['D5: after a seq', 2, undefined, 100, [3, 4, 5, 6]],
        ['D5: after a seq with a limit', 2, undefined, 3, [3, 4, 5]],
        ['D5: after the last seq is empty', 6, undefined, 100, []],
        ['D5: after a seq beyond the last is empty', 60, undefined, 100, []],
        ['D11: only messages', 0, ['message'], 100, [2, 4, 5, 6]],
        ['D11: only messages after a seq, limited', 3, ['message'], 2, [4, 5]],
        ['D11: several kinds', 0, ['created', 'assigned'], 100, [1, 3]],
        ['D11: a kind that is not stored', 0, ['note'], 100, []],
        ['D11: no kinds at all', 0, [], 100, []],
      ])('after: %s', async (_name, afterSeq, kinds, limit, expected) => {
        const id = await sixEvents();
        const events = await store.events.after(id, afterSeq, kinds ? { kinds, limit } : { limit });
        expect(seqs(events)).toEqual(expected);
        for (const e of events) expect(e.conversationId).toBe(id);
      });

      it.each<[string, number | null, readonly string[] | undefined, number, number[]]>([
        ['D6: the newest page, oldest first', null, undefined, 2, [5, 6]],
        ['D6: everything when the limit is large', null, undefined, 100, [1, 2, 3, 4, 5, 6]],
        ['before a seq', 5, undefined, 2, [3, 4]],
        ['before a seq, all of them', 5, undefined, 100, [1, 2, 3, 4]],
        ['before seq 1 is empty', 1, undefined, 100, []],
        ['D11: only messages, newest page', null, ['message'], 3, [4, 5, 6]],
        ['D11: only messages before a seq', 4, ['message'], 100, [2]],
        ['D11: only created and assigned', null, ['created', 'assigned'], 1, [3]],
      ])('before: %s', async (_name, beforeSeq, kinds, limit, expected) => {
        const id = await sixEvents();
        const events = await store.events.before(id, beforeSeq, kinds ? { kinds, limit } : { limit });
        expect(seqs(events)).toEqual(expected);
      });

      it('after and before of an unknown conversation are empty', async () => {
        await sixEvents();
        expect(await store.events.after(uuidv7(), 0, { limit: 10 })).toEqual([]);
        expect(await store.events.before(uuidv7(), null, { limit: 10 })).toEqual([]);
      });

      it('events of one conversation do not show in another', async () => {
        const id = await sixEvents();
        const other = await startConversation();
        expect(seqs(await allEvents(store, other.conversation.id))).toEqual([1, 2]);
        expect(seqs(await allEvents(store, id))).toEqual([1, 2, 3, 4, 5, 6]);
      });

    });

    // -----------------------------------------------------------------------------------------------------

    describe('conversations', () => {
      it('list answers the newest activity first, filters by status and keeps to the limit', async () => {
        const first = await startConversation(T0 + 1);
        const second = await startConversation(T0 + 2);
        const third = await startConversation(T0 + 3);
        const ids = async (filter: Parameters<Store['conversations']['list']>[0]) =>
          (await store.conversations.list(filter)).map((c) => c.id);

        expect(await ids({ limit: 10 })).toEqual([third, second, first].map((c) => c.conversation.id));
        expect(await ids({ limit: 2 })).toEqual([third, second].map((c) => c.conversation.id));

        // New activity moves the oldest to the front.
        appended(await store.write(message(first.visitor, 'oi', { conversationId: first.conversation.id, at: T0 + 10 })));
        expect(await ids({ limit: 10 })).toEqual([first, third, second].map((c) => c.conversation.id));

        appended(await store.write(close(third.conversation.id, T0 + 20)));
        expect(await ids({ status: 'open', limit: 10 })).toEqual([first, second].map((c) => c.conversation.id));
        expect(await ids({ status: 'closed', limit: 10 })).toEqual([third.conversation.id]);
        expect(await ids({ limit: 10 })).toEqual([third, first, second].map((c) => c.conversation.id));
      });

      it('list answers full records', async () => {
        const { conversation } = await startConversation();
        expect(await store.conversations.list({ limit: 10 })).toEqual([conversation]);
      });

      it('byId and openForVisitor answer null for unknown ids', async () => {
        await startConversation();
        expect(await store.conversations.byId(uuidv7())).toBeNull();
        expect(await store.conversations.openForVisitor(uuidv7())).toBeNull();
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('sites, agents, sessions, settings', () => {
      it('sites: create, byKey, byId, list and count', async () => {
        expect(await store.sites.count()).toBe(0);
        expect(await store.sites.list()).toEqual([]);
        const a = await makeSite();
        const b: Site = { id: uuidv7(), key: 'second', name: 'Outra', allowedOrigins: ['*'], createdAt: T0 + 1 };
        await store.sites.create(b);

        expect(await store.sites.byKey(a.key)).toEqual(a);
        expect(await store.sites.byId(b.id)).toEqual(b);
        expect(await store.sites.byKey('missing')).toBeNull();
        expect(await store.sites.byId(uuidv7())).toBeNull();
        expect(await store.sites.list()).toEqual([a, b]);
        expect(await store.sites.count()).toBe(2);
      });

      it('sites: a second site with the same key is refused', async () => {
        const a = await makeSite();
        await expect(store.sites.create({ ...a, id: uuidv7() })).rejects.toThrow();
        expect(await store.sites.count()).toBe(1);
      });

      it('agents: create, byEmail (any case), byId and count', async () => {
        expect(await store.agents.count()).toBe(0);
        const agent: AgentRecord = {
          id: uuidv7(),
          name: 'Ana Souza',
          email: 'Ana.Souza@Example.com',
          role: 'supervisor',
          passwordHash: 'scrypt$abc',
          createdAt: T0,
        };
        await store.agents.create(agent);
        const stored = { ...agent, email: 'ana.souza@example.com' };
        expect(await store.agents.byEmail('ana.souza@example.com')).toEqual(stored);
        expect(await store.agents.byEmail('ANA.SOUZA@EXAMPLE.COM')).toEqual(stored);
        expect(await store.agents.byId(agent.id)).toEqual(stored);
        expect(await store.agents.byEmail('nobody@example.com')).toBeNull();
        expect(await store.agents.byId(uuidv7())).toBeNull();
        expect(await store.agents.count()).toBe(1);
        // The e-mail is unique whatever its case.
        await expect(store.agents.create({ ...agent, id: uuidv7(), email: 'ANA.souza@example.com' })).rejects.toThrow();
        expect(await store.agents.count()).toBe(1);
      });

      it('sessions: find answers the agent of an unexpired session and ignores expired ones', async () => {
        const agent = await makeAgent('admin');
        await store.sessions.create({ tokenHash: 'live', agentId: agent.id, createdAt: T0, expiresAt: T0 + 1000 });
        await store.sessions.create({ tokenHash: 'dead', agentId: agent.id, createdAt: T0, expiresAt: T0 - 1 });

        expect(await store.sessions.find('live', T0)).toEqual(agent);
        expect(await store.sessions.find('live', T0 + 999)).toEqual(agent);
        expect(await store.sessions.find('live', T0 + 1000)).toBeNull();
        expect(await store.sessions.find('dead', T0)).toBeNull();
        expect(await store.sessions.find('unknown', T0)).toBeNull();
      });

      it('sessions: delete and deleteExpired', async () => {
        const agent = await makeAgent();
        for (const [tokenHash, expiresAt] of [['a', T0 - 10], ['b', T0], ['c', T0 + 10], ['d', T0 + 20]] as const) {
          await store.sessions.create({ tokenHash, agentId: agent.id, createdAt: T0 - 100, expiresAt });
        }
        // A session expiring exactly now is expired (find agrees, above).
        expect(await store.sessions.deleteExpired(T0)).toBe(2);
        expect(await store.sessions.deleteExpired(T0)).toBe(0);
        expect(await store.sessions.find('c', T0)).toEqual(agent);
        await store.sessions.delete('c');
        expect(await store.sessions.find('c', T0)).toBeNull();
        expect(await store.sessions.find('d', T0)).toEqual(agent);
        await store.sessions.delete('missing');
        expect(await store.sessions.find('d', T0)).toEqual(agent);
      });

      it('settings: get answers null for an unknown key; getOrSet keeps the first value', async () => {
        expect(await store.settings.get('secret')).toBeNull();
        expect(await store.settings.getOrSet('secret', 'first')).toBe('first');
        expect(await store.settings.getOrSet('secret', 'second')).toBe('first');
        expect(await store.settings.get('secret')).toBe('first');
        expect(await store.settings.getOrSet('other', 'x')).toBe('x');
        expect(await store.settings.get('secret')).toBe('first');
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('durability', () => {
      it('D1, D3: data survives close() and reopening, and sequences continue without reuse', async () => {
        const { site, visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        await store.sessions.create({ tokenHash: 'h', agentId: agent.id, createdAt: T0, expiresAt: T0 + 1000 });
        await store.settings.getOrSet('secret', 's3cret');
        const clientId = uuidv7();
        appended(await store.write(message(visitor, 'antes', { conversationId: conversation.id, clientId, at: T0 + 1 })));
        const record = await store.conversations.byId(conversation.id);
        const events = await allEvents(store, conversation.id);
        await closeStore(store);

        const reopened = reopen();
        expect(await reopened.sites.byId(site.id)).toEqual(site);
        expect(await reopened.agents.byId(agent.id)).toEqual(agent);
        expect(await reopened.sessions.find('h', T0)).toEqual(agent);
        expect(await reopened.settings.get('secret')).toBe('s3cret');
        expect(await reopened.conversations.byId(conversation.id)).toEqual(record);
        expect(await reopened.conversations.openForVisitor(visitor.visitorId)).toEqual(record);
        expect(await allEvents(reopened, conversation.id)).toEqual(events);

        // D3 holds across the restart; D1 continues at the next seq.
        expect(await reopened.write(message(visitor, 'antes', { conversationId: conversation.id, clientId, at: T0 + 2 }))).toMatchObject({
          kind: 'duplicate',
          seq: 3,
        });
        const next = appended(await reopened.write(message(visitor, 'depois', { conversationId: conversation.id, at: T0 + 3 })));
        expect(seqs(next.events)).toEqual([4]);
        // C3 holds across the restart too: a message without conversation id joins the open one.
        expect(appended(await reopened.write(message(visitor, 'mais uma', { at: T0 + 4 }))).conversation.id).toBe(conversation.id);
      });

      it('D4: writes submitted before close() are committed by it', async () => {
        const { visitor, conversation } = await startConversation();
        const pending = Array.from({ length: 20 }, (_, i) => store.write(message(visitor, `c${i}`, { conversationId: conversation.id, at: T0 + 1 })));
        await closeStore(store);
        expect((await Promise.all(pending)).every((o) => o.kind === 'appended')).toBe(true);

        const reopened = reopen();
        expect(seqs(await allEvents(reopened, conversation.id))).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------

storeContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'papo-store-'));
  const path = join(dir, 'papo.db');
  return {
    open: () => createSqliteStore(path),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
});
