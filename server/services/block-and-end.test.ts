/**
 * Issue 6 "block and end", the rules that moved out of the workflow route: who may (the holder or a
 * supervisor; a range only an admin), a bad range blocking nothing, an address agents use left unblocked,
 * and what is blocked and closed. On a real SQLite store (the inbox's sight), with safety, the live
 * visitors and the workflow as recording fakes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import type { AgentActor, StatePatch } from '../domain/conversation';
import { databasePerTest, patchedConversation, siteRecord, sqliteStoreFixture } from '../store/store-fixture';
import type { Store } from '../store/store';
import { createBlockAndEnd, type BlockAndEnd } from './block-and-end';
import { createInbox } from './inbox';
import { createLiveVisitors } from './live-visitors';
import { createMaskingPolicy } from './masking-policy';

const T0 = 1_750_000_000_000;
const VISITOR_IP = '198.51.100.7';
const OFFICE_IP = '192.0.2.10';

const actor = (id: string, role: AgentActor['role'], queueIds: string[] = []): AgentActor => ({ kind: 'agent', id, name: id, role, queueIds: new Set(queueIds) });
const HOLDER = actor('holder', 'agent');
const OTHER = actor('other', 'agent', ['q1']);
const STRANGER = actor('stranger', 'agent');
const SUPERVISOR = actor('sup', 'supervisor');
const ADMIN = actor('admin', 'admin');

const db = databasePerTest(() => sqliteStoreFixture('papo-block-and-end-'));

describe('block and end', () => {
  let store: Store;
  let siteId: string;
  let blocked: { kind: string; value: string; reason: string | null; expiresAt: number | null; createdBy: string | null }[];
  let closed: { by: string; id: string }[];
  let ips: Map<string, string>;
  let agentIps: Set<string>;
  let blockAndEnd: BlockAndEnd;

  beforeEach(async () => {
    // The expiry is read from Date.now() (not an injected clock): only Date is faked, the store's timers run.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    store = db.reopen();
    const site = siteRecord();
    await store.sites.create(site);
    siteId = site.id;
    // The store keeps its foreign keys: the holder and the queue exist.
    await store.agents.create({ id: HOLDER.id, name: HOLDER.name, email: 'holder@example.com', role: 'agent', passwordHash: 'h', createdAt: T0 });
    await store.queues.create({ id: 'q1', siteId, name: 'Vendas', strategy: 'broadcast', offerTimeoutMs: 30_000, createdAt: T0 });
    blocked = [];
    closed = [];
    ips = new Map();
    agentIps = new Set();
    const inbox = createInbox({ store, masking: await createMaskingPolicy(store), directory: { queues: () => [] }, liveVisitors: createLiveVisitors(() => T0) });
    blockAndEnd = createBlockAndEnd({
      inbox,
      safety: { block: async (b) => (blocked.push(b), { id: `b${blocked.length}`, createdAt: T0, ...b }) },
      liveVisitors: { ipOf: (visitorId) => ips.get(visitorId) ?? null },
      workflow: {
        closeBlocked: async (by, id) => {
          closed.push({ by: by.id, id });
          return { ...(await store.conversations.byId(id))!, status: 'closed' };
        },
      },
      agentAddresses: () => agentIps,
    });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** A conversation held by HOLDER (or as `patch` says), its visitor on VISITOR_IP. */
  async function conversation(patch: StatePatch = { assignedAgentId: HOLDER.id, assignedAgentName: HOLDER.name }): Promise<ConversationSummary> {
    const c = await patchedConversation(store, siteId, patch, T0 + 1_000);
    ips.set(c.visitorId, VISITOR_IP);
    return c;
  }

  const HELD: StatePatch = { assignedAgentId: HOLDER.id, assignedAgentName: HOLDER.name, queueId: 'q1' };
  const GUEST: StatePatch = { ...HELD, participants: [{ id: OTHER.id, name: OTHER.name }] };
  const WAITING: StatePatch = { queueId: 'q1', queuedAt: T0 };

  it.each([
    ['a plain agent who cannot see it (another holds it)', STRANGER, HELD, {}, 'conversation_not_found'],
    ['a member of its queue, another holding it (it is not theirs to see)', OTHER, HELD, {}, 'conversation_not_found'],
    ['a guest of the conversation (sees it, does not hold it)', OTHER, GUEST, {}, 'not_holder'],
    ['a guest, with a range too (holding is checked first)', OTHER, GUEST, { cidr: '203.0.113.0/24' }, 'not_holder'],
    ['a member of the queue it waits in, unassigned', OTHER, WAITING, {}, 'not_holder'],
    ['the holder, with a range (only admins block ranges)', HOLDER, HELD, { cidr: '203.0.113.0/24' }, 'forbidden'],
    ['a supervisor, with a range', SUPERVISOR, HELD, { cidr: '203.0.113.0/24' }, 'forbidden'],
    ['the holder, with a bad range (forbidden before the range is read)', HOLDER, HELD, { cidr: 'nonsense' }, 'forbidden'],
    ['an admin, with a bad range', ADMIN, HELD, { cidr: 'nonsense' }, 'invalid_request'],
    ['an admin, with a range past its family', ADMIN, HELD, { cidr: '203.0.113.0/33' }, 'invalid_request'],
  ] as const)('%s is refused and nothing is blocked or closed', async (_, who, patch, input, code) => {
    const c = await conversation(patch);
    await expect(blockAndEnd(who, c.id, input)).rejects.toMatchObject({ code });
    expect(blocked).toEqual([]);
    expect(closed).toEqual([]);
  });

  it('an unknown conversation is conversation_not_found, even for an admin', async () => {
    await expect(blockAndEnd(ADMIN, 'no-such-id', {})).rejects.toMatchObject({ code: 'conversation_not_found' });
    expect(blocked).toEqual([]);
  });

  it.each([
    ['the holder', HOLDER, {}, ['visitor', 'ip']],
    ['a supervisor who does not hold it', SUPERVISOR, {}, ['visitor', 'ip']],
    ['an admin, with a range', ADMIN, { cidr: '203.0.113.0/24' }, ['visitor', 'ip', 'cidr']],
  ] as const)('%s blocks the visitor and its address (and the range) and ends the conversation', async (_, who, input, kinds) => {
    const c = await conversation();
    const out = await blockAndEnd(who, c.id, input);
    expect(blocked.map((b) => b.kind)).toEqual(kinds);
    expect(blocked.map((b) => b.value)).toEqual([c.visitorId, VISITOR_IP, ...('cidr' in input ? [input.cidr] : [])]);
    expect(blocked.every((b) => b.createdBy === who.id && b.reason === null && b.expiresAt === null)).toBe(true);
    expect(closed).toEqual([{ by: who.id, id: c.id }]);
    expect(out).toMatchObject({ id: c.id, status: 'closed' });
  });

  it('the reason and the expiry (minutes from now) go on every block', async () => {
    const c = await conversation();
    await blockAndEnd(ADMIN, c.id, { reason: 'spam', expiresInMinutes: 30, cidr: '2001:db8::/32' });
    expect(blocked).toEqual([
      { kind: 'visitor', value: c.visitorId, reason: 'spam', expiresAt: T0 + 30 * 60_000, createdBy: 'admin' },
      { kind: 'ip', value: VISITOR_IP, reason: 'spam', expiresAt: T0 + 30 * 60_000, createdBy: 'admin' },
      { kind: 'cidr', value: '2001:db8::/32', reason: 'spam', expiresAt: T0 + 30 * 60_000, createdBy: 'admin' },
    ]);
  });

  it.each([
    ['an address an agent console uses', true, ['visitor', 'cidr']],
    ['no address (the visitor is not connected)', false, ['visitor', 'cidr']],
  ] as const)('with %s, only the visitor (and the range) is blocked', async (_, office, kinds) => {
    const c = await conversation();
    if (office) {
      ips.set(c.visitorId, OFFICE_IP);
      agentIps.add(OFFICE_IP);
    } else {
      ips.delete(c.visitorId);
    }
    const out = await blockAndEnd(ADMIN, c.id, { cidr: '203.0.113.0/24' });
    expect(blocked.map((b) => b.kind)).toEqual(kinds);
    expect(blocked.some((b) => b.value === OFFICE_IP)).toBe(false);
    expect(out.status).toBe('closed');
  });

  it('an address agents use elsewhere (not this one) does not spare the visitor', async () => {
    const c = await conversation();
    agentIps.add(OFFICE_IP);
    await blockAndEnd(HOLDER, c.id, {});
    expect(blocked.map((b) => [b.kind, b.value])).toEqual([
      ['visitor', c.visitorId],
      ['ip', VISITOR_IP],
    ]);
  });

  it('a conversation already closed is blocked but not closed again: it is answered as stored', async () => {
    const c = await conversation({ assignedAgentId: HOLDER.id, assignedAgentName: HOLDER.name, status: 'closed' });
    const out = await blockAndEnd(HOLDER, c.id, {});
    expect(blocked.map((b) => b.kind)).toEqual(['visitor', 'ip']);
    expect(closed).toEqual([]);
    expect(out).toEqual(c);
  });
});
