/**
 * The Store port's contract (store.ts): every implementation must pass `storeContract`. The SQLite store runs
 * it below on a real database file; a PostgreSQL store will call `storeContract` with its own factory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../../shared/protocol';
import { createdEvent, messageEvent, type Actor, type NewEvent } from '../domain/conversation';
import { uuidv7 } from '../ids';
import { createSqliteStore } from './sqlite/store';
import type { AgentRecord, AppendOutcome, ConversationRecord, Site, StartOutcome, Store } from './store';

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

    const say = (actor: Actor, text: string, clientId: string = uuidv7()): NewEvent => messageEvent(actor, text, clientId);

    function appended(outcome: StartOutcome | AppendOutcome): { events: ConversationEvent[]; conversation: ConversationRecord } {
      expect(outcome.kind).toBe('appended');
      if (outcome.kind !== 'appended') throw new Error(`expected appended, got ${outcome.kind}`);
      return outcome;
    }

    /** A new open conversation started by a new visitor with one message; answers its record and the visitor. */
    async function startConversation(at = T0, s: Store = store) {
      const site = await makeSite(s);
      const visitor = visitorActor(site.id);
      const first = say(visitor, 'Olá');
      const { conversation, events } = appended(await s.start({ siteId: site.id, visitorId: visitor.visitorId, at, events: [first] }));
      return { site, visitor, conversation, events, firstClientId: first.clientId! };
    }

    const allEvents = (s: Store, id: string) => s.events.after(id, 0, { limit: 100_000 });
    const seqs = (events: readonly ConversationEvent[]) => events.map((e) => e.seq);

    // -----------------------------------------------------------------------------------------------------

    describe('start', () => {
      it('D1, C3: creates a conversation whose events are created then the given events, seq 1..n', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const m1 = say(visitor, 'Olá');
        const m2 = say(visitor, 'Alguém aí?');
        const outcome = appended(await store.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0 + 5, events: [m1, m2] }));

        const id = outcome.conversation.id;
        const expected: ConversationEvent[] = [createdEvent(visitor.visitorId), m1, m2].map((e, i) => ({
          conversationId: id,
          seq: i + 1,
          kind: e.kind,
          author: e.author,
          clientId: e.clientId,
          text: e.text,
          at: T0 + 5,
        }));
        expect(outcome.events).toEqual(expected);
        expect(await allEvents(store, id)).toEqual(expected);

        expect(outcome.conversation).toEqual<ConversationRecord>({
          id,
          siteId: site.id,
          visitorId: visitor.visitorId,
          visitorName: null,
          status: 'open',
          assignedAgentId: null,
          assignedAgentName: null,
          version: 0,
          lastSeq: 3,
          lastMessage: { text: 'Alguém aí?', authorKind: 'visitor', at: T0 + 5 },
          createdAt: T0 + 5,
          updatedAt: T0 + 5,
        });
        expect(await store.conversations.byId(id)).toEqual(outcome.conversation);
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toEqual(outcome.conversation);
      });

      it('C3: with no events the conversation holds only created, at seq 1, and no last message', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const { events, conversation } = appended(await store.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0, events: [] }));
        expect(events.map((e) => [e.seq, e.kind])).toEqual([[1, 'created']]);
        expect(conversation.lastSeq).toBe(1);
        expect(conversation.lastMessage).toBeNull();
      });

      it('C3: a second start for the same visitor answers exists and writes nothing', async () => {
        const { site, visitor, conversation } = await startConversation();
        const before = await allEvents(store, conversation.id);

        const again = await store.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0 + 1000, events: [say(visitor, 'Outra aba')] });
        expect(again).toEqual({ kind: 'exists', conversation });

        expect(await allEvents(store, conversation.id)).toEqual(before);
        expect(await store.conversations.byId(conversation.id)).toEqual(conversation);
        expect(await store.conversations.list({ limit: 100 })).toHaveLength(1);
      });

      it('C3: two starts for the same visitor at the same instant make one conversation', async () => {
        const site = await makeSite();
        const visitor = visitorActor(site.id);
        const [a, b] = await Promise.all([
          store.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0, events: [say(visitor, 'aba 1')] }),
          store.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0, events: [say(visitor, 'aba 2')] }),
        ]);
        expect([a.kind, b.kind].sort()).toEqual(['appended', 'exists']);
        expect(a.conversation.id).toBe(b.conversation.id);
        expect(await store.conversations.list({ limit: 100 })).toHaveLength(1);
        expect(seqs(await allEvents(store, a.conversation.id))).toEqual([1, 2]);
      });

      it('C3: a visitor whose conversation was closed starts a new one', async () => {
        const { site, visitor, conversation } = await startConversation();
        appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: conversation.version,
            clientId: null,
            events: [],
            patch: { status: 'closed' },
            at: T0 + 10,
          }),
        );
        expect(await store.conversations.openForVisitor(visitor.visitorId)).toBeNull();

        const next = appended(await store.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0 + 20, events: [say(visitor, 'De novo')] }));
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
    });

    // -----------------------------------------------------------------------------------------------------

    describe('append', () => {
      it('D1: consecutive appends take consecutive seqs', async () => {
        const { visitor, conversation } = await startConversation();
        const got: number[] = [];
        for (let i = 0; i < 5; i++) {
          const out = appended(
            await store.append({
              conversationId: conversation.id,
              expectedVersion: 0,
              clientId: null,
              events: [say(visitor, `m${i}`)],
              patch: null,
              at: T0 + i,
            }),
          );
          got.push(...seqs(out.events));
          expect(out.conversation.lastSeq).toBe(3 + i);
        }
        expect(got).toEqual([3, 4, 5, 6, 7]);
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
      });

      it('D1: several events in one append take consecutive seqs, and the record follows', async () => {
        const { conversation } = await startConversation();
        const agent = await makeAgent();
        const agentActor: Actor = { kind: 'agent', id: agent.id, name: agent.name, role: agent.role };
        const events: NewEvent[] = [
          { kind: 'assigned', author: { kind: 'agent', id: agent.id, name: agent.name }, clientId: null, text: null },
          say(agentActor, 'Olá, sou a agente'),
        ];
        const out = appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId: events[1]!.clientId,
            events,
            patch: { assignedAgentId: agent.id, assignedAgentName: agent.name },
            at: T0 + 50,
          }),
        );
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
        const first = appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId,
            events: [say(visitor, 'uma vez', clientId)],
            patch: null,
            at: T0 + 1,
          }),
        );
        expect(seqs(first.events)).toEqual([3]);

        const again = await store.append({
          conversationId: conversation.id,
          expectedVersion: 0,
          clientId,
          events: [say(visitor, 'uma vez', clientId)],
          patch: null,
          at: T0 + 2,
        });
        expect(again).toEqual({ kind: 'duplicate', seq: 3, conversation: first.conversation });
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3]);
      });

      it('D3: a duplicate clientId answers the first seq even when expectedVersion is stale', async () => {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        const clientId = uuidv7();
        appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId,
            events: [say(visitor, 'primeira', clientId)],
            patch: null,
            at: T0 + 1,
          }),
        );
        // The conversation changes state afterwards (an agent claims it), so version 0 is stale.
        const claimed = appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId: null,
            events: [],
            patch: { assignedAgentId: agent.id, assignedAgentName: agent.name },
            at: T0 + 2,
          }),
        );
        expect(claimed.conversation.version).toBe(1);

        const resend = await store.append({
          conversationId: conversation.id,
          expectedVersion: 0,
          clientId,
          events: [say(visitor, 'primeira', clientId)],
          patch: null,
          at: T0 + 3,
        });
        expect(resend).toEqual({ kind: 'duplicate', seq: 3, conversation: claimed.conversation });
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3]);
      });

      it('D3: a clientId stored by start is a duplicate for a later append', async () => {
        const { visitor, conversation, firstClientId } = await startConversation();
        const resend = await store.append({
          conversationId: conversation.id,
          expectedVersion: 0,
          clientId: firstClientId,
          events: [say(visitor, 'Olá', firstClientId)],
          patch: null,
          at: T0 + 1,
        });
        expect(resend).toMatchObject({ kind: 'duplicate', seq: 2 });
      });

      it('D3: the same clientId in another conversation is not a duplicate', async () => {
        const a = await startConversation();
        const b = await startConversation();
        const out = appended(
          await store.append({
            conversationId: b.conversation.id,
            expectedVersion: 0,
            clientId: a.firstClientId,
            events: [say(b.visitor, 'mesmo id', a.firstClientId)],
            patch: null,
            at: T0 + 1,
          }),
        );
        expect(seqs(out.events)).toEqual([3]);
      });

      it('D3: duplicates submitted in the same tick store one message', async () => {
        const { visitor, conversation } = await startConversation();
        const clientId = uuidv7();
        const input = {
          conversationId: conversation.id,
          expectedVersion: 0,
          clientId,
          events: [say(visitor, 'duas abas', clientId)],
          patch: null,
          at: T0 + 1,
        };
        const outcomes = await Promise.all([store.append(input), store.append(input), store.append(input)]);
        expect(outcomes.map((o) => o.kind)).toEqual(['appended', 'duplicate', 'duplicate']);
        expect(outcomes.map((o) => (o.kind === 'duplicate' ? o.seq : o.kind === 'appended' ? o.events[0]!.seq : -1))).toEqual([3, 3, 3]);
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3]);
      });

      it('C4: a stale expectedVersion answers conflict with the current record and writes nothing', async () => {
        const { conversation } = await startConversation();
        const ana = await makeAgent();
        const bia = await makeAgent();
        const claimed = appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId: null,
            events: [{ kind: 'assigned', author: { kind: 'agent', id: ana.id, name: ana.name }, clientId: null, text: null }],
            patch: { assignedAgentId: ana.id, assignedAgentName: ana.name },
            at: T0 + 1,
          }),
        );
        const before = await allEvents(store, conversation.id);

        const clientId = uuidv7();
        const stale = await store.append({
          conversationId: conversation.id,
          expectedVersion: 0,
          clientId,
          events: [
            { kind: 'assigned', author: { kind: 'agent', id: bia.id, name: bia.name }, clientId: null, text: null },
            say({ kind: 'agent', id: bia.id, name: bia.name, role: 'agent' }, 'Eu também', clientId),
          ],
          patch: { assignedAgentId: bia.id, assignedAgentName: bia.name },
          at: T0 + 2,
        });
        expect(stale).toEqual({ kind: 'conflict', conversation: claimed.conversation });
        expect(await allEvents(store, conversation.id)).toEqual(before);
        expect(await store.conversations.byId(conversation.id)).toEqual(claimed.conversation);
        expect(await store.events.seqOfClientId(conversation.id, clientId)).toBeNull();
      });

      it('C4: a version from the future is a conflict too', async () => {
        const { visitor, conversation } = await startConversation();
        const out = await store.append({
          conversationId: conversation.id,
          expectedVersion: 5,
          clientId: null,
          events: [say(visitor, 'x')],
          patch: null,
          at: T0 + 1,
        });
        expect(out.kind).toBe('conflict');
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2]);
      });

      it('C4: a patch bumps version by one; a message-only append does not', async () => {
        const { visitor, conversation } = await startConversation();
        const agent = await makeAgent();
        expect(conversation.version).toBe(0);

        const message = appended(
          await store.append({ conversationId: conversation.id, expectedVersion: 0, clientId: null, events: [say(visitor, 'a')], patch: null, at: T0 + 1 }),
        );
        expect(message.conversation.version).toBe(0);

        const assign = appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId: null,
            events: [{ kind: 'assigned', author: { kind: 'agent', id: agent.id, name: agent.name }, clientId: null, text: null }],
            patch: { assignedAgentId: agent.id, assignedAgentName: agent.name },
            at: T0 + 2,
          }),
        );
        expect(assign.conversation.version).toBe(1);

        const another = appended(
          await store.append({ conversationId: conversation.id, expectedVersion: 1, clientId: null, events: [say(visitor, 'b')], patch: null, at: T0 + 3 }),
        );
        expect(another.conversation.version).toBe(1);

        const close = appended(
          await store.append({ conversationId: conversation.id, expectedVersion: 1, clientId: null, events: [], patch: { status: 'closed' }, at: T0 + 4 }),
        );
        expect(close.conversation).toMatchObject({ version: 2, status: 'closed', assignedAgentId: agent.id });
        expect((await store.conversations.byId(conversation.id))?.version).toBe(2);
      });

      it('C4: two agents claiming at the same instant get exactly one owner', async () => {
        const { conversation } = await startConversation();
        const [ana, bia] = [await makeAgent(), await makeAgent()];
        const claim = (agent: AgentRecord) => {
          const actor: Actor = { kind: 'agent', id: agent.id, name: agent.name, role: agent.role };
          const clientId = uuidv7();
          return store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId,
            events: [{ kind: 'assigned', author: { kind: 'agent', id: agent.id, name: agent.name }, clientId: null, text: null }, say(actor, 'Minha!', clientId)],
            patch: { assignedAgentId: agent.id, assignedAgentName: agent.name },
            at: T0 + 1,
          });
        };
        const outcomes = await Promise.all([claim(ana), claim(bia)]);
        expect(outcomes.map((o) => o.kind).sort()).toEqual(['appended', 'conflict']);
        const winner = outcomes.find((o) => o.kind === 'appended')!;
        const stored = await store.conversations.byId(conversation.id);
        expect(stored?.version).toBe(1);
        expect(stored?.assignedAgentId).toBe(winner.kind === 'appended' ? winner.conversation.assignedAgentId : 'none');
        expect(seqs(await allEvents(store, conversation.id))).toEqual([1, 2, 3, 4]);
      });

      it('answers not_found for an unknown conversation and writes nothing', async () => {
        const site = await makeSite();
        const id = uuidv7();
        const out = await store.append({
          conversationId: id,
          expectedVersion: 0,
          clientId: null,
          events: [say(visitorActor(site.id), 'ninguém')],
          patch: null,
          at: T0,
        });
        expect(out).toEqual({ kind: 'not_found' });
        expect(await allEvents(store, id)).toEqual([]);
        expect(await store.conversations.byId(id)).toBeNull();
      });

      it('D1: 200 concurrent appends get seqs with no gap and no reuse', async () => {
        const { visitor, conversation } = await startConversation();
        const n = 200;
        const outcomes = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            store.append({
              conversationId: conversation.id,
              expectedVersion: 0,
              clientId: null,
              events: [say(visitor, `msg ${i}`)],
              patch: null,
              at: T0 + 1,
            }),
          ),
        );
        const got = outcomes.map((o) => appended(o).events[0]!.seq);
        expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 3));
        // Submitted in order, stored in order (D2).
        expect(got).toEqual(Array.from({ length: n }, (_, i) => i + 3));
        const stored = await allEvents(store, conversation.id);
        expect(seqs(stored)).toEqual(Array.from({ length: n + 2 }, (_, i) => i + 1));
        expect(stored.slice(2).map((e) => e.text)).toEqual(Array.from({ length: n }, (_, i) => `msg ${i}`));
        expect((await store.conversations.byId(conversation.id))?.lastSeq).toBe(n + 2);
      });

      it('D1: concurrent appends to two conversations keep each one gap-free', async () => {
        const a = await startConversation();
        const b = await startConversation();
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => {
            const c = i % 2 === 0 ? a : b;
            return store.append({
              conversationId: c.conversation.id,
              expectedVersion: 0,
              clientId: uuidv7(),
              events: [say(c.visitor, `m${i}`)],
              patch: null,
              at: T0 + i,
            });
          }),
        );
        expect(seqs(await allEvents(store, a.conversation.id))).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
        expect(seqs(await allEvents(store, b.conversation.id))).toEqual(Array.from({ length: 52 }, (_, i) => i + 1));
      });

      it('D4: flush resolves after every write submitted before it is stored', async () => {
        const { visitor, conversation } = await startConversation();
        const pending = Array.from({ length: 10 }, (_, i) =>
          store.append({ conversationId: conversation.id, expectedVersion: 0, clientId: null, events: [say(visitor, `f${i}`)], patch: null, at: T0 + 1 }),
        );
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
        const actor: Actor = { kind: 'agent', id: agent.id, name: agent.name, role: agent.role };
        appended(
          await store.append({
            conversationId: conversation.id,
            expectedVersion: 0,
            clientId: null,
            events: [{ kind: 'assigned', author: { kind: 'agent', id: agent.id, name: agent.name }, clientId: null, text: null }, say(actor, 'r1')],
            patch: { assignedAgentId: agent.id, assignedAgentName: agent.name },
            at: T0 + 1,
          }),
        );
        for (const text of ['v2', 'v3']) {
          appended(await store.append({ conversationId: conversation.id, expectedVersion: 1, clientId: null, events: [say(visitor, text)], patch: null, at: T0 + 2 }));
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

      it('D3: seqOfClientId answers the stored seq, or null', async () => {
        const a = await startConversation();
        const b = await startConversation();
        const clientId = uuidv7();
        appended(
          await store.append({ conversationId: a.conversation.id, expectedVersion: 0, clientId, events: [say(a.visitor, 'x', clientId)], patch: null, at: T0 + 1 }),
        );
        expect(await store.events.seqOfClientId(a.conversation.id, clientId)).toBe(3);
        expect(await store.events.seqOfClientId(a.conversation.id, a.firstClientId)).toBe(2);
        expect(await store.events.seqOfClientId(a.conversation.id, uuidv7())).toBeNull();
        expect(await store.events.seqOfClientId(b.conversation.id, clientId)).toBeNull();
        expect(await store.events.seqOfClientId(uuidv7(), clientId)).toBeNull();
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
        appended(
          await store.append({ conversationId: first.conversation.id, expectedVersion: 0, clientId: null, events: [say(first.visitor, 'oi')], patch: null, at: T0 + 10 }),
        );
        expect(await ids({ limit: 10 })).toEqual([first, third, second].map((c) => c.conversation.id));

        appended(
          await store.append({ conversationId: third.conversation.id, expectedVersion: 0, clientId: null, events: [], patch: { status: 'closed' }, at: T0 + 20 }),
        );
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
        appended(
          await store.append({ conversationId: conversation.id, expectedVersion: 0, clientId, events: [say(visitor, 'antes', clientId)], patch: null, at: T0 + 1 }),
        );
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
        expect(
          await reopened.append({ conversationId: conversation.id, expectedVersion: 0, clientId, events: [say(visitor, 'antes', clientId)], patch: null, at: T0 + 2 }),
        ).toMatchObject({ kind: 'duplicate', seq: 3 });
        const next = appended(
          await reopened.append({ conversationId: conversation.id, expectedVersion: 0, clientId: null, events: [say(visitor, 'depois')], patch: null, at: T0 + 3 }),
        );
        expect(seqs(next.events)).toEqual([4]);
        // C3 holds across the restart too.
        expect((await reopened.start({ siteId: site.id, visitorId: visitor.visitorId, at: T0 + 4, events: [] })).kind).toBe('exists');
      });

      it('D4: writes submitted before close() are committed by it', async () => {
        const { visitor, conversation } = await startConversation();
        const pending = Array.from({ length: 20 }, (_, i) =>
          store.append({ conversationId: conversation.id, expectedVersion: 0, clientId: null, events: [say(visitor, `c${i}`)], patch: null, at: T0 + 1 }),
        );
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
