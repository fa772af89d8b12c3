import { describe, expect, it } from 'vitest';
import type { ConversationSearchHit, SearchHit, Ticket } from '../../shared/api';
import { summaryFixture } from '../../shared/test/summary';
import { anonymousName, TABLES } from '../i18n/i18n';
import {
  hitKey,
  hitKind,
  hitStatus,
  hitTarget,
  hitTitle,
  IDLE_SEARCH,
  isSearchShortcut,
  markSegments,
  normaliseMarks,
  pageArrived,
  pageFailed,
  retrySearch,
  startMore,
  startSearch,
  type SearchState,
} from './search-model';

const pt = TABLES['pt-BR'];
const en = TABLES.en;

describe('snippet marks', () => {
  it.each<[string, number, Array<[number, number]>, Array<[number, number]>]>([
    ['none', 10, [], []],
    ['one inside', 10, [[2, 5]], [[2, 5]]],
    ['sorted', 10, [[6, 8], [0, 2]], [[0, 2], [6, 8]]],
    ['overlapping merge', 10, [[1, 4], [3, 6]], [[1, 6]]],
    ['touching merge', 10, [[1, 3], [3, 5]], [[1, 5]]],
    ['contained merge', 10, [[1, 8], [2, 3]], [[1, 8]]],
    ['duplicates', 10, [[2, 4], [2, 4]], [[2, 4]]],
    ['clamped at the end', 5, [[3, 9]], [[3, 5]]],
    ['clamped at the start', 5, [[-4, 2]], [[0, 2]]],
    ['wholly past the end', 5, [[7, 9]], []],
    ['empty', 5, [[2, 2]], []],
    ['inverted', 5, [[4, 1]], []],
    ['not whole numbers', 5, [[1.7, 3.2]], [[1, 3]]],
    ['not numbers', 5, [[Number.NaN, 3], [1, Number.POSITIVE_INFINITY]], []],
    ['empty text', 0, [[0, 3]], []],
  ])('%s', (_name, length, marks, expected) => {
    expect(normaliseMarks(length, marks)).toEqual(expected);
  });

  const seg = (text: string, mark = false) => ({ text, mark });
  it.each<[string, string, Array<[number, number]>, ReturnType<typeof seg>[]]>([
    ['no marks: the text as it is', 'olá mundo', [], [seg('olá mundo')]],
    ['a mark in the middle', 'a ação b', [[2, 6]], [seg('a '), seg('ação', true), seg(' b')]],
    ['a mark at the start', 'ação já', [[0, 4]], [seg('ação', true), seg(' já')]],
    ['a mark at the end', 'fiz a ação', [[6, 10]], [seg('fiz a '), seg('ação', true)]],
    ['the whole text', 'ação', [[0, 4]], [seg('ação', true)]],
    ['two marks', 'ação e reação', [[0, 4], [7, 13]], [seg('ação', true), seg(' e '), seg('reação', true)]],
    ['overlapping marks become one', 'abcdef', [[1, 3], [2, 5]], [seg('a'), seg('bcde', true), seg('f')]],
    ['out of range marks are cut to the text', 'abc', [[1, 99], [-3, 0]], [seg('a'), seg('bc', true)]],
    ['empty text', '', [[0, 2]], [seg('')]],
    ['markup stays text', '<b>oi</b>', [[3, 5]], [seg('<b>'), seg('oi', true), seg('</b>')]],
  ])('%s', (_name, text, marks, expected) => {
    const segments = markSegments({ text, marks });
    expect(segments).toEqual(expected);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });
});

const convHit = (id: string, seq: number | null, patch: Partial<ConversationSearchHit> = {}): ConversationSearchHit => ({
  kind: 'conversation',
  conversation: summaryFixture({ id, visitorId: `v-${id}` }),
  field: seq === null ? 'visitor' : 'message',
  seq,
  snippet: { text: 'x', marks: [] },
  at: 1,
  ...patch,
});
const ticket: Ticket = {
  id: 't1',
  number: 12,
  siteId: 's',
  status: 'pending',
  type: 'question',
  priority: 1,
  subject: 'Nota fiscal',
  description: '',
  requester: { name: null, email: null, visitorId: null },
  assigneeId: null,
  assigneeName: null,
  conversationId: null,
  source: 'agent',
  createdAt: 0,
  updatedAt: 0,
};
const ticketHit = (entryId: string | null): SearchHit => ({
  kind: 'ticket',
  ticket,
  field: entryId ? 'entry' : 'subject',
  entryId,
  snippet: { text: 'x', marks: [] },
  at: 1,
});

describe('search paging', () => {
  const first = startSearch(IDLE_SEARCH, '  acao ')!;

  it('a blank query asks nothing', () => {
    expect(startSearch(IDLE_SEARCH, '   ')).toBeNull();
  });

  it('a query asks its first page, trimmed, and clears what was shown', () => {
    const shown: SearchState = { ...IDLE_SEARCH, q: 'old', hits: [convHit('c0', 1)], nextCursor: 'k', status: 'ready', request: 4 };
    const next = startSearch(shown, ' acao ')!;
    expect(next.call).toEqual({ request: 5, q: 'acao', cursor: null });
    expect(next.state).toMatchObject({ q: 'acao', hits: [], nextCursor: null, status: 'loading', request: 5 });
  });

  it('the first page replaces; "more" appends the next page and drops hits already shown', () => {
    let s = pageArrived(first.state, first.call, { hits: [convHit('c1', 3), convHit('c2', 9)], nextCursor: 'p2' });
    expect(s).toMatchObject({ status: 'ready', nextCursor: 'p2' });
    const more = startMore(s)!;
    expect(more.call).toEqual({ request: first.call.request + 1, q: 'acao', cursor: 'p2' });
    expect(more.state.status).toBe('more');
    expect(startMore(more.state)).toBeNull(); // one call at a time
    s = pageArrived(more.state, more.call, { hits: [convHit('c2', 9), convHit('c3', 1), ticketHit('e1')], nextCursor: null });
    expect(s.hits.map(hitKey)).toEqual(['c:c1:message:3', 'c:c2:message:9', 'c:c3:message:1', 't:t1:entry:e1']);
    expect(s.nextCursor).toBeNull();
    expect(startMore(s)).toBeNull(); // the last page
  });

  it('an answer to an older query changes nothing', () => {
    const newer = startSearch(first.state, 'reembolso')!;
    const s = pageArrived(newer.state, first.call, { hits: [convHit('c1', 3)], nextCursor: null });
    expect(s).toBe(newer.state);
    expect(pageFailed(newer.state, first.call, { code: 'internal', message: 'x' })).toBe(newer.state);
  });

  it.each<[string, SearchState, { cursor: string | null; hits: number } | null]>([
    ['a failed first page is asked again', { ...first.state, status: 'error', error: { code: 'network', message: '' } }, { cursor: null, hits: 0 }],
    [
      'a failed "more" keeps the hits and asks the same cursor again',
      { ...first.state, hits: [convHit('c1', 3)], nextCursor: 'p2', status: 'error', error: { code: 'network', message: '' } },
      { cursor: 'p2', hits: 1 },
    ],
    ['nothing to retry without an error', { ...first.state, status: 'ready' }, null],
  ])('%s', (_name, state, expected) => {
    const retry = retrySearch(state);
    if (expected === null) return expect(retry).toBeNull();
    expect(retry!.call.cursor).toBe(expected.cursor);
    expect(retry!.state.hits).toHaveLength(expected.hits);
    expect(retry!.state.error).toBeNull();
  });

  it('a failure keeps the hits shown and says why', () => {
    const more = startMore({ ...first.state, hits: [convHit('c1', 3)], nextCursor: 'p2', status: 'ready' })!;
    const s = pageFailed(more.state, more.call, { code: 'network', message: 'offline' });
    expect(s).toMatchObject({ status: 'error', nextCursor: 'p2', error: { code: 'network' } });
    expect(s.hits).toHaveLength(1);
  });
});

describe('what a hit shows', () => {
  it.each<[string, SearchHit, string, string, string]>([
    ['a message', convHit('c1', 3), 'Mensagem', anonymousName('v-c1', pt), 'Aberta'],
    ['a visitor', convHit('c1', null, { conversation: summaryFixture({ visitorName: 'Joana', status: 'closed' }) }), 'Visitante', 'Joana', 'Fechada'],
    ['a label', convHit('c1', null, { field: 'label', conversation: summaryFixture({ status: 'closed', archived: true }) }), 'Etiqueta', anonymousName('visitor-1', pt), 'Arquivada'],
    ['a ticket entry', ticketHit('e1'), 'Chamado #12', 'Nota fiscal', 'Pendente'],
  ])('%s', (_name, hit, kind, title, status) => {
    expect(hitKind(hit, pt)).toBe(kind);
    expect(hitTitle(hit, pt)).toBe(title);
    expect(hitStatus(hit, pt)).toBe(status);
  });

  it('every kind and status has an English string too', () => {
    expect(hitKind(convHit('c1', 3), en)).toBe('Message');
    expect(hitStatus(convHit('c1', 3, { conversation: summaryFixture({ status: 'ended' }) }), en)).toBe('Ended by the visitor');
  });

  it.each<[string, SearchHit, ReturnType<typeof hitTarget>]>([
    ['a message opens its conversation at its sequence', convHit('c1', 42), { kind: 'conversation', conversationId: 'c1', seq: 42 }],
    ['a visitor or label opens the conversation', convHit('c1', null), { kind: 'conversation', conversationId: 'c1', seq: null }],
    ['a ticket opens the ticket', ticketHit(null), { kind: 'ticket', ticketId: 't1', entryId: null }],
    ['a ticket entry opens the ticket at the entry', ticketHit('e1'), { kind: 'ticket', ticketId: 't1', entryId: 'e1' }],
  ])('%s', (_name, hit, target) => {
    expect(hitTarget(hit)).toEqual(target);
  });
});

describe('the search shortcut', () => {
  const key = (k: string, patch: Partial<Parameters<typeof isSearchShortcut>[0]> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...patch });
  it.each<[string, Parameters<typeof isSearchShortcut>[0], boolean]>([
    ['/ outside a field', key('/'), true],
    ['/ while typing a reply is a slash', key('/', { inField: true }), false],
    ['Ctrl+K', key('k', { ctrlKey: true }), true],
    ['Cmd+K in a field', key('K', { metaKey: true, inField: true }), true],
    ['Ctrl+Alt+K is not it', key('k', { ctrlKey: true, altKey: true }), false],
    ['k alone', key('k'), false],
  ])('%s', (_name, e, expected) => {
    expect(isSearchShortcut(e)).toBe(expected);
  });
});
