import { describe, expect, it } from 'vitest';
import type { AgentPresence, ConversationSummary, QueueInfo } from '../../shared/protocol';
import { summaryFixture } from '../../shared/test/summary';
import { agentRows, formatDuration, isWaiting, loadByAgent, neverSignedIn, queueRows } from './board';

const NOW = 1_000_000_000;

/** A conversation waiting a minute in Vendas. */
function conv(over: Partial<ConversationSummary>): ConversationSummary {
  return summaryFixture({
    id: 'c',
    siteId: 's1',
    visitorId: 'v1',
    lastSeq: 1,
    lastMessage: null,
    createdAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    queueId: 'sales',
    queuedAt: NOW - 60_000,
    firstMessage: null,
    ...over,
  });
}

function agent(over: Partial<AgentPresence>): AgentPresence {
  return { id: 'a', name: 'A', role: 'agent', state: 'available', capacity: 2, queueIds: ['sales'], since: NOW - 5_000, ...over };
}

const queues: QueueInfo[] = [
  { id: 'sales', siteId: 's1', name: 'Vendas', strategy: 'broadcast', offerTimeoutMs: 30_000 },
  { id: 'support', siteId: 's1', name: 'Suporte', strategy: 'round_robin', offerTimeoutMs: 30_000 },
];

describe('isWaiting', () => {
  it.each([
    ['an open, unassigned conversation waits', {}, true],
    ['one with an offer out still waits', { offer: { agentId: 'a', agentName: 'A', expiresAt: NOW + 1 } }, true],
    ['an assigned one does not', { assignedAgentId: 'a' }, false],
    ['one the bot holds does not', { bot: true }, false],
    ['one the visitor ended does not', { status: 'ended' as const }, false],
    ['a closed one does not', { status: 'closed' as const }, false],
    ['an archived one does not', { archived: true }, false],
  ])('%s', (_name, over, expected) => {
    expect(isWaiting(conv(over))).toBe(expected);
  });
});

describe('loadByAgent', () => {
  it.each([
    ['counts what an agent holds', [conv({ id: '1', assignedAgentId: 'a' }), conv({ id: '2', assignedAgentId: 'a' })], { a: 2 }],
    ['counts a conference guest once for each side', [conv({ assignedAgentId: 'a', participants: [{ id: 'b', name: 'B' }] })], { a: 1, b: 1 }],
    ['counts the holder once when also listed as participant', [conv({ assignedAgentId: 'a', participants: [{ id: 'a', name: 'A' }] })], { a: 1 }],
    ['counts an ended conversation still to wrap up', [conv({ assignedAgentId: 'a', status: 'ended' })], { a: 1 }],
    ['does not count a closed conversation', [conv({ assignedAgentId: 'a', status: 'closed' })], {}],
    ['does not count an archived conversation', [conv({ assignedAgentId: 'a', status: 'closed', archived: true })], {}],
    ['does not count waiting conversations', [conv({})], {}],
  ])('%s', (_name, conversations, expected) => {
    expect(Object.fromEntries(loadByAgent(conversations))).toEqual(expected);
  });
});

describe('queueRows', () => {
  it.each([
    {
      name: 'no conversation: nothing waits, members are counted by state',
      presence: [agent({ id: 'a' }), agent({ id: 'b', state: 'unavailable' }), agent({ id: 'c', state: 'offline' })],
      conversations: [],
      expected: [
        { id: 'sales', name: 'Vendas', waiting: 0, longestWaitMs: null, available: 1, connected: 2, members: 3 },
        { id: 'support', name: 'Suporte', waiting: 0, longestWaitMs: null, available: 0, connected: 0, members: 0 },
      ],
    },
    {
      name: 'the longest wait is the oldest queuedAt, falling back to createdAt',
      presence: [agent({ id: 'a', state: 'rona', queueIds: ['sales', 'support'] })],
      conversations: [
        conv({ id: '1', queuedAt: NOW - 10_000 }),
        conv({ id: '2', queuedAt: null, createdAt: NOW - 90_000 }),
        conv({ id: '3', queueId: 'support', queuedAt: NOW - 1_000 }),
        conv({ id: '4', assignedAgentId: 'a', queuedAt: NOW - 999_999 }),
      ],
      expected: [
        { id: 'sales', name: 'Vendas', waiting: 2, longestWaitMs: 90_000, available: 0, connected: 1, members: 1 },
        { id: 'support', name: 'Suporte', waiting: 1, longestWaitMs: 1_000, available: 0, connected: 1, members: 1 },
      ],
    },
    {
      name: 'waiting without a known queue gets its own row',
      presence: [],
      conversations: [conv({ id: '1', queueId: null }), conv({ id: '2', queueId: 'gone', queuedAt: NOW - 20_000 })],
      expected: [
        { id: 'sales', name: 'Vendas', waiting: 0, longestWaitMs: null, available: 0, connected: 0, members: 0 },
        { id: 'support', name: 'Suporte', waiting: 0, longestWaitMs: null, available: 0, connected: 0, members: 0 },
        { id: null, name: null, waiting: 2, longestWaitMs: 60_000, available: 0, connected: 0, members: 0 },
      ],
    },
    {
      name: 'a clock behind queuedAt never shows a negative wait',
      presence: [],
      conversations: [conv({ queuedAt: NOW + 5_000 })],
      expected: [
        { id: 'sales', name: 'Vendas', waiting: 1, longestWaitMs: 0, available: 0, connected: 0, members: 0 },
        { id: 'support', name: 'Suporte', waiting: 0, longestWaitMs: null, available: 0, connected: 0, members: 0 },
      ],
    },
  ])('$name', ({ presence, conversations, expected }) => {
    expect(queueRows(queues, presence, conversations, NOW)).toEqual(expected);
  });
});

describe('agentRows', () => {
  const presence = [
    agent({ id: 'z', name: 'Zé', state: 'offline', since: NOW - 3_600_000 }),
    agent({ id: 'b', name: 'Bia', state: 'unavailable', queueIds: ['support'] }),
    agent({ id: 'a', name: 'Ana', capacity: 1 }),
  ];
  const conversations = [conv({ id: '1', assignedAgentId: 'a' }), conv({ id: '2', assignedAgentId: 'b', participants: [{ id: 'z', name: 'Zé' }] })];

  it.each([
    { name: 'every agent, connected first and then by name', queueId: null, ids: ['a', 'b', 'z'] },
    { name: 'only the members of the chosen queue', queueId: 'sales', ids: ['a', 'z'] },
    { name: 'nobody for a queue without members', queueId: 'nobody', ids: [] },
  ])('$name', ({ queueId, ids }) => {
    expect(agentRows(presence, conversations, NOW, queueId).map((r) => r.id)).toEqual(ids);
  });

  it.each([
    { id: 'a', state: 'available', inStateMs: 5_000, conversations: 1, capacity: 1, full: true, connected: true },
    { id: 'b', state: 'unavailable', inStateMs: 5_000, conversations: 1, capacity: 2, full: false, connected: true },
    { id: 'z', state: 'offline', inStateMs: 3_600_000, conversations: 1, capacity: 2, full: false, connected: false, neverSignedIn: false },
  ])('agent $id: $state for $inStateMs ms with $conversations of $capacity', (expected) => {
    expect(agentRows(presence, conversations, NOW).find((r) => r.id === expected.id)).toMatchObject(expected);
  });
});

describe('neverSignedIn (issue 15: not "Offline for 0 s")', () => {
  it.each([
    { name: 'offline since creation: never signed in', state: 'offline', since: 0, never: true },
    { name: 'offline after a console went away', state: 'offline', since: NOW - 1000, never: false },
    { name: 'available (its console connected) is not', state: 'available', since: 0, never: false },
  ] as const)('$name', ({ state, since, never }) => {
    expect(neverSignedIn({ state, since })).toBe(never);
    expect(agentRows([agent({ id: 'n', state, since })], [], NOW)[0]).toMatchObject({ neverSignedIn: never, ...(never ? { inStateMs: 0 } : {}) });
  });
});

describe('formatDuration', () => {
  it.each([
    [-5, '0 s'],
    [0, '0 s'],
    [59_999, '59 s'],
    [60_000, '1 min'],
    [3_599_000, '59 min'],
    [3_600_000, '1 h 00 min'],
    [3_900_000, '1 h 05 min'],
    [86_400_000, '1 d 0 h'],
    [2 * 86_400_000 + 3 * 3_600_000, '2 d 3 h'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
