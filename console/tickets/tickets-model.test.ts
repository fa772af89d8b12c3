import { describe, expect, it } from 'vitest';
import { TICKET_SOURCES, TICKET_STATUSES, TICKET_TYPES, type Ticket, type TicketEntry } from '../../shared/api';
import { anonymousName, TABLES } from '../i18n/i18n';
import {
  addressAtReplies,
  agentNamer,
  changeLine,
  mergeTickets,
  DEFAULT_TICKET_FILTERS,
  entryAuthor,
  entryHeading,
  filtersActive,
  patchOf,
  replyDelivery,
  replyHint,
  requesterLabel,
  shortWhen,
  sourceName,
  STATUS_FILTERS,
  statusesOf,
  statusName,
  ticketQueries,
  typeName,
  type TicketFilters,
} from './tickets-model';

const en = TABLES.en;
const pt = TABLES['pt-BR'];
const f = (patch: Partial<TicketFilters>): TicketFilters => ({ ...DEFAULT_TICKET_FILTERS, ...patch });

const ticket: Ticket = {
  id: 't1',
  number: 7,
  siteId: 's1',
  status: 'open',
  type: 'question',
  priority: 1,
  subject: 'Pedido atrasado',
  description: 'Ainda não chegou',
  requester: { name: 'Bia', email: 'bia@example.com', visitorId: 'v1' },
  assigneeId: null,
  assigneeName: null,
  conversationId: 'c1',
  source: 'agent',
  createdAt: 0,
  updatedAt: 0,
};

const entry = (patch: Partial<TicketEntry>): TicketEntry => ({
  id: 'e1',
  ticketId: 't1',
  kind: 'change',
  authorId: 'a2',
  authorName: 'Beto',
  text: null,
  data: null,
  emailed: null,
  at: 0,
  ...patch,
});

describe('ticketQueries: filters -> GET /tickets query strings (one status per read)', () => {
  const ALL = ['open', 'pending', 'solved', 'closed'];
  it.each<[string, TicketFilters, string[]]>([
    ['defaults: open and pending, two reads', DEFAULT_TICKET_FILTERS, ['?status=open&limit=100', '?status=pending&limit=100']],
    ['any status: one read per status', f({ status: 'all' }), ALL.map((s) => `?status=${s}&limit=100`)],
    ['one status', f({ status: 'solved' }), ['?status=solved&limit=100']],
    ['type', f({ status: 'open', type: 'incident' }), ['?status=open&type=incident&limit=100']],
    ['priority 0 (low) is kept', f({ status: 'open', priority: 0 }), ['?status=open&priority=0&limit=100']],
    ['mine is the agent id', f({ status: 'open', assignee: 'me' }), ['?status=open&assignee=a1&limit=100']],
    ['another agent by id', f({ status: 'open', assignee: 'a9' }), ['?status=open&assignee=a9&limit=100']],
    ['search trimmed and encoded', f({ status: 'open', q: '  São Paulo & cia ' }), ['?status=open&q=S%C3%A3o+Paulo+%26+cia&limit=100']],
    ['blank search left out', f({ status: 'open', q: '   ' }), ['?status=open&limit=100']],
    [
      'everything',
      f({ status: 'pending', type: 'task', priority: 3, assignee: 'me', q: '#12' }),
      ['?status=pending&type=task&priority=3&assignee=a1&q=%2312&limit=100'],
    ],
  ])('%s', (_name, filters, qs) => expect(ticketQueries(filters, 'a1')).toEqual(qs));

  it('a smaller page', () => expect(ticketQueries(f({ status: 'open' }), 'a1', 20)).toEqual(['?status=open&limit=20']));

  it('mergeTickets: newest update first, each once, at most the page', () => {
    const k = (id: string, number: number, updatedAt: number): Ticket => ({ ...ticket, id, number, updatedAt });
    const merged = mergeTickets([[k('a', 1, 10), k('b', 2, 30)], [k('c', 3, 20), k('a', 1, 10)], []], 3);
    expect(merged.map((x) => x.id)).toEqual(['b', 'c', 'a']);
    expect(mergeTickets([[k('a', 1, 10), k('b', 2, 30), k('c', 3, 20)]], 2).map((x) => x.id)).toEqual(['b', 'c']);
    expect(mergeTickets([[k('x', 4, 5)], [k('y', 9, 5)]]).map((x) => x.id)).toEqual(['y', 'x']);
  });

  it.each<[TicketFilters['status'], string[] | null]>([
    ['active', ['open', 'pending']],
    ['all', null],
    ['closed', ['closed']],
  ])('statusesOf(%s)', (status, statuses) => expect(statusesOf(status)).toEqual(statuses));

  it.each<[string, TicketFilters, boolean]>([
    ['defaults', DEFAULT_TICKET_FILTERS, false],
    ['a status', f({ status: 'all' }), true],
    ['search', f({ q: 'x' }), true],
    ['blank search', f({ q: '  ' }), false],
    ['assignee', f({ assignee: 'me' }), true],
    ['priority 0', f({ priority: 0 }), true],
  ])('filtersActive: %s', (_name, filters, active) => expect(filtersActive(filters)).toBe(active));
});

describe('names', () => {
  it.each([
    ['open', 'Aberto', 'Open'],
    ['pending', 'Pendente', 'Pending'],
    ['solved', 'Resolvido', 'Solved'],
    ['closed', 'Fechado', 'Closed'],
    ['archived-by-a-newer-server', 'archived-by-a-newer-server', 'archived-by-a-newer-server'],
  ])('status %s', (status, ptName, enName) => {
    expect(statusName(status, pt)).toBe(ptName);
    expect(statusName(status, en)).toBe(enName);
  });

  it('every status, type, source and status filter has a name in every language', () => {
    for (const s of Object.values(TABLES)) {
      for (const x of TICKET_STATUSES) expect(statusName(x, s)).not.toBe(x);
      for (const x of TICKET_TYPES) expect(typeName(x, s)).not.toBe(x);
      for (const x of TICKET_SOURCES) expect(sourceName(x, s)).not.toBe(x);
      for (const x of STATUS_FILTERS) expect(s.tk.statusFilters[x]).toBeTruthy();
      expect(s.tk.weekdays).toHaveLength(7);
    }
  });

  it.each<[Ticket['requester'], string]>([
    [{ name: 'Bia', email: 'bia@example.com', visitorId: null }, 'Bia'],
    [{ name: null, email: 'bia@example.com', visitorId: null }, 'bia@example.com'],
    [{ name: null, email: null, visitorId: '0a1b-4e5f' }, anonymousName('0a1b-4e5f', en)],
    [{ name: null, email: null, visitorId: null }, 'No requester'],
  ])('requester %j', (r, label) => expect(requesterLabel(r, en)).toBe(label));
});

describe('history entries', () => {
  it.each<[string, Partial<TicketEntry>, string]>([
    ['me', { authorId: 'a1', authorName: 'Ana' }, 'You'],
    ['another agent', { authorId: 'a2', authorName: 'Beto' }, 'Beto'],
    ['a deleted agent', { authorId: 'a2', authorName: null }, 'Agent'],
    ['the system', { authorId: null, authorName: null }, 'Papo'],
  ])('author: %s', (_name, patch, who) => expect(entryAuthor(entry(patch), 'a1', en)).toBe(who));

  it.each<[string, TicketEntry['data'], string]>([
    ['status', { status: 'solved' }, 'Beto changed status to Solved'],
    ['status and priority, in a fixed order', { priority: 3, status: 'pending' }, 'Beto changed status to Pending, priority to Urgent'],
    ['type', { type: 'incident' }, 'Beto changed type to Incident'],
    ['assignee by name', { assigneeId: 'a3', assigneeName: 'Caio' }, 'Beto changed assignee to Caio'],
    ['assignee: me', { assigneeId: 'a1', assigneeName: 'Ana' }, 'Beto changed assignee to you'],
    ['assignee removed', { assigneeId: null, assigneeName: null }, 'Beto changed assignee to nobody'],
    ['assignee id only, unknown agent', { assigneeId: 'a9' }, 'Beto changed assignee to Agent'],
    ['assignee id only, a known agent', { assigneeId: 'a3' }, 'Beto changed assignee to Caio'],
    ['subject', { subject: 'Troca' }, 'Beto changed subject to “Troca”'],
    ['requester', { requesterName: 'Bia', requesterEmail: null }, 'Beto changed requester name to Bia, requester e-mail to —'],
    ['a field from a newer server', { sla: '4h' }, 'Beto changed sla to 4h'],
  ])('change: %s', (_name, data, line) => expect(changeLine(entry({ data }), 'a1', en, (id) => (id === 'a3' ? 'Caio' : null))).toBe(line));

  it('agentNamer: the agents list, the assignee and the entries\' authors', () => {
    const name = agentNamer({ assigneeId: 'a4', assigneeName: 'Dani' }, [entry({ authorId: 'a2', authorName: 'Beto' }), entry({ authorId: null, authorName: null })], [{ id: 'a3', name: 'Caio' }]);
    expect(['a2', 'a3', 'a4', 'a9'].map(name)).toEqual(['Beto', 'Caio', 'Dani', null]);
    expect(agentNamer({ assigneeId: null, assigneeName: null }, [], null)('a2')).toBe(null);
  });

  it('a change without data reads its text, or says nothing changed', () => {
    expect(changeLine(entry({ data: null, text: 'Merged' }), 'a1', en)).toBe('Beto: Merged');
    expect(changeLine(entry({ data: {} }), 'a1', en)).toBe('Beto saved the ticket without changes');
  });

  it('pt-BR change line', () => {
    expect(changeLine(entry({ data: { status: 'solved', priority: 2 } }), 'a1', pt)).toBe('Beto alterou o status para Resolvido, a prioridade para Alta');
  });

  it.each<[string, Partial<TicketEntry>, string | null | undefined, ReturnType<typeof replyDelivery>]>([
    ['e-mailed', { kind: 'reply', emailed: true }, 'bia@example.com', { sent: true, text: 'e-mailed' }],
    ['e-mail off', { kind: 'reply', emailed: false }, 'bia@example.com', { sent: false, text: 'not e-mailed (e-mail off)' }],
    ['no address', { kind: 'reply', emailed: false }, null, { sent: false, text: 'not e-mailed (no address)' }],
    ['unknown is not sent', { kind: 'reply', emailed: null }, 'bia@example.com', { sent: false, text: 'not e-mailed (e-mail off)' }],
    ['address then not known', { kind: 'reply', emailed: false }, undefined, { sent: false, text: 'not e-mailed' }],
    ['a note has no delivery', { kind: 'note', emailed: null }, 'bia@example.com', null],
  ])('reply delivery: %s', (_name, patch, email, delivery) => expect(replyDelivery(entry(patch), email, en)).toEqual(delivery));

  it('addressAtReplies: the address each reply went to, as the history tells', () => {
    const r = (id: string) => entry({ id, kind: 'reply', emailed: false });
    const email = (id: string, v: string | null) => entry({ id, kind: 'change', data: { requesterEmail: v } });
    const other = entry({ id: 'x', kind: 'change', data: { status: 'open' } });
    // No e-mail change at all: every reply had the current address.
    expect([...addressAtReplies([r('r1'), other, r('r2')], 'bia@example.com')]).toEqual([
      ['r1', 'bia@example.com'],
      ['r2', 'bia@example.com'],
    ]);
    // Before the first change the address is not known; after it, the changed value.
    expect([...addressAtReplies([r('r1'), email('c1', 'bia@example.com'), r('r2'), email('c2', null), r('r3')], null)]).toEqual([
      ['r1', undefined],
      ['r2', 'bia@example.com'],
      ['r3', null],
    ]);
  });

  it.each<[string, Partial<TicketEntry>, string, string]>([
    ['note', { kind: 'note', text: 'VIP' }, 'Beto · internal note', 'Beto · nota interna'],
    ['reply', { kind: 'reply', text: 'Oi', emailed: true }, 'Beto replied to the requester', 'Beto respondeu ao solicitante'],
    ['my note', { kind: 'note', authorId: 'a1', text: 'x' }, 'You · internal note', 'Você · nota interna'],
    ['change', { kind: 'change', data: { type: 'task' } }, 'Beto changed type to Task', 'Beto alterou o tipo para Tarefa'],
  ])('heading: %s', (_name, patch, enLine, ptLine) => {
    expect(entryHeading(entry(patch), 'a1', en)).toBe(enLine);
    expect(entryHeading(entry(patch), 'a1', pt)).toBe(ptLine);
  });

  it('every heading in every language has no hole', () => {
    for (const s of Object.values(TABLES)) {
      for (const kind of ['note', 'reply', 'change'] as const) {
        const line = entryHeading(entry({ kind, data: { status: 'open', priority: 0, assigneeId: null } }), 'a1', s);
        expect(line).not.toMatch(/undefined|null|NaN|\[object/);
      }
    }
  });
});

describe('patchOf: only what changed', () => {
  it.each<[string, Parameters<typeof patchOf>[1], Record<string, unknown>]>([
    ['same status', { status: 'open' }, {}],
    ['new status', { status: 'solved' }, { status: 'solved' }],
    ['assign', { assigneeId: 'a1' }, { assigneeId: 'a1' }],
    ['requester: e-mail cleared, name same', { requesterName: 'Bia', requesterEmail: null }, { requesterEmail: null }],
    ['priority 0', { priority: 0 }, { priority: 0 }],
    ['undefined is left out', { type: undefined }, {}],
  ])('%s', (_name, next, patch) => expect(patchOf(ticket, next)).toEqual(patch));
});

describe('shortWhen', () => {
  const fmt = { clock: { format: () => 'clock' } as unknown as Intl.DateTimeFormat, dayTime: { format: () => 'day' } as unknown as Intl.DateTimeFormat };
  it('today: the time; another day: day and time', () => {
    const now = new Date(2026, 4, 3, 15, 0).getTime();
    expect(shortWhen(new Date(2026, 4, 3, 9, 0).getTime(), now, fmt)).toBe('clock');
    expect(shortWhen(new Date(2026, 4, 2, 23, 0).getTime(), now, fmt)).toBe('day');
  });
});

describe('replyHint (issue 15: no "e-mailed to" while e-mail is off)', () => {
  it.each<[string, string | null, boolean | null, string, boolean]>([
    ['e-mail on, an address', 'bia@example.com', true, 'A resposta vai por e-mail para bia@example.com.', false],
    ['not known yet reads as on', 'bia@example.com', null, 'A resposta vai por e-mail para bia@example.com.', false],
    ['e-mail off: says so, even with an address', 'bia@example.com', false, TABLES['pt-BR'].cv.replyNoMail, true],
    ['e-mail off, no address', null, false, TABLES['pt-BR'].cv.replyNoMail, true],
    ['e-mail on, no address: a warning', null, true, TABLES['pt-BR'].tk.replyNoEmail, true],
  ])('%s', (_name, email, mail, text, warn) => {
    expect(replyHint(email, mail, TABLES['pt-BR'])).toEqual({ text, warn });
    expect(replyHint(email, mail, TABLES.en).text).not.toMatch(mail === false ? /e-mailed to/ : /^$/);
  });
});
