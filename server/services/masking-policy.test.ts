/**
 * Issue 11 F2: an agent's copy of an event masks each text once, however many places hold it (the event,
 * its summary's last message, a new conversation's first message). On a real SQLite store.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';
import { summaryFixture } from '../../shared/test/summary';
import { applyMasking } from '../domain/masking';
import { databasePerTest, siteRecord, sqliteStoreFixture } from '../store/store-fixture';
import type { Store } from '../store/store';
import { createMaskingPolicy } from './masking-policy';

const { reopen } = databasePerTest(() => sqliteStoreFixture('papo-masking-policy-'));
let store: Store;
let siteId: string;
beforeEach(async () => {
  store = reopen();
  const site = siteRecord({ masking: 'mask' });
  await store.sites.create(site);
  await store.sites.update(site.id, { masking: 'mask' });
  siteId = site.id;
});

const TEXT = 'Meu cartão é 4111 1111 1111 1111';
const MASKED = 'Meu cartão é **** **** **** 1111';

function firstMessage(): { event: ConversationEvent; conversation: ConversationSummary } {
  const at = 1_750_000_000_000;
  const event: ConversationEvent = { conversationId: 'c1', seq: 3, kind: 'message', author: { kind: 'visitor', id: 'v1', name: null }, clientId: 'x', text: TEXT, at };
  const conversation = summaryFixture({
    siteId,
    visitorId: 'v1',
    visitorName: 'Maria',
    lastSeq: 3,
    lastMessage: { text: TEXT, authorKind: 'visitor', at },
    createdAt: at,
    updatedAt: at,
    queuedAt: at,
    firstMessage: TEXT,
  });
  return { event, conversation };
}

describe('M3: masking an event for agents', () => {
  it("M3: a new conversation's first message is masked once for its event, last message and first message", async () => {
    const calls: string[] = [];
    const policy = await createMaskingPolicy(store, (text) => {
      calls.push(text);
      return applyMasking('mask', text);
    });
    const { event, conversation } = firstMessage();
    const copy = policy.message({ siteId, visitorId: 'v1', event, conversation });
    expect(copy.event.text).toBe(MASKED);
    expect(copy.conversation.lastMessage?.text).toBe(MASKED);
    expect(copy.conversation.firstMessage).toBe(MASKED);
    expect(calls.filter((t) => t === TEXT)).toHaveLength(1);
  });
});

describe('M1/M2: incoming and field, for one value that may be absent', () => {
  it.each([
    ['off', TEXT, TEXT],
    ['mask', TEXT, MASKED],
    ['redact', MASKED, TEXT],
  ] as const)('M1/M2: in %s, incoming (as stored) and field (as agents see it); null stays null in both', async (mode, stored, shown) => {
    await store.sites.update(siteId, { masking: mode });
    const policy = await createMaskingPolicy(store);
    expect([policy.incoming(siteId, TEXT), policy.field(siteId, TEXT)]).toEqual([stored, shown]);
    expect([policy.incoming(siteId, null), policy.field(siteId, null)]).toEqual([null, null]);
  });
});
