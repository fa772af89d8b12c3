/**
 * AgentSession has no injection point: start() reads `location.origin` and builds its socket with
 * createSocketClient's browser environment (globalThis.WebSocket, setTimeout, window and document
 * listeners). These tests provide those few globals as fakes (no DOM library) and use vitest's fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  parseClientFrame,
  parseServerFrame,
  PROTOCOL_VERSION,
  type AgentPresence,
  type AgentProfile,
  type ClientFrame,
  type ConversationEvent,
  type ConversationSummary,
  type QueueInfo,
  type ServerFrame,
} from '../shared/protocol';
import { fakeWebSocketClass, type FakeSocket } from '../shared/test/fake-websocket';
import { AgentSession } from './agent-session';
import type { Alert } from './notifications';

// ---------------------------------------------------------------------------------------------------------
// Browser fakes

class FakeEventTarget {
  readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  count(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
  dispatch(type: string): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
  }
}

const sockets: FakeSocket[] = [];
/** Every frame a test feeds in must be a valid server frame. */
const FakeWebSocket = fakeWebSocketClass(sockets, (text) => {
  if (!parseServerFrame(text).ok) throw new Error(`not a valid server frame: ${text}`);
});

let win: FakeEventTarget;
let doc: FakeEventTarget & { visibilityState: string };

beforeEach(() => {
  sockets.length = 0;
  win = new FakeEventTarget();
  doc = Object.assign(new FakeEventTarget(), { visibilityState: 'visible' });
  vi.useFakeTimers();
  vi.stubGlobal('location', { origin: 'https://console.example' });
  vi.stubGlobal('WebSocket', FakeWebSocket);
  vi.stubGlobal('window', win);
  vi.stubGlobal('document', doc);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

// ---------------------------------------------------------------------------------------------------------
// Frames

const AGENT: AgentProfile = { id: 'agent-1', name: 'Ana', email: 'ana@example.com', role: 'agent' };

function summary(id: string, patch: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    siteId: 'site-1',
    visitorId: `visitor-${id}`,
    visitorName: null,
    status: 'open',
    assignedAgentId: null,
    assignedAgentName: null,
    lastSeq: 2,
    lastMessage: { text: 'Olá', authorKind: 'visitor', at: 1_000 },
    createdAt: 500,
    updatedAt: 1_000,
    queueId: null,
    queuedAt: null,
    priority: 1,
    bot: false,
    offer: null,
    request: null,
    participants: [],
    labels: [],
    requesterEmail: null,
    wrapUpReason: null,
    archived: false,
    firstMessage: 'Olá',
    ...patch,
  };
}

function presenceOf(agent: AgentProfile, patch: Partial<AgentPresence> = {}): AgentPresence {
  return { id: agent.id, name: agent.name, role: agent.role, state: 'available', capacity: 3, queueIds: [], since: 0, ...patch };
}

interface WelcomeOptions {
  agent?: AgentProfile;
  presence?: AgentPresence[];
  queues?: QueueInfo[];
}

const welcome = (conversations: ConversationSummary[], o: WelcomeOptions = {}): ServerFrame => ({
  type: 'welcome',
  v: PROTOCOL_VERSION,
  session: { role: 'agent', agent: o.agent ?? AGENT, conversations, presence: o.presence ?? [presenceOf(o.agent ?? AGENT)], queues: o.queues ?? [] },
});

function ev(conversationId: string, seq: number, patch: Partial<ConversationEvent> = {}): ConversationEvent {
  return {
    conversationId,
    seq,
    kind: 'message',
    author: { kind: 'visitor', id: 'visitor-1', name: null },
    clientId: null,
    text: `text ${seq}`,
    at: 10_000 + seq,
    ...patch,
  };
}

const range = (conversationId: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ev(conversationId, from + i));

const history = (conversationId: string, events: ConversationEvent[], reset: boolean): ServerFrame => ({
  type: 'history',
  conversationId,
  events,
  reset,
  lastSeq: events.at(-1)?.seq ?? 0,
  hasMore: false,
});

// ---------------------------------------------------------------------------------------------------------

function started(
  conversations: ConversationSummary[] = [summary('c1'), summary('c2')],
  fetchOlder: ConstructorParameters<typeof AgentSession>[1] = () => Promise.reject(new Error('no HTTP in this test')),
  welcomeOptions: WelcomeOptions = {},
) {
  const refused = vi.fn();
  const session = new AgentSession(refused, fetchOlder);
  const alerts: Alert[] = [];
  session.onAlert((a) => alerts.push(a));
  session.start();
  const socket = (): FakeSocket => {
    const s = sockets.at(-1);
    if (!s) throw new Error('no socket');
    return s;
  };
  const online = () => {
    socket().open();
    socket().receive(welcome(conversations, welcomeOptions));
  };
  const sentOf = (type: ClientFrame['type']) => sockets.flatMap((s) => s.frames().filter((f) => f.type === type));
  return { session, refused, socket, online, sentOf, alerts };
}

describe('AgentSession: connecting', () => {
  it('connects to the agent socket on the page origin, ws for http and wss for https', () => {
    started();
    expect(sockets.map((s) => s.url)).toEqual(['wss://console.example/ws?role=agent']);
    vi.stubGlobal('location', { origin: 'http://localhost:3000' });
    started();
    expect(sockets.at(-1)!.url).toBe('ws://localhost:3000/ws?role=agent');
  });

  it('says hello without resume while no conversation is open', () => {
    const t = started();
    t.socket().open();
    const [hello] = t.socket().frames();
    expect(hello).toEqual({ type: 'hello', v: PROTOCOL_VERSION });
    expect(parseClientFrame(JSON.stringify(hello)).ok).toBe(true);
  });

  it('welcome brings the agent and the inbox: open conversations, newest activity first', () => {
    const t = started([
      summary('old', { updatedAt: 100 }),
      summary('closed', { status: 'closed', updatedAt: 9_000 }),
      summary('new', { updatedAt: 5_000 }),
    ]);
    expect(t.session.view.connection).toBe('connecting');
    t.online();
    expect(t.session.view.connection).toBe('online');
    expect(t.session.view.agent).toEqual(AGENT);
    expect(t.session.view.conversations.map((c) => c.id)).toEqual(['new', 'old']);
  });

  it('conversations whose last message is the visitor\'s are unread until opened', () => {
    const t = started([summary('c1'), summary('c2', { lastMessage: { text: 'ok', authorKind: 'agent', at: 1 } }), summary('c3', { lastMessage: null })]);
    t.online();
    expect([...t.session.view.unread]).toEqual(['c1']);
    t.session.open('c1');
    t.socket().receive(history('c1', range('c1', 1, 2), true)); // now on screen
    expect(t.session.view.unread.has('c1')).toBe(false);
    // A new visitor message in c1 after the agent moved on makes it unread again.
    t.session.open('c2');
    t.socket().receive({ type: 'conversation', conversation: summary('c1', { lastSeq: 3, updatedAt: 2_000 }) });
    expect(t.session.view.unread.has('c1')).toBe(true);
  });

  it('a close before any welcome calls onRefused; a drop after the welcome does not', () => {
    const t = started();
    t.socket().fireClose(1006);
    expect(t.refused).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000);
    t.online();
    t.socket().fireClose(1001);
    expect(t.refused).toHaveBeenCalledTimes(1);
  });

  it('stop() closes the socket and removes the online and visibilitychange listeners', () => {
    const t = started();
    t.online();
    expect(win.count('online')).toBe(1);
    expect(doc.count('visibilitychange')).toBe(1);
    t.session.stop();
    expect(t.socket().closeCalls.map((c) => c.code)).toEqual([1000]);
    expect(win.count('online')).toBe(0);
    expect(doc.count('visibilitychange')).toBe(0);
  });
});

describe('AgentSession: the conversation on screen', () => {
  it('open() watches from 0; opening another unwatches the previous first', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.session.open('c1'); // already open: nothing
    t.session.open('c2');
    expect(t.socket().frames().slice(1)).toEqual([
      { type: 'watch', conversationId: 'c1', afterSeq: 0 },
      { type: 'unwatch', conversationId: 'c1' },
      { type: 'watch', conversationId: 'c2', afterSeq: 0 },
    ]);
    expect(t.session.view.currentId).toBe('c2');
  });

  it('D6: a history with reset replaces the events; D5: without reset only newer ones are appended', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive(history('c1', range('c1', 1, 3), true));
    expect(t.session.view.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    t.socket().receive(history('c1', range('c1', 2, 5), false));
    expect(t.session.view.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    t.socket().receive(history('c1', range('c1', 8, 9), true));
    expect(t.session.view.events.map((e) => e.seq)).toEqual([8, 9]);
  });

  it('a history for a conversation not on screen is ignored', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive(history('c2', range('c2', 1, 3), true));
    expect(t.session.view.events).toEqual([]);
  });

  it('D2: live events are appended; one at or below the last seq is ignored', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive(history('c1', range('c1', 1, 3), true));
    t.socket().receive({ type: 'event', event: ev('c1', 4) });
    t.socket().receive({ type: 'event', event: ev('c1', 4, { text: 'again' }) });
    t.socket().receive({ type: 'event', event: ev('c1', 2, { text: 'old' }) });
    expect(t.session.view.events.map((e) => [e.seq, e.text])).toEqual([
      [1, 'text 1'],
      [2, 'text 2'],
      [3, 'text 3'],
      [4, 'text 4'],
    ]);
  });

  it('an event of another conversation updates the inbox only', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive({
      type: 'event',
      event: ev('c3', 1),
      conversation: summary('c3', { lastSeq: 1, updatedAt: 50_000 }),
    });
    expect(t.session.view.events).toEqual([]);
    expect(t.session.view.conversations[0]!.id).toBe('c3');
    expect(t.session.view.unread.has('c3')).toBe(true);
  });

  it('a conversation frame keeps the newer of two summaries, and closed conversations leave the inbox', () => {
    const t = started();
    t.online();
    t.socket().receive({ type: 'conversation', conversation: summary('c1', { lastSeq: 5, visitorName: 'Bia' }) });
    t.socket().receive({ type: 'conversation', conversation: summary('c1', { lastSeq: 4, visitorName: 'stale' }) });
    expect(t.session.view.conversations.find((c) => c.id === 'c1')?.visitorName).toBe('Bia');
    t.socket().receive({ type: 'conversation', conversation: summary('c1', { lastSeq: 6, status: 'closed' }) });
    expect(t.session.view.conversations.map((c) => c.id)).toEqual(['c2']);
  });

  it('D5/D8: after a drop it reconnects and resumes the open conversation from the highest seq held', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive(history('c1', range('c1', 1, 3), true));
    t.socket().receive({ type: 'event', event: ev('c1', 4) });
    t.socket().fireClose(1006);
    expect(t.session.view.connection).toBe('offline');
    vi.advanceTimersByTime(30_000);
    expect(sockets).toHaveLength(2);
    t.socket().open();
    expect(t.socket().frames()[0]).toEqual({ type: 'hello', v: PROTOCOL_VERSION, resume: { conversationId: 'c1', afterSeq: 4 } });
  });

  it('D8: the browser\'s online event reconnects at once', () => {
    const t = started();
    t.online();
    t.socket().fireClose(1006);
    win.dispatch('online');
    expect(sockets).toHaveLength(2);
  });

  it('D8: the page becoming visible reconnects at once, but not while hidden', () => {
    const t = started();
    t.online();
    t.socket().fireClose(1006);
    doc.visibilityState = 'hidden';
    doc.dispatch('visibilitychange');
    expect(sockets).toHaveLength(1);
    doc.visibilityState = 'visible';
    doc.dispatch('visibilitychange');
    expect(sockets).toHaveLength(2);
  });
});

describe('AgentSession: replies', () => {
  function replying() {
    const t = started();
    t.online();
    t.session.open('c1');
    t.socket().receive(history('c1', range('c1', 1, 2), true));
    return t;
  }

  it('send() without a conversation on screen does nothing', () => {
    const t = started();
    t.online();
    t.session.send('Olá');
    expect(t.session.view.pending).toEqual([]);
    expect(t.sentOf('message.send')).toEqual([]);
  });

  it('D3: send() keeps the reply pending and sends message.send with a UUID clientId and the conversation', () => {
    const t = replying();
    t.session.send('Bom dia');
    const [frame] = t.sentOf('message.send');
    expect(frame).toEqual({ type: 'message.send', clientId: expect.any(String), conversationId: 'c1', text: 'Bom dia' });
    expect(parseClientFrame(JSON.stringify(frame)).ok).toBe(true);
    expect(t.session.view.pending).toMatchObject([{ clientId: (frame as { clientId: string }).clientId, conversationId: 'c1', text: 'Bom dia', failed: null }]);
  });

  it('D4: an ack removes the pending reply', () => {
    const t = replying();
    t.session.send('one');
    t.session.send('two');
    const [one] = t.sentOf('message.send') as Array<{ clientId: string }>;
    t.socket().receive({ type: 'ack', clientId: one!.clientId, conversationId: 'c1', seq: 3 });
    expect(t.session.view.pending.map((p) => p.text)).toEqual(['two']);
  });

  it('the reply\'s own event confirms it without an ack', () => {
    const t = replying();
    t.session.send('one');
    const [one] = t.sentOf('message.send') as Array<{ clientId: string }>;
    t.socket().receive({ type: 'event', event: ev('c1', 3, { clientId: one!.clientId, author: { kind: 'agent', id: 'agent-1', name: 'Ana' } }) });
    expect(t.session.view.pending).toEqual([]);
  });

  it('an error naming the clientId marks the reply failed', () => {
    const t = replying();
    t.session.send('one');
    const [one] = t.sentOf('message.send') as Array<{ clientId: string }>;
    t.socket().receive({ type: 'error', code: 'conversation_taken', message: 'taken', clientId: one!.clientId });
    expect(t.session.view.pending).toMatchObject([{ text: 'one', failed: 'conversation_taken' }]);
  });

  it('D3: a passing error (internal) resends the same reply after a pause instead of failing it', () => {
    const t = replying();
    t.session.send('one');
    const [one] = t.sentOf('message.send') as Array<{ clientId: string }>;
    t.socket().receive({ type: 'error', code: 'internal', message: 'internal', clientId: one!.clientId });
    expect(t.session.view.pending).toMatchObject([{ text: 'one', failed: null }]);
    expect(t.sentOf('message.send')).toHaveLength(1);
    vi.advanceTimersByTime(2000);
    const sent = t.sentOf('message.send') as Array<{ clientId: string }>;
    expect(sent).toHaveLength(2);
    expect(sent[1]!.clientId).toBe(one!.clientId);
  });

  it('D3/D4: after a reconnect, pending replies that did not fail are resent in order', () => {
    const t = replying();
    t.session.send('one');
    t.session.send('two');
    t.session.send('three');
    const [, two] = t.sentOf('message.send') as Array<{ clientId: string }>;
    t.socket().receive({ type: 'error', code: 'conversation_taken', message: 'taken', clientId: two!.clientId });
    t.socket().fireClose(1006);
    vi.advanceTimersByTime(30_000);
    t.online();
    const resent = t.socket().frames().filter((f) => f.type === 'message.send');
    expect(resent.map((f) => (f as { text: string }).text)).toEqual(['one', 'three']);
  });
});

describe('AgentSession: older history', () => {
  it('D6: loadOlder prepends the page before the oldest event on screen and takes hasMore from the answer', async () => {
    const fetchOlder = vi.fn(async (_id: string, before: number) => ({ events: range('c1', 1, before - 1), hasMore: false }));
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.open('c1');
    t.socket().receive({ ...history('c1', range('c1', 201, 400), true), hasMore: true });
    expect(t.session.view.hasMore).toBe(true);
    await t.session.loadOlder();
    expect(fetchOlder).toHaveBeenCalledWith('c1', 201);
    expect(t.session.view.events.map((e) => e.seq)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(t.session.view.hasMore).toBe(false);
    await t.session.loadOlder(); // nothing more to load: no request
    expect(fetchOlder).toHaveBeenCalledTimes(1);
  });

  it('a page that arrives after the agent opened another conversation is dropped', async () => {
    let answer!: (page: { events: ConversationEvent[]; hasMore: boolean }) => void;
    const t = started(undefined, () => new Promise((resolve) => (answer = resolve)));
    t.online();
    t.session.open('c1');
    t.socket().receive({ ...history('c1', range('c1', 11, 20), true), hasMore: true });
    const loading = t.session.loadOlder();
    t.session.open('c2');
    answer({ events: range('c1', 1, 10), hasMore: false });
    await loading;
    expect(t.session.view.currentId).toBe('c2');
    expect(t.session.view.events).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Issue 3: the agent workflow

const SUPERVISOR: AgentProfile = { id: 'sup-1', name: 'Sara', email: 'sara@example.com', role: 'supervisor' };
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
