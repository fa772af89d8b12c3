import { describe, expect, it } from 'vitest';
import type { Author, ConversationEvent } from '../../shared/protocol';
import type { OutboxItem } from './session/outbox';
import { firstUnread, seenMark, timeline, unreadCount, withDays, type TimelineItem } from './timeline';

const CONV = 'conv-1';
const VISITOR: Author = { kind: 'visitor', id: 'visitor-1', name: null };
const ANA: Author = { kind: 'agent', id: 'agent-1', name: 'Ana' };
const SYSTEM: Author = { kind: 'system', id: null, name: null };

function ev(seq: number, kind: string, author: Author, text: string | null = null, clientId: string | null = null): ConversationEvent {
  return { conversationId: CONV, seq, kind, author, clientId, text, at: 10_000 + seq };
}

function out(clientId: string, patch: Partial<OutboxItem> = {}): OutboxItem {
  return { clientId, text: `text of ${clientId}`, conversationId: CONV, at: 20_000, failed: null, ...patch };
}

const sent = (seq: number, text: string, mine: boolean, author: string | null, clientId: string | null): TimelineItem => ({
  type: 'message',
  key: `s${seq}`,
  mine,
  text,
  author,
  at: 10_000 + seq,
  state: 'sent',
  clientId,
  seq,
});

const pending = (o: OutboxItem, state: 'sending' | 'failed'): TimelineItem => ({
  type: 'message',
  key: `c${o.clientId}`,
  mine: true,
  text: o.text,
  author: null,
  at: o.at,
  state,
  clientId: o.clientId,
  seq: null,
});

describe('timeline: committed events', () => {
  it('is empty for no events and no outbox', () => {
    expect(timeline([], [], CONV)).toEqual([]);
    expect(timeline([], [], null)).toEqual([]);
  });

  it('shows committed messages in seq order: visitor ones mine, agent ones with the agent name; assigned as joined', () => {
    const events = [
      ev(1, 'created', VISITOR),
      ev(2, 'message', VISITOR, 'Olá', 'client-a'),
      ev(3, 'assigned', ANA),
      ev(4, 'message', ANA, 'Bom dia!', null),
      ev(5, 'message', VISITOR, 'Preciso de ajuda', 'client-b'),
    ];
    expect(timeline(events, [], CONV)).toEqual([
      sent(2, 'Olá', true, null, 'client-a'),
      { type: 'joined', key: 's3', name: 'Ana', at: 10_003 },
      sent(4, 'Bom dia!', false, 'Ana', null),
      sent(5, 'Preciso de ajuda', true, null, 'client-b'),
    ]);
  });

  it('a system message is neither mine nor signed by an agent', () => {
    expect(timeline([ev(7, 'message', SYSTEM, 'Chat closed')], [], CONV)).toEqual([sent(7, 'Chat closed', false, null, null)]);
  });

  it.each<[string, ConversationEvent]>([
    ['created', ev(1, 'created', VISITOR)],
    ['an unknown kind', ev(2, 'rating', VISITOR, '5 stars')],
    ['a private kind added later', ev(3, 'note', ANA, 'internal note')],
    ['a workflow kind', ev(4, 'priority_changed', ANA)],
    ['a rating', ev(6, 'rated', VISITOR)],
    ['a message without text', ev(5, 'message', VISITOR, null)],
  ])('%s produces nothing', (_name, event) => {
    expect(timeline([event], [], CONV)).toEqual([]);
  });
});

describe('timeline: the end of a conversation (R8, T2)', () => {
  it('R8: ended by the visitor, then closed by the agent: one notice each', () => {
    const events = [ev(2, 'message', VISITOR, 'Olá', 'client-a'), ev(3, 'ended_by_visitor', VISITOR), ev(4, 'closed', ANA)];
    expect(timeline(events, [], CONV)).toEqual([
      sent(2, 'Olá', true, null, 'client-a'),
      { type: 'ended', key: 's3', at: 10_003 },
      { type: 'closed', key: 's4', at: 10_004 },
    ]);
  });

  it('T2: ticket_created carries the ticket number the visitor is told (issue 15: its "closed" is not said)', () => {
    const ticket = { ...ev(3, 'ticket_created', SYSTEM), data: { number: 42 } };
    expect(timeline([ticket, ev(4, 'closed', SYSTEM)], [], CONV)).toEqual([{ type: 'ticket', key: 's3', number: 42, at: 10_003 }]);
  });

  it('T2: a ticket_created without its data still gives the notice, without a number', () => {
    expect(timeline([ev(3, 'ticket_created', SYSTEM)], [], CONV)).toEqual([{ type: 'ticket', key: 's3', number: null, at: 10_003 }]);
  });
});

describe('timeline: the outbox (D3/D7)', () => {
  it('appends unconfirmed outbox items after the committed messages, in outbox order, sending or failed', () => {
    const a = out('client-x');
    const b = out('client-y', { failed: 'message_too_long', at: 20_001 });
    const c = out('client-z', { at: 19_000 }); // written later, older clock: still after the others
    const events = [ev(1, 'created', VISITOR), ev(2, 'message', ANA, 'Olá')];
    expect(timeline(events, [a, b, c], CONV)).toEqual([
      sent(2, 'Olá', false, 'Ana', null),
      pending(a, 'sending'),
      pending(b, 'failed'),
      pending(c, 'sending'),
    ]);
  });

  it('D3/D7: an outbox item whose clientId is among the events is shown once, as sent', () => {
    const confirmed = out('client-a', { text: 'Olá' });
    const waiting = out('client-b');
    const events = [ev(2, 'message', VISITOR, 'Olá', 'client-a')];
    const items = timeline(events, [confirmed, waiting], CONV);
    expect(items).toEqual([sent(2, 'Olá', true, null, 'client-a'), pending(waiting, 'sending')]);
    expect(items.filter((i) => i.type === 'message' && i.clientId === 'client-a')).toHaveLength(1);
  });

  it('D3/D7: a failed outbox item already confirmed by an event is not shown as failed', () => {
    const events = [ev(2, 'message', VISITOR, 'Olá', 'client-a')];
    expect(timeline(events, [out('client-a', { failed: 'message_too_long' })], CONV)).toEqual([sent(2, 'Olá', true, null, 'client-a')]);
  });

  it.each<[string, string | null, string | null, boolean]>([
    ['an outbox item for the current conversation is shown', CONV, CONV, true],
    ['an outbox item for no conversation yet (a first message) is shown', null, CONV, true],
    ['an outbox item for no conversation yet is shown when none is on screen', null, null, true],
    ['an outbox item for another conversation is not shown', 'conv-2', CONV, false],
    ['an outbox item for a conversation is not shown while none is on screen', 'conv-2', null, false],
  ])('%s', (_name, itemConversation, current, shown) => {
    const o = out('client-q', { conversationId: itemConversation });
    expect(timeline([], [o], current)).toEqual(shown ? [pending(o, 'sending')] : []);
  });
});

describe('day separators (withDays)', () => {
  const at = (d: number, h: number) => new Date(2026, 10, d, h).getTime();
  const msg = (key: string, when: number): TimelineItem => ({ type: 'message', key, mine: false, text: key, author: 'Ana', at: when, state: 'sent', clientId: null, seq: 1 });

  it('one before the first item of each local day, none between items of the same day', () => {
    const items = [msg('a', at(20, 9)), msg('b', at(20, 23)), msg('c', at(21, 0)), msg('d', at(21, 8))];
    expect(withDays(items).map((i) => (i.type === 'day' ? `day ${new Date(i.at).getDate()}` : i.key))).toEqual(['day 20', 'a', 'b', 'day 21', 'c', 'd']);
  });

  it('nothing for nothing; keys stay unique', () => {
    expect(withDays([])).toEqual([]);
    const keys = withDays([msg('a', at(1, 1)), msg('b', at(2, 1)), msg('c', at(3, 1))]).map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('SPEC W2: "Seen" and unread', () => {
  const events = [
    ev(1, 'message', VISITOR, 'oi', 'client-1'),
    ev(2, 'assigned', ANA),
    ev(3, 'message', ANA, 'Olá!'),
    ev(4, 'message', VISITOR, 'tudo bem?', 'client-4'),
    ev(5, 'message', { kind: 'bot', id: 'bot', name: 'Robô' }, 'Sou um robô'),
    ev(6, 'message', VISITOR, 'ok', 'client-6'),
    ev(7, 'message', ANA, 'Certo'),
  ];
  const items = timeline(events, [out('client-x')], CONV);

  it.each([
    [0, 0],
    [1, 1],
    [3, 1],
    [4, 4],
    [5, 4],
    [6, 6],
    [99, 6],
  ])('agents have seen up to %i: "Seen" under the visitor message %i', (agentSeen, mark) => {
    expect(seenMark(items, agentSeen)).toBe(mark);
  });

  it.each([
    [0, 3],
    [3, 2],
    [4, 2],
    [5, 1],
    [7, 0],
  ])('the visitor has seen up to %i: %i agent and bot messages unread', (visitorSeen, n) => {
    expect(unreadCount(events, visitorSeen)).toBe(n);
  });

  it.each([
    [0, 3],
    [3, 5],
    [4, 5],
    [5, 7],
    [7, null],
    [99, null],
  ])('issue 15: the visitor has seen up to %i: the list opens at the message of seq %s (null: the newest)', (visitorSeen, seq) => {
    expect(firstUnread(items, visitorSeen)).toBe(seq);
  });

  it('issue 15: the visitor\'s own unsent messages are never where the list opens', () => {
    expect(firstUnread(timeline([], [out('client-y')], CONV), 0)).toBe(null);
  });
});

describe('issue 15: the ticket the leave-a-message form made', () => {
  const proactive = [ev(1, 'created', VISITOR), ev(2, 'assigned', ANA), ev(3, 'message', ANA, 'Vi sua mensagem, posso ajudar?', null)];
  it.each<[string, ConversationEvent[], number | undefined, string[]]>([
    ['an agent\'s proactive chat after it: the old ticket goes first, never after the newer messages', proactive, 12, ['tf', 's2', 's3']],
    ['no chat yet: nothing in the list (the window shows the confirmation below it)', [], 12, []],
    ['no ticket: only the chat', proactive, undefined, ['s2', 's3']],
  ])('%s', (_name, events, formTicket, keys) => {
    const items = timeline(events, [], CONV, formTicket);
    expect(items.map((i) => i.key)).toEqual(keys);
    if (keys[0] === 'tf') expect(items[0]).toEqual({ type: 'ticket', key: 'tf', number: 12, at: 10_001 });
  });

  it('a chat that became a ticket says so once: no "closed" notice after it (the thread goes on as the ticket\'s)', () => {
    const events = [ev(1, 'created', VISITOR), ev(2, 'message', VISITOR, 'Oi', 'client-a'), ev(3, 'ticket_created', SYSTEM), ev(4, 'closed', SYSTEM), ev(5, 'message', VISITOR, 'Mais um detalhe', 'client-b')];
    expect(timeline(events, [], CONV).map((i) => i.type)).toEqual(['message', 'ticket', 'message']);
    expect(timeline([ev(1, 'created', VISITOR), ev(2, 'closed', ANA)], [], CONV).map((i) => i.type)).toEqual(['closed']);
  });

  it('with day separators, the ticket and the chat share the chat\'s first day', () => {
    expect(withDays(timeline(proactive, [], CONV, 12)).map((i) => i.type)).toEqual(['day', 'ticket', 'joined', 'message']);
  });
});
