/**
 * The Store port's contract (store.ts): every implementation must pass `storeContract`. It runs below on the
 * SQLite store (a real database file) and on the PostgreSQL store (a real database, schema per suite).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationSummary, EventData, PendingRequest } from '../../shared/protocol';
import { summaryFixture } from '../../shared/test/summary';
import {
  canView,
  createdEvent,
  decideMessage,
  messageEvent,
  SYSTEM,
  type Actor,
  type ConversationState,
  type Decision,
  type NewEvent,
  type StatePatch,
} from '../domain/conversation';
import { DEFAULT_WIDGET } from '../../shared/api';
import { AppError } from '../errors';
import { uuidv7 } from '../ids';
import type {
  AgentRecord,
  CannedReply,
  ConversationFilter,
  QueueRecord,
  Site,
  Store,
  VisitorRecord,
  WrapUpReason,
  WriteOutcome,
  WriteRequest,
} from './store';
import { databasePerTest, siteRecord, pgStoreFixtures, sqliteStoreFixture, type StoreFixture } from './store-fixture';

const T0 = 1_750_000_000_000;

/** What `agents.create` stores for the fields it is not given. */
const AGENT_DEFAULTS = { capacity: 3, availability: 'available', availabilitySince: 0, prefs: { sound: true, preview: true }, disabled: false } as const;

export function storeContract(name: string, makeStore: () => StoreFixture): void {
  describe(`Store contract: ${name}`, () => {
    const { reopen, close: closeStore } = databasePerTest(makeStore);
    let store: Store;

    beforeEach(() => {
      store = reopen();
    });

    async function makeSite(s: Store = store): Promise<Site> {
      const site = siteRecord({ allowedOrigins: ['https://shop.example.com', 'https://*.example.org', 'self'] });
      await s.sites.create(site);
      return site;
    }

    /** An agent as stored: the fields `create` leaves out take their defaults. */
    async function makeAgent(role: AgentRecord['role'] = 'agent', s: Store = store, createdAt = T0): Promise<AgentRecord> {
      const id = uuidv7();
      const agent = { id, name: `Agent ${id.slice(-4)}`, email: `${id}@example.com`, role, passwordHash: 'hash', createdAt };
      await s.agents.create(agent);
      return { ...agent, ...AGENT_DEFAULTS };
    }

    async function makeQueue(siteId: string, name = `Queue ${uuidv7().slice(-6)}`, createdAt = T0): Promise<QueueRecord> {
      const queue: QueueRecord = { id: uuidv7(), siteId, name, strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt };
      await store.queues.create(queue);
      return queue;
    }

    const visitorActor = (siteId: string, visitorId = uuidv7()): Extract<Actor, { kind: 'visitor' }> => ({
      kind: 'visitor',
      visitorId,
      siteId,
    });

    const agentActor = (agent: AgentRecord): Actor => ({
      kind: 'agent',
      id: agent.id,
      name: agent.name,
      role: agent.role,
      queueIds: new Set<string>(),
    });

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

    /** Sets state columns directly, as a workflow decision would, with no event. */
    async function patchState(conversationId: string, patch: StatePatch, at = T0): Promise<ConversationSummary> {
      return appended(await store.write(ruled(conversationId, () => ({ ok: true, events: [], patch }), at))).conversation;
    }

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
        expect(outcome.conversation).toEqual<ConversationSummary>(
          summaryFixture({
            id,
            siteId: site.id,
            visitorId: visitor.visitorId,
            lastSeq: 2,
            lastMessage: { text: 'Alguém aí?', authorKind: 'visitor', at: T0 + 5 },
            createdAt: T0 + 5,
            updatedAt: T0 + 5,
            firstMessage: 'Alguém aí?',
          }),
        );
        expect(await store.conversations.byId(id)).toEqual(outcome.conversation);
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toEqual(outcome.conversation);
      });

      it('issue 15, R11: a conversation an agent opens with the proactive patch reads back proactive in byId, list and after a restart; a visitor\'s does not', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const agent = await makeAgent();
        const author = { kind: 'agent' as const, id: agent.id, name: agent.name };
        const opened = appended(
          await store.write({
            conversationId: null,
            visitor: { siteId: site.id, visitorId: visitor.visitorId },
            clientId: null,
            at: T0 + 3,
            authorize: () => true,
            decide: () => ({ ok: true, events: [{ kind: 'message', author, clientId: null, text: 'Posso ajudar?' }], patch: { assignedAgentId: agent.id, assignedAgentName: agent.name, proactive: true } }),
          }),
        );
        expect(opened.conversation.proactive).toBe(true);
        expect((await store.conversations.byId(opened.conversation.id))?.proactive).toBe(true);
        const { conversation: started } = await startConversation(T0 + 4);
        expect(started.proactive).toBe(false);
        const listed = await store.conversations.list({ limit: 10 });
        expect(Object.fromEntries(listed.map((c) => [c.id, c.proactive]))).toEqual({ [opened.conversation.id]: true, [started.id]: false });

        await closeStore(store);
        const reopened = reopen();
        expect((await reopened.conversations.byId(opened.conversation.id))?.proactive).toBe(true);
        expect((await reopened.conversations.byId(started.id))?.proactive).toBe(false);
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
        // Decided on the committed state: Ana holds it now, so Bia (an agent, R10) no longer sees it at all.
        // Decided on the state both read before, it would have been a second claim.
        expect(outcomes[1]).toEqual({ kind: 'not_found' });
        const stored = await store.conversations.byId(conversation.id);
        expect(stored?.assignedAgentId).toBe(ana.id);
        expect((await allEvents(store, conversation.id)).map((e) => e.kind)).toEqual(['created', 'message', 'assigned', 'message']);
      });

      it("C4/R1: a rule reads an agent's load inside the write, counting the writes decided before it in the same commit", async () => {
        const ana = await makeAgent();
        const waiting = [(await startConversation()).conversation, (await startConversation()).conversation, (await startConversation()).conversation];
        await patchState((await startConversation()).conversation.id, { assignedAgentId: ana.id, status: 'ended' }); // takes no room
        const seen: number[] = [];
        // Each claims only while Ana has fewer than 2: submitted at once, they are decided one after the other.
        const claim = (id: string) =>
          store.write({
            ...ruled(id, () => ({ ok: false, code: 'internal' })),
            decide: (_state, _files, reads) => {
              const load = reads!.loadOf(ana.id);
              seen.push(load);
              return load < 2 ? { ok: true, events: [], patch: { assignedAgentId: ana.id } } : { ok: false, code: 'at_capacity' };
            },
          });
        const outcomes = await Promise.all(waiting.map((c) => claim(c.id)));
        expect(seen).toEqual([0, 1, 2]);
        expect(outcomes.map((o) => o.kind)).toEqual(['appended', 'appended', 'refused']);
        expect((await store.conversations.loads()).get(ana.id)).toBe(2);
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

    describe('write: workflow state', () => {
      const offer = { agentId: 'offered-agent', agentName: 'Bia', expiresAt: T0 + 30_000 };
      const request: PendingRequest = {
        kind: 'transfer',
        fromAgentId: 'from-agent',
        toAgentId: null,
        toQueueId: 'queue-1',
        toName: 'Vendas',
        expiresAt: T0 + 60_000,
      };
      const data: EventData = { via: 'test', count: 2, flag: true, none: null, list: ['a', 'b'] };

      /** Every field a decision may change, none left at its default (Required: a new field must join it). */
      function everyField(agent: AgentRecord): Required<StatePatch> {
        return {
          status: 'ended',
          assignedAgentId: agent.id,
          assignedAgentName: agent.name,
          queueId: 'queue-1',
          queuedAt: T0 + 1,
          priority: 3,
          bot: true,
          offer,
          request,
          participants: [
            { id: 'guest-1', name: 'Guest One' },
            { id: 'guest-2', name: 'Guest Two' },
          ],
          labels: ['vip', 'billing'],
          archived: true,
          visitorName: 'Carla',
          requesterEmail: 'carla@example.com',
          wrapUpReason: 'Resolved',
          proactive: true,
        };
      }

      it('a patch with every state field and an event with data round-trip through byId, list, events and a restart', async () => {
        const { conversation } = await startConversation();
        const agent = await makeAgent();
        const patch = everyField(agent);
        const author = { kind: 'agent' as const, id: agent.id, name: agent.name };
        const out = appended(
          await store.write(
            ruled(conversation.id, () => ({ ok: true, events: [{ kind: 'priority_changed', author, clientId: null, text: null, data }], patch }), T0 + 9),
          ),
        );

        const expected: ConversationSummary = {
          ...conversation,
          status: 'ended',
          visitorName: 'Carla',
          assignedAgentId: agent.id,
          assignedAgentName: agent.name,
          lastSeq: 3,
          updatedAt: T0 + 9,
          queueId: 'queue-1',
          queuedAt: T0 + 1,
          priority: 3,
          bot: true,
          offer,
          request,
          participants: patch.participants,
          labels: ['vip', 'billing'],
          requesterEmail: 'carla@example.com',
          wrapUpReason: 'Resolved',
          archived: true,
          firstMessage: 'Olá',
          proactive: true,
        };
        const event: ConversationEvent = { conversationId: conversation.id, seq: 3, kind: 'priority_changed', author, clientId: null, text: null, data, at: T0 + 9 };
        expect(out.conversation).toEqual(expected);
        expect(out.events).toEqual([event]);
        expect(await store.conversations.byId(conversation.id)).toEqual(expected);
        expect(await store.conversations.list({ limit: 10 })).toEqual([expected]);
        expect(await store.events.after(conversation.id, 2, { limit: 10 })).toEqual([event]);
        expect(await store.events.before(conversation.id, null, { limit: 1 })).toEqual([event]);

        await closeStore(store);
        const reopened = reopen();
        expect(await reopened.conversations.byId(conversation.id)).toEqual(expected);
        expect(await reopened.events.after(conversation.id, 2, { limit: 10 })).toEqual([event]);
      });

      it('C4: the rule is handed every state field as committed', async () => {
        const { site, visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        await patchState(conversation.id, everyField(agent), T0 + 1);
        let seen: ConversationState | null = null;
        appended(await store.write(ruled(conversation.id, (state) => ((seen = state), { ok: true, events: [], patch: null }), T0 + 2)));
        expect(seen).toEqual<ConversationState>({
          id: conversation.id,
          siteId: site.id,
          visitorId: visitor.visitorId,
          status: 'ended',
          assignedAgentId: agent.id,
          lastSeq: 2,
          queueId: 'queue-1',
          queuedAt: T0 + 1,
          priority: 3,
          bot: true,
          offer,
          request,
          participants: everyField(agent).participants,
          labels: ['vip', 'billing'],
          archived: true,
        });
      });

      it('C3: a new conversation is handed the defaults: open, normal priority, no queue, bot, offer, request, guests or labels', async () => {
        const site = await makeSite();
        let seen: ConversationState | null = null;
        const visitor = visitorActor(site.id);
        const request = message(visitor, 'Olá');
        const out = appended(await store.write({ ...request, decide: (state, files, reads) => ((seen = state), request.decide(state, files, reads)) }));
        expect(seen).toEqual<ConversationState>({
          id: out.conversation.id,
          siteId: site.id,
          visitorId: visitor.visitorId,
          status: 'open',
          assignedAgentId: null,
          lastSeq: 0,
          queueId: null,
          queuedAt: null,
          priority: 1,
          bot: false,
          offer: null,
          request: null,
          participants: [],
          labels: [],
          archived: false,
        });
      });

      it('fields a patch leaves out keep their values; null, false and empty lists clear the others', async () => {
        const { conversation } = await startConversation();
        const agent = await makeAgent();
        const full = await patchState(conversation.id, everyField(agent), T0 + 1);
        const cleared = await patchState(
          conversation.id,
          { offer: null, request: null, participants: [], labels: [], bot: false, archived: false, queueId: null, requesterEmail: null },
          T0 + 2,
        );
        expect(cleared).toEqual<ConversationSummary>({
          ...full,
          offer: null,
          request: null,
          participants: [],
          labels: [],
          bot: false,
          archived: false,
          queueId: null,
          requesterEmail: null,
          updatedAt: T0 + 2,
        });
        expect(await store.conversations.byId(conversation.id)).toEqual(cleared);
      });

      it('a rule that changes no state leaves every state field as it was', async () => {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        const full = await patchState(conversation.id, { ...everyField(agent), status: 'open' }, T0 + 1);
        // A visitor's message in an open conversation changes no state: only what appending moves.
        const out = appended(await store.write(message(visitor, 'mais uma', { conversationId: conversation.id, at: T0 + 2 })));
        expect(out.conversation).toEqual<ConversationSummary>({
          ...full,
          lastSeq: 3,
          lastMessage: { text: 'mais uma', authorKind: 'visitor', at: T0 + 2 },
          updatedAt: T0 + 2,
        });
        expect(await store.conversations.byId(conversation.id)).toEqual(out.conversation);
      });

      it('message events have no data key, written or read; workflow events keep theirs', async () => {
        const { conversation, events } = await startConversation();
        const withData: NewEvent = { kind: 'offered', author: SYSTEM, clientId: null, text: null, data: { agentId: 'a', expiresAt: T0 } };
        const out = appended(await store.write(ruled(conversation.id, () => ({ ok: true, events: [withData], patch: null }), T0 + 1)));
        const stored = await allEvents(store, conversation.id);
        for (const e of [...events, ...stored.slice(0, 2)]) expect(Object.keys(e)).not.toContain('data');
        expect(out.events[0]!.data).toEqual({ agentId: 'a', expiresAt: T0 });
        expect(stored[2]!.data).toEqual({ agentId: 'a', expiresAt: T0 });
      });

      it("firstMessage is the visitor's first message: agent replies, notes and later messages leave it", async () => {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        const actor = agentActor(agent);
        appended(await store.write(message(actor, 'Oi, sou a agente', { conversationId: conversation.id, at: T0 + 1 })));
        const clientId = uuidv7();
        const note = appended(
          await store.write({
            ...message(actor, 'nota', { conversationId: conversation.id, clientId, at: T0 + 2 }),
            decide: (state) => decideMessage(state, actor, 'nota interna', clientId, { note: true }),
          }),
        );
        expect(note.events.map((e) => e.kind)).toEqual(['note']);
        // A note is not the last message either (SPEC R9: the visitor never sees it).
        expect(note.conversation.lastMessage).toEqual({ text: 'Oi, sou a agente', authorKind: 'agent', at: T0 + 1 });
        const last = appended(await store.write(message(visitor, 'Segunda', { conversationId: conversation.id, at: T0 + 3 })));
        expect(last.conversation.firstMessage).toBe('Olá');
        expect(last.conversation.lastMessage).toEqual({ text: 'Segunda', authorKind: 'visitor', at: T0 + 3 });
        expect((await store.conversations.byId(conversation.id))?.firstMessage).toBe('Olá');
      });

      it('R12: a bot message is stored with author kind bot and becomes the last message', async () => {
        const { site, conversation } = await startConversation();
        const bot = messageEvent({ kind: 'bot', siteId: site.id }, 'Sou o robô', null);
        const out = appended(await store.write(ruled(conversation.id, () => ({ ok: true, events: [bot], patch: null }), T0 + 1)));
        expect(out.conversation.lastMessage).toEqual({ text: 'Sou o robô', authorKind: 'bot', at: T0 + 1 });
        expect(out.conversation.firstMessage).toBe('Olá');
        expect((await allEvents(store, conversation.id))[2]).toMatchObject({ author: { kind: 'bot', id: null, name: null }, text: 'Sou o robô' });
      });

      it("C3, R8: an ended conversation is not the visitor's open one; the next message starts another", async () => {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        await patchState(conversation.id, { status: 'ended', assignedAgentId: agent.id, assignedAgentName: agent.name }, T0 + 1);
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toBeNull();
        const next = appended(await store.write(message(visitor, 'Voltei', { at: T0 + 2 })));
        expect(next.conversation.id).not.toBe(conversation.id);
        expect((await store.conversations.byId(conversation.id))?.status).toBe('ended');
        expect((await store.conversations.openForVisitor(visitor.visitorId))?.id).toBe(next.conversation.id);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('conversations: filters and routing reads', () => {
      /**
       * Seven conversations, newest activity last: c1 open in q1 unassigned; c2 open in q2 Ana's; c3 ended in
       * q1 Ana's; c4 closed in q1 Bia's; c5 closed, archived, Ana's; c6 on the other site, Bia's; c7 open,
       * unassigned, from c3's visitor.
       */
      async function sevenConversations() {
        const [siteA, siteB] = [await makeSite(), await makeSite()];
        const [ana, bia] = [await makeAgent(), await makeAgent()];
        const [q1, q2] = [await makeQueue(siteA.id, 'Vendas'), await makeQueue(siteA.id, 'Suporte')];
        const c3Visitor = visitorActor(siteA.id);
        const start = async (siteId: string, patch: StatePatch, at: number, visitor = visitorActor(siteId)) => {
          const { conversation } = appended(await store.write(message(visitor, 'Olá', { at: T0 })));
          await patchState(conversation.id, patch, at);
          return { id: conversation.id, visitorId: visitor.visitorId };
        };
        const toAna = { assignedAgentId: ana.id, assignedAgentName: ana.name };
        const toBia = { assignedAgentId: bia.id, assignedAgentName: bia.name };
        const c = {
          c1: await start(siteA.id, { queueId: q1.id }, T0 + 1),
          c2: await start(siteA.id, { queueId: q2.id, ...toAna }, T0 + 2),
          c3: await start(siteA.id, { queueId: q1.id, ...toAna, status: 'ended' }, T0 + 3, c3Visitor),
          c4: await start(siteA.id, { queueId: q1.id, ...toBia, status: 'closed' }, T0 + 4),
          c5: await start(siteA.id, { ...toAna, status: 'closed', archived: true }, T0 + 5),
          c6: await start(siteB.id, toBia, T0 + 6),
          c7: await start(siteA.id, {}, T0 + 7, c3Visitor),
        };
        return { siteA, siteB, ana, bia, q1, q2, c3Visitor, c };
      }

      type Fixture = Awaited<ReturnType<typeof sevenConversations>>;
      type Name = keyof Fixture['c'];

      it.each<[string, (f: Fixture) => Omit<ConversationFilter, 'limit'>, number, Name[]]>([
        ['no filter: newest activity first', () => ({}), 100, ['c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1']],
        ['the limit keeps the newest', () => ({}), 3, ['c7', 'c6', 'c5']],
        ['one status', () => ({ status: 'open' }), 100, ['c7', 'c6', 'c2', 'c1']],
        ['ended', () => ({ status: 'ended' }), 100, ['c3']],
        ['several statuses', () => ({ status: ['open', 'ended'] }), 100, ['c7', 'c6', 'c3', 'c2', 'c1']],
        ['one status as a list', () => ({ status: ['closed'] }), 100, ['c5', 'c4']],
        ['no statuses at all matches nothing', () => ({ status: [] }), 100, []],
        ['archived', () => ({ archived: true }), 100, ['c5']],
        ['closed and not archived', () => ({ status: 'closed', archived: false }), 100, ['c4']],
        ['a site', (f) => ({ siteId: f.siteB.id }), 100, ['c6']],
        ["a visitor's conversations", (f) => ({ visitorId: f.c3Visitor.visitorId }), 100, ['c7', 'c3']],
        ['assigned to an agent', (f) => ({ agentId: f.ana.id }), 100, ['c5', 'c3', 'c2']],
        ["an agent's open and ended ones", (f) => ({ agentId: f.ana.id, status: ['open', 'ended'] }), 100, ['c3', 'c2']],
        ['a queue', (f) => ({ queueId: f.q1.id }), 100, ['c4', 'c3', 'c1']],
        ['a queue, open only', (f) => ({ queueId: f.q1.id, status: 'open' }), 100, ['c1']],
        ['a site and an agent', (f) => ({ siteId: f.siteA.id, agentId: f.bia.id }), 100, ['c4']],
        ['every filter at once', (f) => ({ siteId: f.siteA.id, visitorId: f.c3Visitor.visitorId, agentId: f.ana.id, queueId: f.q1.id, status: 'ended', archived: false }), 100, ['c3']],
        ['an unknown queue matches nothing', () => ({ queueId: uuidv7() }), 100, []],
      ])('list: %s', async (_name, filter, limit, expected) => {
        const f = await sevenConversations();
        const got = await store.conversations.list({ ...filter(f), limit });
        expect(got.map((c) => c.id)).toEqual(expected.map((n) => f.c[n].id));
        for (const c of got) expect(c).toEqual(await store.conversations.byId(c.id));
      });

      it('R2: waiting answers open, unassigned conversations not with the bot and without an offer; priority first, then the longest wait', async () => {
        const agent = await makeAgent();
        const make = async (patch: StatePatch, createdAt = T0) => {
          const { conversation } = await startConversation(createdAt);
          await patchState(conversation.id, patch, T0 + 100);
          return conversation.id;
        };
        const normalWaitedLong = await make({ priority: 1, queuedAt: T0 + 2 });
        const urgent = await make({ priority: 3, queuedAt: T0 + 9 });
        const normalRecent = await make({ priority: 1, queuedAt: T0 + 5 });
        const low = await make({ priority: 0, queuedAt: T0 + 1 });
        // Never queued (no queuedAt): it has waited since it was created.
        const neverQueued = await make({ priority: 1 }, T0 + 3);
        await make({ bot: true });
        await make({ offer: { agentId: agent.id, agentName: agent.name, expiresAt: T0 + 1000 } });
        await make({ assignedAgentId: agent.id, assignedAgentName: agent.name });
        await make({ status: 'ended' });
        await make({ status: 'closed' });
        expect((await store.conversations.waiting()).map((c) => c.id)).toEqual([urgent, normalWaitedLong, neverQueued, normalRecent, low]);
      });

      it('R4, R6, R7: withTimers answers the conversations with an offer or a request waiting, and no others', async () => {
        const agent = await makeAgent();
        const make = async (patch: StatePatch) => {
          const { conversation } = await startConversation();
          await patchState(conversation.id, patch, T0 + 1);
          return conversation.id;
        };
        const offered = await make({ offer: { agentId: agent.id, agentName: agent.name, expiresAt: T0 + 30_000 } });
        const requested = await make({
          assignedAgentId: agent.id,
          request: { kind: 'conference', fromAgentId: agent.id, toAgentId: 'x', toQueueId: null, toName: 'X', expiresAt: T0 + 60_000 },
        });
        await make({ assignedAgentId: agent.id });
        // Another agent: one agent has one waiting offer at a time (conversations_one_offer_per_agent, issue 14).
        const other = await makeAgent();
        const expired = await make({ offer: { agentId: other.id, agentName: other.name, expiresAt: T0 } });
        await patchState(expired, { offer: null }, T0 + 2);
        await make({});
        const got = await store.conversations.withTimers();
        expect(got.map((c) => c.id).sort()).toEqual([offered, requested].sort());
        expect(got.find((c) => c.id === requested)?.request?.kind).toBe('conference');
      });

      it('R1: loads counts open conversations per assigned agent; ended (awaiting wrap-up), closed ones, guests and unassigned do not count', async () => {
        const [ana, bia, caio] = [await makeAgent(), await makeAgent(), await makeAgent()];
        const make = async (patch: StatePatch) => patchState((await startConversation()).conversation.id, patch, T0 + 1);
        await make({ assignedAgentId: ana.id });
        await make({ assignedAgentId: ana.id, status: 'ended' });
        await make({ assignedAgentId: ana.id, status: 'closed' });
        await make({ assignedAgentId: bia.id, participants: [{ id: ana.id, name: ana.name }, { id: caio.id, name: caio.name }] });
        await make({ assignedAgentId: caio.id, status: 'closed' });
        await make({});
        expect(await store.conversations.loads()).toEqual(
          new Map([
            [ana.id, 1],
            [bia.id, 1],
          ]),
        );
      });

      it('R8: stickyAgentFor answers the agent of the visitor\'s newest ended conversation other than the one given', async () => {
        const [ana, bia, caio] = [await makeAgent(), await makeAgent(), await makeAgent()];
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        /** The visitor's next conversation, left in the given state. */
        const next = async (at: number, patch: StatePatch) => {
          const { conversation } = appended(await store.write(message(visitor, 'Olá', { at })));
          await patchState(conversation.id, patch, at);
          return conversation.id;
        };
        const older = await next(T0 + 1, { status: 'ended', assignedAgentId: ana.id });
        const newer = await next(T0 + 2, { status: 'ended', assignedAgentId: bia.id });
        await next(T0 + 3, { status: 'closed', assignedAgentId: caio.id });
        const current = await next(T0 + 4, {});
        // Activity on the older one does not make it the newest.
        appended(await store.write(ruled(older, () => ({ ok: true, events: [], patch: null }), T0 + 10)));

        const other = visitorActor(site.id);
        const othersEnded = appended(await store.write(message(other, 'Olá'))).conversation.id;
        await patchState(othersEnded, { status: 'ended', assignedAgentId: caio.id });

        expect(await store.conversations.stickyAgentFor(visitor.visitorId, current)).toBe(bia.id);
        expect(await store.conversations.stickyAgentFor(visitor.visitorId, newer)).toBe(ana.id);
        expect(await store.conversations.stickyAgentFor(other.visitorId, uuidv7())).toBe(caio.id);
        expect(await store.conversations.stickyAgentFor(other.visitorId, othersEnded)).toBeNull();
        expect(await store.conversations.stickyAgentFor(uuidv7(), current)).toBeNull();
        // Wrapped up: nothing left unresolved.
        await patchState(newer, { status: 'closed' });
        await patchState(older, { status: 'closed' });
        expect(await store.conversations.stickyAgentFor(visitor.visitorId, current)).toBeNull();
      });

      it('R8: an ended conversation nobody holds gives no sticky agent', async () => {
        const { visitor, conversation } = await startConversation();
        await patchState(conversation.id, { status: 'ended' });
        expect(await store.conversations.stickyAgentFor(visitor.visitorId, uuidv7())).toBeNull();
      });

      it('delete removes the conversation and its events and answers whether it existed', async () => {
        const { visitor, conversation } = await startConversation();
        const other = await startConversation();
        appended(await store.write(message(visitor, 'mais', { conversationId: conversation.id, at: T0 + 1 })));

        expect(await store.conversations.delete(conversation.id)).toBe(true);
        expect(await store.conversations.byId(conversation.id)).toBeNull();
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toBeNull();
        expect(await allEvents(store, conversation.id)).toEqual([]);
        expect(await store.events.before(conversation.id, null, { limit: 10 })).toEqual([]);
        expect((await store.conversations.list({ limit: 10 })).map((c) => c.id)).toEqual([other.conversation.id]);
        expect(seqs(await allEvents(store, other.conversation.id))).toEqual([1, 2]);
        expect(await store.conversations.delete(conversation.id)).toBe(false);
        expect(await store.conversations.delete(uuidv7())).toBe(false);

        // The visitor starts afresh; a write to the deleted one is not_found.
        expect(await store.write(message(visitor, 'ainda aí?', { conversationId: conversation.id }))).toEqual({ kind: 'not_found' });
        const fresh = appended(await store.write(message(visitor, 'nova', { at: T0 + 2 })));
        expect(fresh.conversation.id).not.toBe(conversation.id);
        expect(seqs(fresh.events)).toEqual([1, 2]);
      });

      it('D2: delete is ordered with writes: one submitted before it is stored first, one after it finds nothing', async () => {
        const { visitor, conversation } = await startConversation();
        const [before, deleted, after] = await Promise.all([
          store.write(message(visitor, 'antes', { conversationId: conversation.id, at: T0 + 1 })),
          store.conversations.delete(conversation.id),
          store.write(message(visitor, 'depois', { conversationId: conversation.id, at: T0 + 2 })),
        ]);
        expect(before.kind).toBe('appended');
        expect(deleted).toBe(true);
        expect(after).toEqual({ kind: 'not_found' });
        expect(await allEvents(store, conversation.id)).toEqual([]);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('sites, agents, sessions, settings', () => {
      it('sites: create, byKey, byId, list and count', async () => {
        expect(await store.sites.count()).toBe(0);
        expect(await store.sites.list()).toEqual([]);
        const a = await makeSite();
        const b: Site = {
          id: uuidv7(),
          key: 'second',
          name: 'Outra',
          allowedOrigins: ['*'],
          createdAt: T0 + 1,
          defaultQueueId: 'q-1',
          botWebhookUrl: 'https://bot.example.com/hook',
          botTokenHash: 'sha256-of-token',
          ticketing: null,
            masking: 'off' as const,
          widget: null,
          identitySecret: null,
        };
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
        const agent = {
          id: uuidv7(),
          name: 'Ana Souza',
          email: 'Ana.Souza@Example.com',
          role: 'supervisor' as const,
          passwordHash: 'scrypt$abc',
          createdAt: T0,
        };
        await store.agents.create(agent);
        const stored: AgentRecord = { ...agent, ...AGENT_DEFAULTS, email: 'ana.souza@example.com' };
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

      it('sessions: deleteForAgent ends every session of one agent and no other; a disabled agent has none', async () => {
        const [ana, bia] = [await makeAgent(), await makeAgent()];
        for (const [tokenHash, agentId] of [['a1', ana.id], ['a2', ana.id], ['b1', bia.id]] as const) {
          await store.sessions.create({ tokenHash, agentId, createdAt: T0, expiresAt: T0 + 1000 });
        }
        expect(await store.sessions.deleteForAgent(ana.id)).toBe(2);
        expect(await store.sessions.find('a1', T0)).toBeNull();
        expect(await store.sessions.find('b1', T0)).toEqual(bia);
        await store.sessions.create({ tokenHash: 'b2', agentId: bia.id, createdAt: T0, expiresAt: T0 + 1000 });
        expect(await store.agents.update(bia.id, { disabled: true })).toMatchObject({ disabled: true });
        expect(await store.sessions.find('b2', T0)).toBeNull();
      });

      it('blocks: create, list newest first, delete', async () => {
        const a = { id: uuidv7(), kind: 'ip' as const, value: '203.0.113.7', reason: 'spam', expiresAt: null, createdBy: null, createdAt: T0 };
        const b = { id: uuidv7(), kind: 'cidr' as const, value: '2001:db8::/32', reason: null, expiresAt: T0 + 60_000, createdBy: 'admin', createdAt: T0 + 1 };
        await store.blocks.create(a);
        await store.blocks.create(b);
        expect(await store.blocks.list()).toEqual([b, a]);
        expect(await store.blocks.delete(a.id)).toBe(true);
        expect(await store.blocks.delete(a.id)).toBe(false);
        expect(await store.blocks.list()).toEqual([b]);
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

    describe('sites and agents: workflow fields', () => {
      it('sites: create leaves the default queue and the bot unset when not given', async () => {
        const site = { id: uuidv7(), key: 'k1', name: 'Loja', allowedOrigins: ['self'], createdAt: T0 };
        await store.sites.create(site);
        expect(await store.sites.byId(site.id)).toEqual<Site>({ ...site, defaultQueueId: null, botWebhookUrl: null, botTokenHash: null, ticketing: null, masking: 'off', widget: null, identitySecret: null });
      });

      it.each<[string, Parameters<Store['sites']['update']>[1]]>([
        ['name', { name: 'Loja Nova' }],
        ['allowed origins', { allowedOrigins: ['https://new.example.com'] }],
        ['default queue', { defaultQueueId: 'queue-1' }],
        ['bot', { botWebhookUrl: 'https://bot.example.com/hook', botTokenHash: 'hash-of-token' }],
        ['everything', { name: 'X', allowedOrigins: [], defaultQueueId: 'q', botWebhookUrl: 'https://b.example.com', botTokenHash: 'h' }],
        ['nothing', {}],
        ['W4, W6: widget settings and identity secret', { widget: { ...DEFAULT_WIDGET, color: '#112233', prechat: { ...DEFAULT_WIDGET.prechat, queues: ['q-1'] } }, identitySecret: 'secret' }],
      ])('sites: update %s changes only what it names', async (_name, patch) => {
        const site = await makeSite();
        const other = await makeSite();
        const expected: Site = { ...site, ...patch };
        expect(await store.sites.update(site.id, patch)).toEqual(expected);
        expect(await store.sites.byId(site.id)).toEqual(expected);
        expect(await store.sites.byKey(site.key)).toEqual(expected);
        expect(await store.sites.byId(other.id)).toEqual(other);
      });

      it('sites: update clears a field set to null, and answers null for an unknown site', async () => {
        const site = await makeSite();
        await store.sites.update(site.id, { defaultQueueId: 'q', botWebhookUrl: 'https://b.example.com', botTokenHash: 'h' });
        expect(await store.sites.update(site.id, { defaultQueueId: null, botWebhookUrl: null, botTokenHash: null })).toEqual(site);
        expect(await store.sites.update(uuidv7(), { name: 'x' })).toBeNull();
        expect(await store.sites.list()).toEqual([site]);
      });

      it('agents: create stores capacity, availability and prefs when given', async () => {
        const agent: AgentRecord = {
          id: uuidv7(),
          name: 'Bia',
          email: 'bia@example.com',
          role: 'agent',
          passwordHash: 'h',
          createdAt: T0,
          capacity: 7,
          availability: 'unavailable',
          availabilitySince: T0 + 5,
          prefs: { sound: false, preview: true },
          disabled: false,
        };
        await store.agents.create(agent);
        expect(await store.agents.byId(agent.id)).toEqual(agent);
      });

      it.each<[string, Parameters<Store['agents']['update']>[1]]>([
        ['name', { name: 'Ana Maria' }],
        ['role', { role: 'supervisor' }],
        ['capacity', { capacity: 5 }],
        ['R1: availability and since', { availability: 'rona', availabilitySince: T0 + 60_000 }],
        ['prefs', { prefs: { sound: false, preview: false } }],
        ['password', { passwordHash: 'scrypt$new' }],
        ['nothing', {}],
      ])('agents: update %s changes only what it names, and every read answers the full record', async (_name, patch) => {
        const agent = await makeAgent('agent', store, T0);
        const other = await makeAgent('agent', store, T0 + 1);
        await store.sessions.create({ tokenHash: 'tok', agentId: agent.id, createdAt: T0, expiresAt: T0 + 1000 });
        const expected: AgentRecord = { ...agent, ...patch };
        expect(await store.agents.update(agent.id, patch)).toEqual(expected);
        expect(await store.agents.byId(agent.id)).toEqual(expected);
        expect(await store.agents.byEmail(agent.email)).toEqual(expected);
        expect(await store.sessions.find('tok', T0)).toEqual(expected);
        expect(await store.agents.list()).toEqual([expected, other]);
      });

      it('agents: update answers null for an unknown agent and creates nothing', async () => {
        expect(await store.agents.update(uuidv7(), { capacity: 9 })).toBeNull();
        expect(await store.agents.count()).toBe(0);
      });

      it('agents: list answers every agent, oldest first, as full records', async () => {
        expect(await store.agents.list()).toEqual([]);
        const second = await makeAgent('supervisor', store, T0 + 2);
        const first = await makeAgent('agent', store, T0 + 1);
        const third = await makeAgent('admin', store, T0 + 3);
        expect(await store.agents.list()).toEqual([first, second, third]);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('queues', () => {
      it('create, byId, and list (all, or one site\'s), oldest first', async () => {
        const [a, b] = [await makeSite(), await makeSite()];
        const support = await makeQueue(a.id, 'Suporte', T0 + 2);
        const sales: QueueRecord = { id: uuidv7(), siteId: a.id, name: 'Vendas', strategy: 'least_busy', offerTimeoutMs: 15_000, createdAt: T0 + 1 };
        await store.queues.create(sales);
        const other = await makeQueue(b.id, 'Suporte', T0 + 3);

        expect(await store.queues.byId(sales.id)).toEqual(sales);
        expect(await store.queues.byId(uuidv7())).toBeNull();
        expect(await store.queues.list()).toEqual([sales, support, other]);
        expect(await store.queues.list(a.id)).toEqual([sales, support]);
        expect(await store.queues.list(b.id)).toEqual([other]);
        expect(await store.queues.list(uuidv7())).toEqual([]);
      });

      it.each<[string, Parameters<Store['queues']['update']>[1]]>([
        ['name', { name: 'Pós-venda' }],
        ['strategy', { strategy: 'round_robin' }],
        ['offer timeout', { offerTimeoutMs: 45_000 }],
        ['everything', { name: 'X', strategy: 'least_busy', offerTimeoutMs: 1 }],
        ['nothing', {}],
      ])('update %s changes only what it names', async (_name, patch) => {
        const site = await makeSite();
        const queue = await makeQueue(site.id, 'Vendas');
        const other = await makeQueue(site.id, 'Suporte');
        const expected: QueueRecord = { ...queue, ...patch };
        expect(await store.queues.update(queue.id, patch)).toEqual(expected);
        expect(await store.queues.byId(queue.id)).toEqual(expected);
        expect(await store.queues.byId(other.id)).toEqual(other);
      });

      it('update answers null for an unknown queue', async () => {
        expect(await store.queues.update(uuidv7(), { name: 'x' })).toBeNull();
      });

      it.each([
        ['the same name', 'Vendas'],
        ['the same name in another case', 'VENDAS'],
      ])('R3: a second queue with %s on the same site is a conflict; on another site it is fine', async (_name, name) => {
        const [site, other] = [await makeSite(), await makeSite()];
        await makeQueue(site.id, 'Vendas', T0 + 1);
        const second = makeQueue(site.id, name, T0 + 2);
        await expect(second).rejects.toBeInstanceOf(AppError);
        await expect(second).rejects.toMatchObject({ code: 'conflict' });
        const renamed = await makeQueue(site.id, 'Suporte', T0 + 3);
        await expect(store.queues.update(renamed.id, { name })).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.queues.list(site.id)).map((q) => q.name)).toEqual(['Vendas', 'Suporte']);
        await makeQueue(other.id, name);
        expect(await store.queues.list(other.id)).toHaveLength(1);
      });

      it('setMembers and setQueuesOf replace memberships; memberships answers agent -> queues', async () => {
        const site = await makeSite();
        const [q1, q2, q3] = [await makeQueue(site.id, 'A', T0 + 1), await makeQueue(site.id, 'B', T0 + 2), await makeQueue(site.id, 'C', T0 + 3)];
        const [ana, bia, caio] = [await makeAgent(), await makeAgent(), await makeAgent()];
        expect(await store.queues.memberships()).toEqual(new Map());

        await store.queues.setMembers(q2.id, [ana.id, bia.id, ana.id]);
        await store.queues.setMembers(q1.id, [ana.id]);
        expect(await store.queues.memberships()).toEqual(
          new Map([
            [ana.id, [q1.id, q2.id]],
            [bia.id, [q2.id]],
          ]),
        );

        // Replaces the queue's members: Ana leaves q2, Caio joins.
        await store.queues.setMembers(q2.id, [bia.id, caio.id]);
        // Replaces the agent's queues: Bia now in q3 and q1 only.
        await store.queues.setQueuesOf(bia.id, [q3.id, q1.id]);
        expect(await store.queues.memberships()).toEqual(
          new Map([
            [ana.id, [q1.id]],
            [bia.id, [q1.id, q3.id]],
            [caio.id, [q2.id]],
          ]),
        );

        await store.queues.setMembers(q1.id, []);
        await store.queues.setQueuesOf(caio.id, []);
        expect(await store.queues.memberships()).toEqual(new Map([[bia.id, [q3.id]]]));
      });

      it('delete removes the queue and its memberships, unsets it as a site default, and leaves conversations their queue id', async () => {
        const site = await makeSite();
        const [gone, kept] = [await makeQueue(site.id, 'Vendas'), await makeQueue(site.id, 'Suporte')];
        const agent = await makeAgent();
        await store.queues.setQueuesOf(agent.id, [gone.id, kept.id]);
        await store.sites.update(site.id, { defaultQueueId: gone.id });
        const { conversation } = await startConversation();
        await patchState(conversation.id, { queueId: gone.id });

        expect(await store.queues.delete(gone.id)).toBe(true);
        expect(await store.queues.byId(gone.id)).toBeNull();
        expect(await store.queues.list(site.id)).toEqual([kept]);
        expect(await store.queues.memberships()).toEqual(new Map([[agent.id, [kept.id]]]));
        expect((await store.sites.byId(site.id))?.defaultQueueId).toBeNull();
        expect((await store.conversations.byId(conversation.id))?.queueId).toBe(gone.id);
        expect(await store.queues.delete(gone.id)).toBe(false);
        // The name is free again.
        await makeQueue(site.id, 'Vendas');
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('visitors', () => {
      const page = { lastPageUrl: 'https://shop.example.com/p/1', lastPageTitle: 'Produto 1', referrer: 'https://search.example', userAgent: 'Firefox' };

      it('R11: touch creates the visitor with what it is given; the rest is null; byId answers it', async () => {
        const site = await makeSite();
        const id = uuidv7();
        expect(await store.visitors.byId(id)).toBeNull();
        await store.visitors.touch({ id, siteId: site.id, ...page, lastSeenAt: T0 + 1 }, T0);
        expect(await store.visitors.byId(id)).toEqual<VisitorRecord>({
          id,
          siteId: site.id,
          name: null,
          email: null,
          ...page,
          lastSeenAt: T0 + 1,
          createdAt: T0,
          externalId: null,
        });
      });

      it.each<[string, Parameters<Store['visitors']['touch']>[0] extends infer V ? Omit<V, 'id' | 'siteId'> : never]>([
        ['a new page', { lastPageUrl: 'https://shop.example.com/cart', lastPageTitle: 'Carrinho', lastSeenAt: T0 + 50 }],
        ['name and e-mail', { name: 'Carla', email: 'carla@example.com' }],
        ['a field cleared with null', { referrer: null, lastPageTitle: null }],
        ['only when it was seen', { lastSeenAt: T0 + 99 }],
        ['nothing', {}],
      ])('R11: touch of a known visitor with %s changes only those fields', async (_name, fields) => {
        const site = await makeSite();
        const id = uuidv7();
        await store.visitors.touch({ id, siteId: site.id, ...page, lastSeenAt: T0 + 1 }, T0);
        const before = await store.visitors.byId(id);
        // Another site id and a later time do not move the visitor or its creation time.
        await store.visitors.touch({ id, siteId: (await makeSite()).id, ...fields }, T0 + 1000);
        expect(await store.visitors.byId(id)).toEqual({ ...before, ...fields });
      });

      it("R11: a visitor created by its first message has no details until touched", async () => {
        const { site, visitor } = await startConversation(T0 + 7);
        expect(await store.visitors.byId(visitor.visitorId)).toEqual<VisitorRecord>({
          id: visitor.visitorId,
          siteId: site.id,
          name: null,
          email: null,
          lastPageUrl: null,
          lastPageTitle: null,
          referrer: null,
          userAgent: null,
          lastSeenAt: null,
          createdAt: T0 + 7,
          externalId: null,
        });
        await store.visitors.touch({ id: visitor.visitorId, siteId: site.id, ...page, lastSeenAt: T0 + 8 }, T0 + 8);
        expect(await store.visitors.byId(visitor.visitorId)).toMatchObject({ ...page, lastSeenAt: T0 + 8, createdAt: T0 + 7 });
      });

      it('W6: identify creates the visitor of (site, user id) once, then updates its name and e-mail', async () => {
        const site = await makeSite();
        const other = await makeSite();
        expect(await store.visitors.byExternalId(site.id, 'user-1')).toBeNull();
        const first = await store.visitors.identify(site.id, 'user-1', 'v-first', { name: 'Ana', email: 'ana@example.com' }, T0);
        expect(first).toMatchObject({ id: 'v-first', siteId: site.id, externalId: 'user-1', name: 'Ana', email: 'ana@example.com', createdAt: T0 });
        // A later sight keeps the visitor; a name given replaces the old one, an absent e-mail keeps it.
        const again = await store.visitors.identify(site.id, 'user-1', 'v-second', { name: 'Ana Souza', email: null }, T0 + 5);
        expect(again).toMatchObject({ id: 'v-first', name: 'Ana Souza', email: 'ana@example.com', createdAt: T0 });
        expect(await store.visitors.byId('v-second')).toBeNull();
        // The same user id on another site is another visitor.
        expect(await store.visitors.identify(other.id, 'user-1', 'v-other', { name: null, email: null }, T0)).toMatchObject({ id: 'v-other', siteId: other.id });
        expect(await store.visitors.byExternalId(site.id, 'user-1')).toMatchObject({ id: 'v-first' });
      });

      it('W6: two first sights of one user at once make one visitor', async () => {
        const site = await makeSite();
        const [a, b] = await Promise.all([
          store.visitors.identify(site.id, 'user-2', 'v-a', { name: null, email: null }, T0),
          store.visitors.identify(site.id, 'user-2', 'v-b', { name: 'Bia', email: null }, T0),
        ]);
        expect(a.id).toBe(b.id);
        expect(await store.visitors.byExternalId(site.id, 'user-2')).toMatchObject({ id: a.id, name: 'Bia' });
      });

      it('a visitor touched first keeps its record when its first message arrives', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        await store.visitors.touch({ id: visitor.visitorId, siteId: site.id, ...page, lastSeenAt: T0 }, T0);
        appended(await store.write(message(visitor, 'Olá', { at: T0 + 5 })));
        expect(await store.visitors.byId(visitor.visitorId)).toMatchObject({ ...page, createdAt: T0 });
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('canned replies', () => {
      const reply = (title: string, text: string, category: string, language: string, at = T0): CannedReply => ({
        id: uuidv7(),
        title,
        text,
        category,
        language,
        createdAt: at,
        updatedAt: at,
      });
      const replies = {
        greetingPt: reply('Saudação', 'Olá! Como posso ajudar?', 'geral', 'pt-BR'),
        greetingEn: reply('Greeting', 'Hello! How can I help?', 'geral', 'en'),
        deliveryPt: reply('Prazo de entrega', 'A ENTREGA leva 3 dias úteis.', 'vendas', 'pt-BR'),
        returnPt: reply('Ação de devolução', 'Para devolver, acesse o site.', 'vendas', 'pt-BR'),
        deliveryEn: reply('Entrega', 'Delivery takes 3 business days.', 'vendas', 'en'),
      };
      type Reply = keyof typeof replies;

      async function createAll(): Promise<void> {
        for (const r of Object.values(replies)) await store.cannedReplies.create(r);
      }

      it.each<[string, Parameters<Store['cannedReplies']['list']>[0], Reply[]]>([
        ['everything, in title order', {}, ['returnPt', 'deliveryEn', 'greetingEn', 'deliveryPt', 'greetingPt']],
        ['text in a title or a text', { text: 'entrega' }, ['deliveryEn', 'deliveryPt']],
        ['text in any case', { text: 'ENTREGA' }, ['deliveryEn', 'deliveryPt']],
        ['text with accents in another case', { text: 'OLÁ' }, ['greetingPt']],
        ['text in a title with accents', { text: 'DEVOLUÇÃO' }, ['returnPt']],
        ['text inside a word', { text: 'ação' }, ['returnPt', 'greetingPt']],
        ['text only in the body', { text: 'help' }, ['greetingEn']],
        ['text matching nothing', { text: 'nada disso' }, []],
        ['a category', { category: 'vendas' }, ['returnPt', 'deliveryEn', 'deliveryPt']],
        ['a language', { language: 'en' }, ['deliveryEn', 'greetingEn']],
        ['a language tag in another case', { language: 'pt-br' }, ['returnPt', 'deliveryPt', 'greetingPt']],
        ['a category and a language', { category: 'vendas', language: 'en' }, ['deliveryEn']],
        ['text, category and language', { text: 'entrega', category: 'vendas', language: 'pt-BR' }, ['deliveryPt']],
        ['an unknown category', { category: 'nada' }, []],
      ])('list: %s', async (_name, query, expected) => {
        await createAll();
        expect(await store.cannedReplies.list(query)).toEqual(expected.map((k) => replies[k]));
      });

      it('byId, update (only what it names, and updatedAt) and delete', async () => {
        await createAll();
        const r = replies.greetingPt;
        expect(await store.cannedReplies.byId(r.id)).toEqual(r);
        expect(await store.cannedReplies.byId(uuidv7())).toBeNull();

        const updated = await store.cannedReplies.update(r.id, { text: 'Oi! Em que posso ajudar?' }, T0 + 10);
        expect(updated).toEqual<CannedReply>({ ...r, text: 'Oi! Em que posso ajudar?', updatedAt: T0 + 10 });
        const all = await store.cannedReplies.update(r.id, { title: 'Oi', text: 't', category: 'c', language: 'es' }, T0 + 20);
        expect(all).toEqual<CannedReply>({ ...r, title: 'Oi', text: 't', category: 'c', language: 'es', updatedAt: T0 + 20 });
        expect(await store.cannedReplies.byId(r.id)).toEqual(all);
        expect(await store.cannedReplies.update(uuidv7(), { title: 'x' }, T0)).toBeNull();
        expect(await store.cannedReplies.byId(replies.greetingEn.id)).toEqual(replies.greetingEn);

        expect(await store.cannedReplies.delete(r.id)).toBe(true);
        expect(await store.cannedReplies.delete(r.id)).toBe(false);
        expect(await store.cannedReplies.byId(r.id)).toBeNull();
        expect(await store.cannedReplies.list({})).toHaveLength(4);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('wrap-up reasons', () => {
      const reason = (label: string, at = T0): WrapUpReason => ({ id: uuidv7(), label, createdAt: at });

      it('create, byId, and list in label order', async () => {
        const spam = reason('Spam');
        const answered = reason('Question answered');
        const resolved = reason('resolved');
        const action = reason('Ação tomada');
        for (const r of [spam, answered, resolved, action]) await store.wrapUpReasons.create(r);
        expect(await store.wrapUpReasons.list()).toEqual([action, answered, resolved, spam]);
        expect(await store.wrapUpReasons.byId(spam.id)).toEqual(spam);
        expect(await store.wrapUpReasons.byId(uuidv7())).toBeNull();
      });

      it.each([
        ['the same label', 'Resolvido', 'Resolvido'],
        ['the same label in another case', 'Resolvido', 'RESOLVIDO'],
        ['the same accented label in another case', 'Ação tomada', 'AÇÃO TOMADA'],
      ])('create: %s is a conflict', async (_name, first, second) => {
        await store.wrapUpReasons.create(reason(first));
        const duplicate = store.wrapUpReasons.create(reason(second));
        await expect(duplicate).rejects.toBeInstanceOf(AppError);
        await expect(duplicate).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.wrapUpReasons.list()).map((r) => r.label)).toEqual([first]);
      });

      it('update renames; to another reason\'s label it is a conflict; to its own in another case it is not', async () => {
        const [resolved, spam] = [reason('Resolvido'), reason('Spam')];
        await store.wrapUpReasons.create(resolved);
        await store.wrapUpReasons.create(spam);

        await expect(store.wrapUpReasons.update(spam.id, 'resolvido')).rejects.toMatchObject({ code: 'conflict' });
        expect(await store.wrapUpReasons.byId(spam.id)).toEqual(spam);
        expect(await store.wrapUpReasons.update(resolved.id, 'RESOLVIDO')).toEqual({ ...resolved, label: 'RESOLVIDO' });
        expect(await store.wrapUpReasons.update(spam.id, 'Lixo')).toEqual({ ...spam, label: 'Lixo' });
        expect(await store.wrapUpReasons.update(uuidv7(), 'x')).toBeNull();
        expect(await store.wrapUpReasons.list()).toEqual([{ ...spam, label: 'Lixo' }, { ...resolved, label: 'RESOLVIDO' }]);
      });

      it('delete answers whether it existed, and frees the label', async () => {
        const r = reason('Spam');
        await store.wrapUpReasons.create(r);
        expect(await store.wrapUpReasons.delete(r.id)).toBe(true);
        expect(await store.wrapUpReasons.delete(r.id)).toBe(false);
        expect(await store.wrapUpReasons.list()).toEqual([]);
        await store.wrapUpReasons.create(reason('spam'));
        expect(await store.wrapUpReasons.list()).toHaveLength(1);
      });
    });

    // -----------------------------------------------------------------------------------------------------

    describe('several nodes on one database (issue 14)', () => {
      it('times past 2^31 come back as numbers: sites, agents, conversations, events, counts and loads', async () => {
        const agent = await makeAgent('agent', store, T0 + 7);
        await store.agents.update(agent.id, { availabilitySince: T0 + 9 });
        const { site, visitor, conversation } = await startConversation(T0 + 11);
        await patchState(conversation.id, { assignedAgentId: agent.id, assignedAgentName: agent.name, queuedAt: T0 + 12 }, T0 + 13);
        const stored = (await store.sites.byId(site.id))!;
        const record = (await store.agents.byId(agent.id))!;
        const summary = (await store.conversations.byId(conversation.id))!;
        const [event] = await allEvents(store, conversation.id);
        const [mine] = await store.conversations.forVisitor(site.id, visitor.visitorId, 5);
        const values = [stored.createdAt, record.createdAt, record.availabilitySince, summary.createdAt, summary.updatedAt, summary.queuedAt, event!.at, mine!.updatedAt, mine!.unread, await store.sites.count(), (await store.conversations.loads()).get(agent.id)];
        expect(values.map((v) => typeof v)).toEqual(values.map(() => 'number'));
        expect(values).toEqual([T0, T0 + 7, T0 + 9, T0 + 11, T0 + 13, T0 + 12, T0 + 11, T0 + 13, 0, 1, 1]);
      });

      it('R4: one waiting offer per agent: of two offers to one agent decided at once, one is stored; other writes go on', async () => {
        const agent = await makeAgent();
        const [a, b, c] = [await startConversation(), await startConversation(), await startConversation()];
        const offer = { agentId: agent.id, agentName: agent.name, expiresAt: T0 + 30_000 };
        const outcomes = await Promise.all([
          store.write(ruled(a.conversation.id, () => ({ ok: true, events: [], patch: { offer } }), T0 + 1)).catch((err: unknown) => err),
          store.write(ruled(b.conversation.id, () => ({ ok: true, events: [], patch: { offer } }), T0 + 1)).catch((err: unknown) => err),
          store.write(message(c.visitor, 'ainda aqui', { conversationId: c.conversation.id, at: T0 + 1 })),
        ]);
        expect(outcomes.filter((o) => (o as WriteOutcome).kind === 'appended')).toHaveLength(2);
        expect((outcomes[2] as WriteOutcome).kind).toBe('appended');
        const offered = (await store.conversations.withTimers()).filter((x) => x.offer?.agentId === agent.id);
        expect(offered).toHaveLength(1);
      });

      it('T5: one rating per conversation: of two ratings decided at once, one is stored', async () => {
        const { conversation, visitor } = await startConversation();
        await patchState(conversation.id, { status: 'ended' }, T0 + 1);
        const rate = (score: number) =>
          store
            .write(ruled(conversation.id, () => ({ ok: true, events: [{ kind: 'rated', author: { kind: 'visitor', id: visitor.visitorId, name: null }, clientId: null, text: null, data: { score, comment: null } }], patch: null }), T0 + 2))
            .catch((err: unknown) => err);
        const outcomes = await Promise.all([rate(4), rate(5)]);
        expect(outcomes.filter((o) => (o as WriteOutcome).kind === 'appended')).toHaveLength(1);
        expect(await store.events.after(conversation.id, 0, { kinds: ['rated'], limit: 10 })).toHaveLength(1);
      });

      it('two stores on one database read the same data, and writes through either continue one sequence', async () => {
        const { site, visitor, conversation } = await startConversation();
        const other = reopen();
        appended(await other.write(message(visitor, 'pelo outro', { conversationId: conversation.id, at: T0 + 1 })));
        appended(await store.write(message(visitor, 'por este', { conversationId: conversation.id, at: T0 + 2 })));
        const filter = { siteId: site.id, limit: 10 };
        expect(await other.conversations.list(filter)).toEqual(await store.conversations.list(filter));
        expect(await allEvents(other, conversation.id)).toEqual(await allEvents(store, conversation.id));
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3, 4]);
        expect(await other.sites.byId(site.id)).toEqual(await store.sites.byId(site.id));
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

storeContract('SQLite', () => sqliteStoreFixture('papo-store-'));
// Issue 14: PostgreSQL is always there (development machines and CI): never skipped. One schema per suite,
// emptied before each test (store-fixture.ts).
storeContract('PostgreSQL', pgStoreFixtures('store'));
