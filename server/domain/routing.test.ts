import { describe, expect, it } from 'vitest';
import type { AgentState, RoutingStrategy } from '../../shared/protocol';
import { byQueue, canTakeWork, claimRefusal, pickAgent, planOffers, presenceStates, servingOrder, stickyAgent, visibleState, type Candidate, type Waiting } from './routing';

/** An agent who can take work unless the case says otherwise. */
const agent = (id: string, more: Partial<Candidate> = {}): Candidate => ({
  id,
  name: `Name of ${id}`,
  state: 'available',
  load: 0,
  capacity: 3,
  offered: false,
  lastAssignedAt: 0,
  ...more,
});

const waiting = (id: string, priority = 1, queuedAt: number | null = 1000, declinedBy: string[] = []): Waiting => ({
  id,
  priority,
  queuedAt,
  declinedBy: new Set(declinedBy),
});

describe('R1: canTakeWork', () => {
  it.each<[AgentState, number, number, boolean]>([
    ['available', 0, 3, true],
    ['available', 2, 3, true],
    ['available', 3, 3, false],
    ['available', 4, 3, false],
    ['available', 0, 0, false],
    ['unavailable', 0, 3, false],
    ['rona', 0, 3, false],
    ['offline', 0, 3, false],
  ])('R1: an agent %s with load %i of capacity %i takes work: %s', (state, load, capacity, expected) => {
    expect(canTakeWork({ state, load, capacity })).toBe(expected);
  });
});

describe('R1/C2: claimRefusal', () => {
  it.each<[AgentState, number, number, boolean, 'not_available' | 'at_capacity' | null]>([
    ['available', 0, 1, false, null],
    ['available', 49, 50, false, null],
    ['available', 1, 1, false, 'at_capacity'],
    ['available', 50, 50, false, 'at_capacity'],
    ['available', 54, 50, false, 'at_capacity'],
    ['available', 0, 0, false, 'at_capacity'],
    ['unavailable', 0, 3, false, 'not_available'],
    ['rona', 0, 3, false, 'not_available'],
    ['offline', 0, 3, false, 'not_available'],
    // Unavailable and full: availability is named first.
    ['unavailable', 3, 3, false, 'not_available'],
    // Supervisors and admins steering are exempt, as on take.
    ['unavailable', 5, 1, true, null],
    ['available', 1, 1, true, null],
  ])('R1: %s with load %i of capacity %i (steering: %s) is refused with %s', (state, load, capacity, steering, expected) => {
    expect(claimRefusal({ state, load, capacity }, steering)).toBe(expected);
  });
});

describe('R1: visibleState', () => {
  it.each<[Exclude<AgentState, 'offline'>, boolean, AgentState]>([
    ['available', true, 'available'],
    ['unavailable', true, 'unavailable'],
    ['rona', true, 'rona'],
    ['available', false, 'offline'],
    ['unavailable', false, 'offline'],
    ['rona', false, 'offline'],
  ])('R1: chosen %s, a console connected %s: shown %s', (chosen, online, expected) => {
    expect(visibleState(chosen, online)).toBe(expected);
  });
});

describe('R13: presenceStates', () => {
  it.each<[Exclude<AgentState, 'offline'>, number, boolean, AgentState, AgentState]>([
    ['available', 1, false, 'available', 'available'],
    ['available', 2, false, 'available', 'available'],
    // Its consoles dropped: shown (and counted by T1/T2) as it chose, but no new work.
    ['available', 0, true, 'available', 'offline'],
    ['available', 0, false, 'offline', 'offline'],
    ['unavailable', 0, true, 'unavailable', 'offline'],
    ['rona', 0, true, 'rona', 'offline'],
    ['unavailable', 1, false, 'unavailable', 'unavailable'],
    // A console is back within the grace: the grace no longer matters.
    ['available', 1, true, 'available', 'available'],
  ])('R13: chosen %s, %i consoles, in grace %s: shown %s, takes work as %s', (chosen, consoles, inGrace, shown, work) => {
    expect(presenceStates(chosen, consoles, inGrace)).toEqual({ shown, work });
  });
});

describe('R2: servingOrder', () => {
  it.each<[string, Waiting[], string[]]>([
    ['R2: nothing waiting', [], []],
    ['R2: higher priority first, whatever the waiting time', [waiting('a', 1, 100), waiting('b', 3, 900), waiting('c', 2, 500)], ['b', 'c', 'a']],
    ['R2: the same priority: the longest waiting first', [waiting('a', 1, 300), waiting('b', 1, 100), waiting('c', 1, 200)], ['b', 'c', 'a']],
    ['R2: priority, then waiting time', [waiting('a', 1, 100), waiting('b', 2, 300), waiting('c', 2, 200), waiting('d', 0, 1)], ['c', 'b', 'a', 'd']],
    ['R2: the same priority and time: by id, so every node agrees', [waiting('c', 1, 100), waiting('a', 1, 100), waiting('b', 1, 100)], ['a', 'b', 'c']],
    ['R2: an unknown queue time counts as waiting longest', [waiting('a', 1, 100), waiting('b', 1, null)], ['b', 'a']],
    ['R2: an unknown queue time does not beat a higher priority', [waiting('a', 2, 100), waiting('b', 1, null)], ['a', 'b']],
    ['R2: urgent (3) before low (0)', [waiting('low', 0, 1), waiting('urgent', 3, 2)], ['urgent', 'low']],
  ])('%s', (_name, input, expected) => {
    const before = input.map((w) => w.id);
    expect(servingOrder(input).map((w) => w.id)).toEqual(expected);
    // The caller's array is left as it was.
    expect(input.map((w) => w.id)).toEqual(before);
  });
});

describe('R4: pickAgent, round robin', () => {
  const abc = () => [agent('a'), agent('b'), agent('c')];
  it.each<[string, Candidate[], string | null, string[], string | null]>([
    ['R4: no cursor: the first by id', abc(), null, [], 'a'],
    ['R4: the next after the cursor', abc(), 'a', [], 'b'],
    ['R4: the next after the cursor (middle)', abc(), 'b', [], 'c'],
    ['R4: after the last it wraps to the first', abc(), 'c', [], 'a'],
    ['R4: a cursor naming an agent no longer there: the next id after it', abc(), 'bb', [], 'c'],
    ['R4: a cursor after every id wraps', abc(), 'z', [], 'a'],
    ['R4: id order, not the order given', [agent('c'), agent('a'), agent('b')], 'a', [], 'b'],
    ['R1: skips an unavailable agent', [agent('a'), agent('b', { state: 'unavailable' }), agent('c')], 'a', [], 'c'],
    ['R1: skips an offline agent', [agent('a'), agent('b', { state: 'offline' }), agent('c')], 'a', [], 'c'],
    ['R4: skips an agent in no-answer (RONA)', [agent('a'), agent('b', { state: 'rona' }), agent('c')], 'a', [], 'c'],
    ['R1: skips an agent at capacity', [agent('a'), agent('b', { load: 3 }), agent('c')], 'a', [], 'c'],
    ['R4: skips an agent with an offer already waiting', [agent('a'), agent('b', { offered: true }), agent('c')], 'a', [], 'c'],
    ['R4: skips an agent who let this conversation\'s offer expire', abc(), 'a', ['b'], 'c'],
    ['R4: skipping wraps around too', [agent('a', { state: 'unavailable' }), agent('b'), agent('c', { load: 3 })], 'c', [], 'b'],
    ['R4: the cursor agent itself when it is the only one left', [agent('a', { offered: true }), agent('b'), agent('c', { state: 'offline' })], 'b', [], 'b'],
    ['R4: nobody eligible: null', [agent('a', { state: 'unavailable' }), agent('b', { load: 3 }), agent('c', { offered: true })], null, [], null],
    ['R4: everyone declined: null', abc(), 'a', ['a', 'b', 'c'], null],
    ['R4: no candidates: null', [], 'a', [], null],
  ])('%s', (_name, candidates, cursor, exclude, expected) => {
    expect(pickAgent('round_robin', candidates, cursor, new Set(exclude))?.id ?? null).toBe(expected);
  });
});

describe('R4: pickAgent, least busy', () => {
  it.each<[string, Candidate[], string[], string | null]>([
    ['R4: the lowest load', [agent('a', { load: 2 }), agent('b', { load: 0 }), agent('c', { load: 1 })], [], 'b'],
    [
      'R4: the same load: the longest since its last conversation',
      [agent('a', { lastAssignedAt: 300 }), agent('b', { lastAssignedAt: 100 }), agent('c', { lastAssignedAt: 200 })],
      [],
      'b',
    ],
    ['R4: load wins over idle time', [agent('a', { load: 1, lastAssignedAt: 0 }), agent('b', { load: 0, lastAssignedAt: 999 })], [], 'b'],
    ['R4: the same load and idle time: by id', [agent('c'), agent('b'), agent('a')], [], 'a'],
    ['R1: the least busy is unavailable: the next', [agent('a', { load: 0, state: 'unavailable' }), agent('b', { load: 1 }), agent('c', { load: 2 })], [], 'b'],
    ['R4: the least busy has an offer waiting: the next', [agent('a', { load: 0, offered: true }), agent('b', { load: 1 }), agent('c', { load: 2 })], [], 'b'],
    ['R4: the least busy declined this conversation: the next', [agent('a', { load: 0 }), agent('b', { load: 1 }), agent('c', { load: 2 })], ['a'], 'b'],
    ['R1: an agent at capacity is never the least busy', [agent('a', { load: 1, capacity: 1 }), agent('b', { load: 2, capacity: 5 })], [], 'b'],
    ['R4: nobody eligible: null', [agent('a', { state: 'rona' }), agent('b', { load: 3 })], [], null],
  ])('%s', (_name, candidates, exclude, expected) => {
    expect(pickAgent('least_busy', candidates, null, new Set(exclude))?.id ?? null).toBe(expected);
  });

  it('R4: least busy ignores the round-robin cursor', () => {
    expect(pickAgent('least_busy', [agent('a'), agent('b')], 'a')?.id).toBe('a');
  });
});

describe('R3: pickAgent, broadcast', () => {
  it.each<[string, Candidate[], string | null]>([
    ['R3: broadcast offers nothing, even with agents free', [agent('a'), agent('b')], null],
    ['R3: broadcast offers nothing, whatever the cursor', [agent('a'), agent('b')], 'a'],
    ['R3: broadcast offers nothing with no agents', [], null],
  ])('%s', (_name, candidates, cursor) => {
    expect(pickAgent('broadcast', candidates, cursor)).toBeNull();
  });
});

describe('R2/R4: planOffers', () => {
  type Plan = Array<[conversationId: string, agentId: string]>;
  it.each<[string, RoutingStrategy, Waiting[], Candidate[], string | null, Plan, string | null]>([
    ['R4: nothing waiting: no offers, cursor kept', 'round_robin', [], [agent('a')], 'a', [], 'a'],
    ['R4: nobody to offer to: no offers, cursor kept', 'round_robin', [waiting('w1')], [], 'a', [], 'a'],
    ['R3: broadcast plans no offers and keeps the cursor', 'broadcast', [waiting('w1'), waiting('w2')], [agent('a'), agent('b')], 'a', [], 'a'],
    [
      'R4: round robin, one offer per agent: the third conversation waits',
      'round_robin',
      [waiting('w1', 1, 100), waiting('w2', 1, 200), waiting('w3', 1, 300)],
      [agent('a'), agent('b')],
      null,
      [
        ['w1', 'a'],
        ['w2', 'b'],
      ],
      'b',
    ],
    [
      'R2: the highest priority is offered first, then the longest waiting',
      'round_robin',
      [waiting('w1', 1, 100), waiting('w2', 3, 500), waiting('w3', 1, 50)],
      [agent('a'), agent('b')],
      null,
      [
        ['w2', 'a'],
        ['w3', 'b'],
      ],
      'b',
    ],
    [
      'R4: round robin continues after the cursor and wraps',
      'round_robin',
      [waiting('w1', 1, 100), waiting('w2', 1, 200)],
      [agent('a'), agent('b'), agent('c')],
      'b',
      [
        ['w1', 'c'],
        ['w2', 'a'],
      ],
      'a',
    ],
    [
      'R4: a conversation goes to the next agent after the one who let it expire',
      'round_robin',
      [waiting('w1', 1, 100, ['a'])],
      [agent('a'), agent('b')],
      null,
      [['w1', 'b']],
      'b',
    ],
    [
      'R4: a conversation everyone declined is skipped; the next one is still offered',
      'round_robin',
      [waiting('w1', 2, 100, ['a', 'b']), waiting('w2', 1, 200)],
      [agent('a'), agent('b')],
      null,
      [['w2', 'a']],
      'a',
    ],
    [
      'R4: an agent with an offer already waiting gets no second one',
      'round_robin',
      [waiting('w1'), waiting('w2', 1, 2000)],
      [agent('a', { offered: true }), agent('b')],
      null,
      [['w1', 'b']],
      'b',
    ],
    [
      'R1: unavailable and full agents get no offers',
      'round_robin',
      [waiting('w1'), waiting('w2', 1, 2000)],
      [agent('a', { state: 'unavailable' }), agent('b', { load: 3 }), agent('c')],
      null,
      [['w1', 'c']],
      'c',
    ],
    [
      'R4: least busy spreads offers from the least loaded up',
      'least_busy',
      [waiting('w1', 1, 100), waiting('w2', 1, 200), waiting('w3', 1, 300)],
      [agent('a', { load: 2 }), agent('b', { load: 0 }), agent('c', { load: 1 })],
      null,
      [
        ['w1', 'b'],
        ['w2', 'c'],
        ['w3', 'a'],
      ],
      'a',
    ],
    [
      'R2/R4: least busy gives the urgent conversation to the least loaded agent',
      'least_busy',
      [waiting('w1', 0, 100), waiting('w2', 3, 900)],
      [agent('a', { load: 1 }), agent('b', { load: 0 })],
      null,
      [
        ['w2', 'b'],
        ['w1', 'a'],
      ],
      'a',
    ],
  ])('%s', (_name, strategy, queue, candidates, cursor, expected, expectedCursor) => {
    const snapshot = structuredClone(candidates);
    const plan = planOffers(strategy, queue, candidates, cursor);
    expect(plan.offers.map((o) => [o.conversationId, o.agentId])).toEqual(expected);
    expect(plan.cursor).toBe(expectedCursor);
    // Each offer names the agent's name, each agent gets at most one offer, each conversation at most one.
    for (const o of plan.offers) expect(o.agentName).toBe(`Name of ${o.agentId}`);
    expect(new Set(plan.offers.map((o) => o.agentId)).size).toBe(plan.offers.length);
    expect(new Set(plan.offers.map((o) => o.conversationId)).size).toBe(plan.offers.length);
    // The caller's candidates are not marked as offered.
    expect(candidates).toEqual(snapshot);
  });
});

describe('R8: stickyAgent', () => {
  it.each<[string, string | null, Candidate[], string | null]>([
    ['R8: no previous agent: nobody', null, [agent('a')], null],
    ['R8: the previous agent, available with room', 'a', [agent('a'), agent('b')], 'a'],
    ['R8: the previous agent even with one slot left', 'a', [agent('a', { load: 2, capacity: 3 })], 'a'],
    ['R8: sticky assigns directly, so an offer waiting for the agent does not stop it', 'a', [agent('a', { offered: true })], 'a'],
    ['R8/R1: the previous agent unavailable: nobody', 'a', [agent('a', { state: 'unavailable' }), agent('b')], null],
    ['R8/R1: the previous agent in no-answer: nobody', 'a', [agent('a', { state: 'rona' })], null],
    ['R8/R1: the previous agent offline: nobody', 'a', [agent('a', { state: 'offline' })], null],
    ['R8/R1: the previous agent at capacity: nobody', 'a', [agent('a', { load: 3 })], null],
    ['R8: the previous agent is not among the candidates: nobody', 'x', [agent('a'), agent('b')], null],
  ])('%s', (_name, previous, candidates, expected) => {
    expect(stickyAgent(previous, candidates)?.id ?? null).toBe(expected);
  });
});

describe('R2: byQueue groups the waiting conversations by queue', () => {
  const c = (id: string, queueId: string | null) => ({ id, queueId });
  it.each<[string, { id: string; queueId: string | null }[], Record<string, string[]>]>([
    ['nothing waiting', [], {}],
    ['one queue keeps the order given', [c('a', 'q1'), c('b', 'q1'), c('c', 'q1')], { q1: ['a', 'b', 'c'] }],
    ['two queues interleaved', [c('a', 'q1'), c('b', 'q2'), c('c', 'q1'), c('d', 'q2')], { q1: ['a', 'c'], q2: ['b', 'd'] }],
    ['no queue is left out', [c('a', null), c('b', 'q1'), c('c', null)], { q1: ['b'] }],
  ])('%s', (_name, input, expected) => {
    const groups = byQueue(input);
    expect(Object.fromEntries([...groups].map(([q, list]) => [q, list.map((x) => x.id)]))).toEqual(expected);
  });

  it('keeps the conversations themselves, in order, for 10,000 in one queue', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => c(`c${i}`, 'q'));
    const list = byQueue(many).get('q')!;
    expect(list.length).toBe(10_000);
    expect(list[9_999]).toBe(many[9_999]);
  });
});
