/** AgentSession: connecting, the conversation on screen, replies and older history (SPEC D2-D8). */
import { describe, expect, it, vi } from 'vitest';
import { CLOSE } from '../../shared/errors';
import { parseClientFrame, PROTOCOL_VERSION, type ConversationEvent } from '../../shared/protocol';
import { AGENT, browser, ev, history, range, sockets, started, summary, useBrowserFakes } from './test-agent-session';

useBrowserFakes();

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

  it('issue 6: a 4006 close (session ended) calls onRefused even after the welcome, so the app shows the login', () => {
    const t = started();
    t.online();
    t.socket().fireClose(CLOSE.session_ended);
    expect(t.refused).toHaveBeenCalledTimes(1);
  });

  it('issue 11 F3: a 4007 close (role changed) calls onRefused, so the app reads the agent again with its new role', () => {
    const t = started();
    t.online();
    t.socket().fireClose(CLOSE.role_changed);
    expect(t.refused).toHaveBeenCalledTimes(1);
  });

  it('stop() closes the socket and removes the online and visibilitychange listeners', () => {
    const t = started();
    t.online();
    expect(browser.win.count('online')).toBe(1);
    expect(browser.doc.count('visibilitychange')).toBe(1);
    t.session.stop();
    expect(t.socket().closeCalls.map((c) => c.code)).toEqual([1000]);
    expect(browser.win.count('online')).toBe(0);
    expect(browser.doc.count('visibilitychange')).toBe(0);
  });
});

describe('AgentSession: the conversation on screen', () => {
  it('open() watches from 0; opening another unwatches the previous first', () => {
    const t = started();
    t.online();
    t.session.open('c1');
    t.session.open('c1'); // already open: nothing
    t.session.open('c2');
    // (Issue 15: the welcome also lists the internal chat's channels: team-chat.test.ts.)
    expect(t.socket().frames().slice(1).filter((f) => !f.type.startsWith('internal.'))).toEqual([
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
    browser.win.dispatch('online');
    expect(sockets).toHaveLength(2);
  });

  it('D8: the page becoming visible reconnects at once, but not while hidden', () => {
    const t = started();
    t.online();
    t.socket().fireClose(1006);
    browser.doc.visibilityState = 'hidden';
    browser.doc.dispatch('visibilitychange');
    expect(sockets).toHaveLength(1);
    browser.doc.visibilityState = 'visible';
    browser.doc.dispatch('visibilitychange');
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

  it('D15: a reply refused as storage_unavailable (the server\'s disk is full) stays pending and is resent after retryAfterMs', () => {
    const t = replying();
    t.session.send('one');
    const [one] = t.sentOf('message.send') as Array<{ clientId: string }>;
    t.socket().receive({ type: 'error', code: 'storage_unavailable', message: 'full', clientId: one!.clientId, retryAfterMs: 5000 });
    expect(t.session.view.pending).toMatchObject([{ text: 'one', failed: null }]);
    vi.advanceTimersByTime(4999);
    expect(t.sentOf('message.send')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const sent = t.sentOf('message.send') as Array<{ clientId: string }>;
    expect(sent.map((f) => f.clientId)).toEqual([one!.clientId, one!.clientId]);
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

  it('a page that arrives after a reset snapshot (a reconnect) is dropped: no gap before the new snapshot', async () => {
    let answer!: (page: { events: ConversationEvent[]; hasMore: boolean }) => void;
    const t = started(undefined, () => new Promise((resolve) => (answer = resolve)));
    t.online();
    t.session.open('c1');
    t.socket().receive({ ...history('c1', range('c1', 201, 400), true), hasMore: true });
    const loading = t.session.loadOlder(); // asks for 1..200
    t.socket().receive({ ...history('c1', range('c1', 301, 500), true), hasMore: true }); // 401..500 came meanwhile
    answer({ events: range('c1', 1, 200), hasMore: false });
    await loading;
    expect(t.session.view.events.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => 301 + i));
    expect(t.session.view.hasMore).toBe(true);
  });
});

describe('AgentSession: opening at a search hit (issue 12)', () => {
  const pages = () => vi.fn(async (_id: string, before: number) => ({ events: range('c1', Math.max(1, before - 200), before - 1), hasMore: before - 200 > 1 }));

  it('loads older pages until the hit is held, then names it in found', async () => {
    const fetchOlder = pages();
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.openAt('c1', 150);
    expect(t.session.view).toMatchObject({ currentId: 'c1', finding: true, found: null });
    t.socket().receive({ ...history('c1', range('c1', 501, 700), true), hasMore: true });
    await vi.waitFor(() => expect(t.session.view.found).not.toBeNull());
    expect(fetchOlder.mock.calls.map((c) => c[1])).toEqual([501, 301]);
    expect(t.session.view.events[0]!.seq).toBe(101);
    expect(t.session.view.events.map((e) => e.seq)).toEqual(Array.from({ length: 600 }, (_, i) => 101 + i));
    expect(t.session.view).toMatchObject({ found: { seq: 150, n: 1 }, finding: false, hasMore: true });
  });

  it('a hit already on screen reads nothing, and finding it again counts anew', async () => {
    const fetchOlder = pages();
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.open('c1');
    t.socket().receive({ ...history('c1', range('c1', 1, 30), true), hasMore: false });
    t.session.openAt('c1', 12);
    await vi.waitFor(() => expect(t.session.view.found).toEqual({ seq: 12, n: 1, terms: [] }));
    t.session.openAt('c1', 12, undefined, ['acao']);
    await vi.waitFor(() => expect(t.session.view.found).toEqual({ seq: 12, n: 2, terms: ['acao'] }));
    expect(fetchOlder).not.toHaveBeenCalled();
    expect(sockets.flatMap((s) => s.frames()).filter((f) => f.type === 'watch')).toHaveLength(1);
  });

  it('a hit older than the whole history stops at the first event; opening another conversation forgets it', async () => {
    const fetchOlder = pages();
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.openAt('c1', 5);
    t.session.open('c2');
    t.socket().receive({ ...history('c1', range('c1', 301, 500), true), hasMore: true });
    expect(fetchOlder).not.toHaveBeenCalled(); // the history of a conversation no longer on screen is dropped
    t.socket().receive({ ...history('c2', range('c2', 1, 3), true), hasMore: false });
    expect(t.session.view).toMatchObject({ currentId: 'c2', found: null, finding: false });
  });

  it('a hit whose event the history does not hold is not named in found', async () => {
    const t = started(undefined, pages());
    t.online();
    t.session.openAt('c1', 5);
    t.socket().receive({ ...history('c1', range('c1', 10, 30), true), hasMore: false }); // 1..9 gone
    await vi.waitFor(() => expect(t.session.view.finding).toBe(false));
    expect(t.session.view.found).toBeNull();
  });

  it('a page that cannot be read leaves the conversation open without a mark', async () => {
    const t = started(undefined, () => Promise.reject(new Error('offline')));
    t.online();
    t.session.openAt('c1', 5);
    t.socket().receive({ ...history('c1', range('c1', 301, 500), true), hasMore: true });
    await vi.waitFor(() => expect(t.session.view.finding).toBe(false));
    // found names no seq that is not held: a later "Load older" must not jump to it and ring it.
    expect(t.session.view).toMatchObject({ currentId: 'c1', found: null });
    expect(t.session.view.events[0]!.seq).toBe(301);
  });

  /** A fetchOlder whose pages answer when the test says. */
  const deferredPages = () => {
    const waiting: { before: number; answer: () => void; fail: () => void }[] = [];
    const fetchOlder = vi.fn(
      (id: string, before: number) =>
        new Promise<{ events: ConversationEvent[]; hasMore: boolean }>((resolve, reject) =>
          waiting.push({
            before,
            answer: () => resolve({ events: range(id, Math.max(1, before - 200), before - 1), hasMore: before - 200 > 1 }),
            fail: () => reject(new Error('offline')),
          }),
        ),
    );
    return { fetchOlder, waiting };
  };

  it('a second hit chosen while the first one’s pages load takes over: it is found, the first is not', async () => {
    const { fetchOlder, waiting } = deferredPages();
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.openAt('c1', 150);
    t.socket().receive({ ...history('c1', range('c1', 501, 700), true), hasMore: true });
    await vi.waitFor(() => expect(waiting).toHaveLength(1)); // the first hit's page is on its way
    t.session.openAt('c1', 650, undefined, ['second']); // already held
    await vi.waitFor(() => expect(t.session.view.found).toEqual({ seq: 650, n: 1, terms: ['second'] }));
    expect(t.session.view.finding).toBe(false);
    waiting[0]!.answer();
    await vi.waitFor(() => expect(t.session.view.events[0]!.seq).toBe(301));
    expect(t.session.view).toMatchObject({ found: { seq: 650, n: 1 }, finding: false });
    expect(fetchOlder).toHaveBeenCalledTimes(1); // the first hit's reveal stopped after its page
  });

  it('a second hit in another conversation is found even while the first one’s page never answers', async () => {
    const { fetchOlder, waiting } = deferredPages();
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.openAt('c1', 150);
    t.socket().receive({ ...history('c1', range('c1', 501, 700), true), hasMore: true });
    await vi.waitFor(() => expect(waiting).toHaveLength(1));
    t.session.openAt('c2', 5);
    expect(t.session.view).toMatchObject({ currentId: 'c2', finding: true, found: null });
    t.socket().receive({ ...history('c2', range('c2', 1, 10), true), hasMore: false });
    await vi.waitFor(() => expect(t.session.view.found).toMatchObject({ seq: 5 }));
    expect(t.session.view.finding).toBe(false);
  });

  it('the older-history button and a reveal at once add each event once', async () => {
    const fetchOlder = pages();
    const t = started(undefined, fetchOlder);
    t.online();
    t.session.open('c1');
    t.socket().receive({ ...history('c1', range('c1', 401, 600), true), hasMore: true });
    const button = t.session.loadOlder();
    t.session.openAt('c1', 250);
    await button;
    await vi.waitFor(() => expect(t.session.view.found).not.toBeNull());
    const seqs = t.session.view.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs[0]).toBeLessThanOrEqual(250);
  });
});

describe('AgentSession: how its transfers and invitations ended (issue 15)', () => {
  const notice = (conversationId: string, outcome: 'accepted' | 'declined' | 'expired' | 'left', wrapUp: boolean) => ({
    type: 'workflow.notice' as const,
    conversationId,
    visitorId: 'v1',
    visitorName: 'Bia',
    kind: outcome === 'left' ? ('conference' as const) : ('transfer' as const),
    outcome,
    by: outcome === 'expired' || outcome === 'left' ? null : 'Bruno',
    to: 'Bruno',
    wrapUp,
  });

  it('a declined request is a notice until dismissed; an accepted transfer also asks a wrap-up; leaving a conference asks one without a notice', () => {
    const t = started([summary('c1')]);
    t.online();
    t.socket().receive(notice('c1', 'declined', false));
    expect(t.session.view.notices.map((n) => [n.conversationId, n.outcome, n.by])).toEqual([['c1', 'declined', 'Bruno']]);
    expect(t.session.view.wrapUps).toEqual([]);
    t.socket().receive(notice('c1', 'accepted', true));
    t.socket().receive({ type: 'gone', conversationId: 'c1' });
    expect(t.session.view.notices.map((n) => n.outcome)).toEqual(['declined', 'accepted']);
    expect(t.session.view.wrapUps.map((w) => w.conversationId)).toEqual(['c1']);
    t.session.dismissNotice(t.session.view.notices[0]!.id);
    expect(t.session.view.notices.map((n) => n.outcome)).toEqual(['accepted']);
    t.socket().receive(notice('c2', 'left', true));
    expect(t.session.view.notices).toHaveLength(1);
    expect(t.session.view.wrapUps.map((w) => w.conversationId)).toEqual(['c1', 'c2']);
    t.session.wrappedUp('c1');
    expect(t.session.view.wrapUps.map((w) => w.conversationId)).toEqual(['c2']);
  });
});

describe('AgentSession: the internal chat rides the same socket (issue 15)', () => {
  it('the welcome lists the channels, internal frames reach the team chat, and its errors are not a reply failing', () => {
    const t = started();
    t.online();
    const list = t.sentOf('internal.list');
    expect(list).toHaveLength(1);
    const clientId = (list[0] as { clientId: string }).clientId;
    t.socket().receive({ type: 'internal.channels', clientId, channels: [{ id: 'team', kind: 'team', peer: null, lastSeq: 3, seenSeq: 1, lastMessageAt: 5 }], agents: [] });
    expect(t.session.team.view).toMatchObject({ ready: true, unreadTotal: 2 });
    t.session.team.open('team');
    t.session.team.post('oi, equipe');
    const send = t.sentOf('internal.send')[0] as { clientId: string };
    t.socket().receive({ type: 'error', code: 'forbidden', message: '', clientId: send.clientId });
    expect(t.session.team.view.pending[0]!.failed).toBe('forbidden');
    expect(t.session.view.pending).toEqual([]);
  });
});
