/** AgentSession and the agent workflow (issue 3): lists, offers, requests, presence, gone frames, notes, alerts. */
import { describe, expect, it, vi } from 'vitest';
import { parseClientFrame, type ConversationSummary } from '../../shared/protocol';
import { AGENT, ev, history, presenceOf, range, started, summary, SUPERVISOR, useBrowserFakes } from './test-agent-session';

useBrowserFakes();

const NOW = 1_000_000;

describe('AgentSession: lists', () => {
  it('sorts the inbox into New (priority, then longest waiting), Mine, and no Others for an agent', () => {
    vi.setSystemTime(NOW);
    const t = started([
      summary('late', { queuedAt: 300 }),
      summary('early', { queuedAt: 100 }),
      summary('urgent', { queuedAt: 900, priority: 3 }),
      summary('mine', { assignedAgentId: AGENT.id, assignedAgentName: AGENT.name }),
      summary('guest', { assignedAgentId: 'agent-2', assignedAgentName: 'Beto', participants: [{ id: AGENT.id, name: AGENT.name }] }),
      summary('ended', { assignedAgentId: AGENT.id, status: 'ended' }),
      summary('bot', { bot: true }),
    ]);
    t.online();
    const { lists } = t.session.view;
    expect(lists.new.map((c) => c.id)).toEqual(['urgent', 'early', 'late']);
    expect(lists.mine.map((c) => c.id).sort()).toEqual(['ended', 'guest', 'mine']);
    expect(lists.others).toEqual([]);
  });

  it('a supervisor sees everyone else\'s conversations under Others; New keeps to its queues', () => {
    const t = started(
      [
        summary('q1', { queueId: 'sales' }),
        summary('q2', { queueId: 'support' }),
        summary('beto', { assignedAgentId: 'agent-2', assignedAgentName: 'Beto' }),
        summary('bot', { bot: true }),
      ],
      undefined,
      { agent: SUPERVISOR, presence: [presenceOf(SUPERVISOR, { queueIds: ['sales'] })] },
    );
    t.online();
    expect(t.session.view.lists.new.map((c) => c.id)).toEqual(['q1']);
    expect(t.session.view.lists.others.map((c) => c.id).sort()).toEqual(['beto', 'bot', 'q2']);
  });

  it('unread counts per list: visitor messages not yet on screen', () => {
    const t = started([
      summary('n1'),
      summary('n2', { lastMessage: { text: 'ok', authorKind: 'agent', at: 1 } }),
      summary('m1', { assignedAgentId: AGENT.id }),
      summary('m2', { assignedAgentId: AGENT.id }),
    ]);
    t.online();
    expect(t.session.view.unreadCounts).toEqual({ new: 1, mine: 2, others: 0 });
    t.session.open('m1');
    t.socket().receive(history('m1', range('m1', 1, 2), true));
    expect(t.session.view.unreadCounts).toEqual({ new: 1, mine: 1, others: 0 });
  });

  it('an ended conversation stays in Mine for its wrap-up; a closed one leaves the lists but stays on screen', () => {
    const t = started([summary('c1', { assignedAgentId: AGENT.id })]);
    t.online();
    t.session.open('c1');
    t.socket().receive({ type: 'conversation', conversation: summary('c1', { assignedAgentId: AGENT.id, status: 'ended', lastSeq: 3 }) });
    expect(t.session.view.lists.mine.map((c) => [c.id, c.status])).toEqual([['c1', 'ended']]);
    t.socket().receive({ type: 'conversation', conversation: summary('c1', { assignedAgentId: AGENT.id, status: 'closed', lastSeq: 4, wrapUpReason: 'Resolvido' }) });
    expect(t.session.view.lists.mine).toEqual([]);
    expect(t.session.view.current).toMatchObject({ id: 'c1', status: 'closed', wrapUpReason: 'Resolvido' });
  });

  it('open() with a summary shows a closed conversation from the Closed list', () => {
    const t = started();
    t.online();
    t.session.open('old', summary('old', { status: 'closed', assignedAgentId: AGENT.id }));
    expect(t.session.view.current?.id).toBe('old');
    expect(t.session.view.conversations.map((c) => c.id)).not.toContain('old');
    expect(t.socket().frames().at(-1)).toEqual({ type: 'watch', conversationId: 'old', afterSeq: 0 });
  });

  it('apply() takes an HTTP answer\'s summary unless the socket already brought a newer one', () => {
    const t = started();
    t.online();
    t.session.apply(summary('c1', { lastSeq: 5, assignedAgentId: AGENT.id }));
    expect(t.session.view.lists.mine.map((c) => c.id)).toEqual(['c1']);
    t.session.apply(summary('c1', { lastSeq: 4, assignedAgentId: null }));
    expect(t.session.view.lists.mine.map((c) => c.id)).toEqual(['c1']);
  });
});

describe('AgentSession: offers and requests', () => {
  const offer = (agentId: string, expiresAt: number) => ({ agentId, agentName: agentId === AGENT.id ? AGENT.name : 'Beto', expiresAt });

  it('R4: an offer to me shows (soonest expiry first) until it is taken back; offers to others do not', () => {
    vi.setSystemTime(NOW);
    const t = started([summary('a', { offer: offer(AGENT.id, NOW + 20_000) }), summary('b', { offer: offer('agent-2', NOW + 5_000) })]);
    t.online();
    expect(t.session.view.offers.map((c) => c.id)).toEqual(['a']);
    t.socket().receive({ type: 'conversation', conversation: summary('c', { lastSeq: 3, offer: offer(AGENT.id, NOW + 10_000) }) });
    expect(t.session.view.offers.map((c) => c.id)).toEqual(['c', 'a']);
    // no_answer: the server takes the offer back.
    t.socket().receive({ type: 'conversation', conversation: summary('c', { lastSeq: 4, offer: null }) });
    expect(t.session.view.offers.map((c) => c.id)).toEqual(['a']);
  });

  it('an offer already past its expiry is not shown', () => {
    vi.setSystemTime(NOW);
    const t = started([summary('a', { offer: offer(AGENT.id, NOW - 1) })]);
    t.online();
    expect(t.session.view.offers).toEqual([]);
  });

  it('a new offer raises one alert; the welcome raises none', () => {
    vi.setSystemTime(NOW);
    const t = started([summary('a', { offer: offer(AGENT.id, NOW + 20_000) })]);
    t.online();
    expect(t.alerts).toEqual([]);
    const offered = summary('b', { lastSeq: 3, offer: offer(AGENT.id, NOW + 30_000), firstMessage: 'Preciso de ajuda' });
    t.socket().receive({ type: 'conversation', conversation: offered });
    t.socket().receive({ type: 'conversation', conversation: { ...offered, updatedAt: 2_000 } }); // same offer again
    expect(t.alerts).toEqual([{ kind: 'offer', conversationId: 'b', visitorId: 'visitor-b', visitorName: null, text: 'Preciso de ajuda', current: false }]);
  });

  it('R6/R7: the request banner holds transfers and invitations naming me or one of my queues, not my own', () => {
    vi.setSystemTime(NOW);
    const request = (patch: Partial<NonNullable<ConversationSummary['request']>>) => ({
      kind: 'transfer' as const,
      fromAgentId: 'agent-2',
      toAgentId: null,
      toQueueId: null,
      toName: 'x',
      expiresAt: NOW + 30_000,
      ...patch,
    });
    const held = { assignedAgentId: 'agent-2', assignedAgentName: 'Beto' };
    const t = started(
      [
        summary('to-me', { ...held, request: request({ toAgentId: AGENT.id }) }),
        summary('to-my-queue', { ...held, request: request({ kind: 'conference', toQueueId: 'sales' }) }),
        summary('to-other-queue', { ...held, request: request({ toQueueId: 'support' }) }),
        summary('to-someone', { ...held, request: request({ toAgentId: 'agent-3' }) }),
        summary('expired', { ...held, request: request({ toAgentId: AGENT.id, expiresAt: NOW - 1 }) }),
        summary('mine-out', { assignedAgentId: AGENT.id, request: request({ fromAgentId: AGENT.id, toQueueId: 'sales' }) }),
      ],
      undefined,
      { presence: [presenceOf(AGENT, { queueIds: ['sales'] })] },
    );
    t.online();
    expect(t.session.view.requests.map((c) => c.id).sort()).toEqual(['to-me', 'to-my-queue']);
    // Accepted or abandoned: the request is gone from the summary, and from the banner.
    t.socket().receive({ type: 'conversation', conversation: summary('to-me', { ...held, lastSeq: 9, request: null }) });
    expect(t.session.view.requests.map((c) => c.id)).toEqual(['to-my-queue']);
  });
});

describe('AgentSession: presence and gone frames', () => {
  it('R1: welcome brings my state; a presence frame changes it (No answer after a missed offer)', () => {
    const t = started(undefined, undefined, { queues: [{ id: 'sales', siteId: 'site-1', name: 'Vendas', strategy: 'round_robin', offerTimeoutMs: 30_000 }] });
    t.online();
    expect(t.session.view.me?.state).toBe('available');
    expect(t.session.view.queues.map((q) => q.name)).toEqual(['Vendas']);
    t.socket().receive({ type: 'presence', agent: presenceOf(AGENT, { state: 'rona', since: 5 }) });
    expect(t.session.view.me).toMatchObject({ state: 'rona', since: 5 });
    expect(t.session.view.presence).toHaveLength(1);
  });

  it('a supervisor\'s presence list takes in other agents, sorted by name', () => {
    const t = started([], undefined, { agent: SUPERVISOR, presence: [presenceOf(SUPERVISOR)] });
    t.online();
    t.socket().receive({ type: 'presence', agent: presenceOf({ ...AGENT, name: 'Ana' }, { state: 'unavailable' }) });
    t.socket().receive({ type: 'presence', agent: presenceOf({ ...AGENT, name: 'Ana' }, { state: 'offline' }) });
    expect(t.session.view.presence.map((p) => [p.name, p.state])).toEqual([
      ['Ana', 'offline'],
      ['Sara', 'available'],
    ]);
  });

  it('my queues come from my presence: a presence frame with a new queue moves its conversations into New', () => {
    const t = started([summary('q', { queueId: 'sales' })], undefined, { agent: SUPERVISOR, presence: [presenceOf(SUPERVISOR, { queueIds: ['support'] })] });
    t.online();
    expect(t.session.view.lists.new).toEqual([]);
    t.socket().receive({ type: 'presence', agent: presenceOf(SUPERVISOR, { queueIds: ['support', 'sales'] }) });
    expect(t.session.view.lists.new.map((c) => c.id)).toEqual(['q']);
  });

  it('a gone frame drops a conversation from the lists', () => {
    const t = started();
    t.online();
    t.socket().receive({ type: 'gone', conversationId: 'c1' });
    expect(t.session.view.conversations.map((c) => c.id)).toEqual(['c2']);
    expect(t.session.view.unread.has('c1')).toBe(false);
    expect(t.session.view.gone).toBeNull();
  });

  it('a gone frame for the conversation on screen clears the screen and says so', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive(history('c1', range('c1', 1, 2), true));
    t.socket().receive({ type: 'gone', conversationId: 'c1' });
    expect(t.session.view).toMatchObject({ currentId: null, current: null, events: [], gone: 'c1' });
    t.session.open('c2');
    expect(t.session.view.gone).toBeNull();
  });
});

describe('AgentSession: notes and alerts', () => {
  it('R9: send() with note sends message.send with note: true and keeps the pending note apart', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.session.send('Cliente VIP', { note: true });
    t.session.send('Olá!');
    const [note, reply] = t.sentOf('message.send');
    expect(note).toMatchObject({ type: 'message.send', conversationId: 'c1', text: 'Cliente VIP', note: true });
    expect(reply).not.toHaveProperty('note');
    expect(parseClientFrame(JSON.stringify(note)).ok).toBe(true);
    expect(t.session.view.pending.map((p) => [p.text, p.note])).toEqual([
      ['Cliente VIP', true],
      ['Olá!', false],
    ]);
  });

  it('R9: a failed note resends as a note after a reconnect', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.session.send('interno', { note: true });
    t.socket().fireClose(1006);
    vi.advanceTimersByTime(30_000);
    t.online();
    expect(t.socket().frames().filter((f) => f.type === 'message.send')).toMatchObject([{ text: 'interno', note: true }]);
  });

  it('a new visitor message alerts for my conversations and New, marked current when on screen; not for others\' conversations', () => {
    const t = started(
      [summary('mine', { assignedAgentId: SUPERVISOR.id }), summary('beto', { assignedAgentId: 'agent-2' }), summary('new')],
      undefined,
      { agent: SUPERVISOR, presence: [presenceOf(SUPERVISOR)] },
    );
    t.online();
    t.session.open('mine');
    const message = (at: number) => ({ text: `m${at}`, authorKind: 'visitor' as const, at });
    t.socket().receive({ type: 'event', event: ev('mine', 3), conversation: summary('mine', { assignedAgentId: SUPERVISOR.id, lastSeq: 3, lastMessage: message(3) }) });
    t.socket().receive({ type: 'conversation', conversation: summary('beto', { assignedAgentId: 'agent-2', lastSeq: 3, lastMessage: message(4) }) });
    t.socket().receive({ type: 'conversation', conversation: summary('new', { lastSeq: 3, lastMessage: message(5) }) });
    // An agent's own reply is no news.
    t.socket().receive({ type: 'conversation', conversation: summary('new', { lastSeq: 4, lastMessage: { text: 'oi', authorKind: 'agent', at: 6 } }) });
    expect(t.alerts.map((a) => [a.kind, a.conversationId, a.text, a.current])).toEqual([
      ['message', 'mine', 'm3', true],
      ['message', 'new', 'm5', false],
    ]);
  });
});
