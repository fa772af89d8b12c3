/**
 * Issue 14: after a resync an agent's console list is made right again, also for what it was shown that
 * left its inbox while the message saying so was lost (Redis away): a conversation transferred to another
 * agent or deleted is withdrawn (`gone`, SPEC R10), one closed that the agent still sees comes as it is now.
 * Real conversation service on a real SQLite store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../shared/protocol';
import { createMemoryBus } from '../bus/memory';
import type { AgentActor } from '../domain/conversation';
import { silentLogger } from '../log';
import { createConversationService } from '../services/conversations';
import { createMaskingPolicy } from '../services/masking-policy';
import { createSqliteStore } from '../store/sqlite/store';
import { patchedConversation, siteRecord } from '../store/store-fixture';
import type { Store } from '../store/store';
import { AgentHandler, type AgentLive } from './agent-handler';
import type { ConnectionDeps } from './role-handler';

const ANA: AgentActor = { kind: 'agent', id: 'ana', name: 'Ana', role: 'agent', queueIds: new Set() };

describe('agent console after a resync', () => {
  let dir: string;
  let store: Store;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'papo-agent-resync-'));
    store = createSqliteStore(join(dir, 'papo.db'));
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('withdraws what was transferred away or deleted, updates what closed, and resends the inbox', async () => {
    const site = siteRecord();
    await store.sites.create(site);
    for (const [id, name] of [['ana', 'Ana'], ['bia', 'Bia']] as const) {
      await store.agents.create({ id, name, email: `${id}@example.com`, role: 'agent', passwordHash: 'h', createdAt: 1 });
    }
    const at = Date.now();
    const held = await patchedConversation(store, site.id, { assignedAgentId: 'ana', assignedAgentName: 'Ana' }, at);
    const transferred = await patchedConversation(store, site.id, { assignedAgentId: 'bia', assignedAgentName: 'Bia' }, at);
    const closed = await patchedConversation(store, site.id, { status: 'closed', assignedAgentId: 'ana', assignedAgentName: 'Ana' }, at);
    const deleted = await patchedConversation(store, site.id, { assignedAgentId: 'ana', assignedAgentName: 'Ana' }, at);
    await store.conversations.delete(deleted.id);
    const conversations = createConversationService({ store, bus: createMemoryBus(silentLogger), now: Date.now });
    const masking = await createMaskingPolicy(store);
    const handler = new AgentHandler({ conversations, masking } as unknown as ConnectionDeps);
    const sent: ServerFrame[] = [];
    const conn = { send: (frame: ServerFrame) => sent.push(frame) } as unknown as Parameters<AgentHandler['reconcile']>[0];
    // The console was shown all four (the messages that changed three of them were lost).
    const live: AgentLive = {
      kind: 'live',
      actor: ANA,
      known: new Set([held.id, transferred.id, closed.id, deleted.id]),
      watches: null,
      senderId: null,
      typing: null,
      messageKey: null,
    };
    await handler.reconcile(conn, live, new Map(), true);
    const shown = sent.map((f) => (f.type === 'conversation' ? [f.type, f.conversation.id, f.conversation.status] : f.type === 'gone' ? [f.type, f.conversationId] : [f.type]));
    expect(shown).toEqual([
      ['conversation', held.id, 'open'],
      ['gone', transferred.id],
      ['conversation', closed.id, 'closed'],
      ['gone', deleted.id],
    ]);
    expect([...live.known!].sort()).toEqual([held.id, closed.id].sort());
    // A second resync says nothing new about what was withdrawn.
    sent.length = 0;
    await handler.reconcile(conn, live, new Map(), true);
    expect(sent.filter((f) => f.type === 'gone')).toEqual([]);
  });
});
