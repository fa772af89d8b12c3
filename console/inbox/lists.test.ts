import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../../shared/protocol';
import { summaryFixture as s } from '../../shared/test/summary';
import { appendPage, byMineOrder, byPriorityThenActivity, byServingOrder, countByAgent, labelsIn, listOf, matches, NO_FILTERS, sortIntoLists, tabCount, type ListContext, type LiveList } from './lists';

const agent: ListContext = { agentId: 'me', role: 'agent', queueIds: ['sales'] };
const sup: ListContext = { agentId: 'me', role: 'supervisor', queueIds: ['sales'] };
const supNoQueues: ListContext = { ...sup, queueIds: [] };

describe('listOf', () => {
  it.each<[string, ConversationSummary, ListContext, LiveList | null]>([
    ['unassigned in my queue', s({ queueId: 'sales' }), agent, 'new'],
    ['unassigned without a queue', s(), agent, 'new'],
    ['agent: unassigned in another queue (the server sent it, so it is mine to see)', s({ queueId: 'support' }), agent, 'new'],
    ['supervisor: unassigned in another queue', s({ queueId: 'support' }), sup, 'others'],
    ['supervisor in no queue: every waiting one', s({ queueId: 'support' }), supNoQueues, 'new'],
    ['held by me', s({ assignedAgentId: 'me' }), agent, 'mine'],
    ['a conference I joined', s({ assignedAgentId: 'x', participants: [{ id: 'me', name: 'Me' }] }), agent, 'mine'],
    ['ended by the visitor, mine to wrap up', s({ assignedAgentId: 'me', status: 'ended' }), agent, 'mine'],
    ['closed', s({ assignedAgentId: 'me', status: 'closed' }), agent, null],
    ['held by another agent: agent', s({ assignedAgentId: 'x' }), agent, null],
    ['held by another agent: supervisor', s({ assignedAgentId: 'x' }), sup, 'others'],
    ['with the bot: agent', s({ bot: true }), agent, null],
    ['with the bot: supervisor', s({ bot: true }), sup, 'others'],
  ])('%s', (_name, c, ctx, list) => expect(listOf(c, ctx)).toBe(list));
});

describe('byServingOrder (SPEC R2)', () => {
  it('priority first, then the longest waiting (queue time, else creation), then id', () => {
    const list = [
      s({ id: 'normal-late', queuedAt: 300 }),
      s({ id: 'low-early', priority: 0, queuedAt: 1 }),
      s({ id: 'urgent', priority: 3, queuedAt: 999 }),
      s({ id: 'normal-early', queuedAt: 100 }),
      s({ id: 'normal-created', queuedAt: null, createdAt: 200 }),
      s({ id: 'b-tie', queuedAt: 300 }),
    ];
    expect([...list].sort(byServingOrder).map((c) => c.id)).toEqual(['urgent', 'normal-early', 'normal-created', 'b-tie', 'normal-late', 'low-early']);
  });
});

describe('filters', () => {
  const c = s({ queueId: 'sales', priority: 2, labels: ['vip', 'entrega'], assignedAgentId: 'x' });
  it.each([
    [NO_FILTERS, true],
    [{ ...NO_FILTERS, queueId: 'sales' }, true],
    [{ ...NO_FILTERS, queueId: 'support' }, false],
    [{ ...NO_FILTERS, priority: 2 }, true],
    [{ ...NO_FILTERS, priority: 3 }, false],
    [{ ...NO_FILTERS, label: 'vip' }, true],
    [{ ...NO_FILTERS, label: 'outro' }, false],
    [{ ...NO_FILTERS, agentId: 'x' }, true],
    [{ ...NO_FILTERS, agentId: '' }, false],
    [{ queueId: 'sales', priority: 2, label: 'entrega', agentId: 'x' }, true],
  ])('%j -> %s', (f, ok) => expect(matches(c, f)).toBe(ok));

  it('agent "" matches conversations nobody holds', () => {
    expect(matches(s(), { ...NO_FILTERS, agentId: '' })).toBe(true);
  });

  it('countByAgent: per holder, most first, nobody as ""', () => {
    const list = [s({ assignedAgentId: 'b', assignedAgentName: 'Beto' }), s({ assignedAgentId: 'c', assignedAgentName: 'Caio' }), s({ assignedAgentId: 'c', assignedAgentName: 'Caio' }), s({ bot: true })];
    expect(countByAgent(list)).toEqual([
      { agentId: 'c', name: 'Caio', count: 2 },
      { agentId: '', name: null, count: 1 },
      { agentId: 'b', name: 'Beto', count: 1 },
    ]);
  });

  it('labelsIn: every label once, sorted', () => {
    expect(labelsIn([s({ labels: ['vip', 'b'] }), s({ labels: ['a', 'vip'] })])).toEqual(['a', 'b', 'vip']);
  });
});

describe('issue 12: appendPage (Load more on Closed and Archived)', () => {
  const ids = (list: readonly ConversationSummary[]) => list.map((c) => c.id);
  it.each<[string, string[], string[], string[]]>([
    ['the first page onto nothing', [], ['a', 'b'], ['a', 'b']],
    ['the next page after the shown ones, in the order given', ['a', 'b'], ['c', 'd'], ['a', 'b', 'c', 'd']],
    ['an empty last page changes nothing', ['a'], [], ['a']],
    ['a row already shown is not shown twice', ['a', 'b'], ['b', 'c'], ['a', 'b', 'c']],
  ])('%s', (_name, shown, page, expected) => {
    expect(ids(appendPage(shown.map((id) => s({ id })), page.map((id) => s({ id }))))).toEqual(expected);
  });

  it('keeps the shown rows themselves (the list does not re-render what it has)', () => {
    const shown = [s({ id: 'a' })];
    expect(appendPage(shown, [s({ id: 'b' })])[0]).toBe(shown[0]);
  });
});

describe('issue 15: every list puts priority first', () => {
  const said = (authorKind: 'visitor' | 'agent', at: number) => ({ lastMessage: { text: 'x', authorKind, at }, updatedAt: at });
  const ids = (list: readonly ConversationSummary[]) => list.map((c) => c.id);

  it.each<[string, ConversationSummary[], string[]]>([
    ['urgent before a newer normal one', [s({ id: 'normal-new', ...said('visitor', 900) }), s({ id: 'urgent-old', priority: 3, ...said('agent', 100) })], ['urgent-old', 'normal-new']],
    ['low after everything', [s({ id: 'low', priority: 0, ...said('visitor', 1) }), s({ id: 'normal', ...said('agent', 500) })], ['normal', 'low']],
    [
      'within a priority, the visitor waiting for an answer first, the longest waiting first',
      [s({ id: 'answered-newest', ...said('agent', 900) }), s({ id: 'waiting-short', ...said('visitor', 800) }), s({ id: 'waiting-long', ...said('visitor', 200) })],
      ['waiting-long', 'waiting-short', 'answered-newest'],
    ],
    [
      'then the rest, newest activity first; an ended one waits for nobody',
      [s({ id: 'older', ...said('agent', 100) }), s({ id: 'ended', status: 'ended', ...said('visitor', 50) }), s({ id: 'newer', ...said('agent', 300) })],
      ['newer', 'older', 'ended'],
    ],
  ])('Mine: %s', (_name, list, expected) => expect(ids([...list].sort(byMineOrder))).toEqual(expected));

  it.each<[string, ConversationSummary[], string[]]>([
    ['urgent before a newer normal one', [s({ id: 'normal-new', updatedAt: 900 }), s({ id: 'high-old', priority: 2, updatedAt: 100 })], ['high-old', 'normal-new']],
    ['within a priority, newest activity first', [s({ id: 'a', updatedAt: 100 }), s({ id: 'b', updatedAt: 300 }), s({ id: 'c', updatedAt: 200 })], ['b', 'c', 'a']],
  ])('Others: %s', (_name, list, expected) => expect(ids([...list].sort(byPriorityThenActivity))).toEqual(expected));

  it('sortIntoLists orders Mine and Others that way', () => {
    const lists = sortIntoLists(
      [
        s({ id: 'mine-normal', assignedAgentId: 'me', updatedAt: 900 }),
        s({ id: 'mine-urgent', assignedAgentId: 'me', priority: 3, updatedAt: 100 }),
        s({ id: 'theirs-normal', assignedAgentId: 'x', updatedAt: 900 }),
        s({ id: 'theirs-high', assignedAgentId: 'x', priority: 2, updatedAt: 100 }),
      ],
      sup,
    );
    expect(ids(lists.mine)).toEqual(['mine-urgent', 'mine-normal']);
    expect(ids(lists.others)).toEqual(['theirs-high', 'theirs-normal']);
  });
});

describe('tabCount (issue 15: one count per tab, never "Novas 1 1")', () => {
  it.each<[string, number, number, ReturnType<typeof tabCount>]>([
    ['nothing in the list', 0, 0, { kind: 'size', n: 0 }],
    ['all read: how many it holds', 3, 0, { kind: 'size', n: 3 }],
    ['one waiting, unread: that one, once', 1, 1, { kind: 'unread', n: 1 }],
    ['some unread: how many have a new message', 5, 2, { kind: 'unread', n: 2 }],
  ])('%s', (_name, size, unread, expected) => expect(tabCount(size, unread)).toEqual(expected));
});
