/**
 * The session's issue-5 parts (SPEC W1, W2, W6, W7, W8): typing both ways, seen and unread, the list of
 * conversations and a past one shown read-only, identity switches, reset, and storage only after consent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION, TYPING_TTL_MS, type ServerFrame } from '../../../shared/protocol';
import type { SocketClient, SocketClientOptions } from '../../../shared/socket-client';
import { SEEN_AFTER_MS } from './conversation';
import { panelOf } from './panel';
import { VisitorSession } from './session';
import { userOf } from './stored-session';
import { ANA, CONFIG, error, ev, eventFrame, history, holding, item, KEYS, real, sentOf, setup, STORED, VISITOR, welcome } from './session.fixtures';
import { consentStorage, memoryStorage, type KeyValue } from '../storage';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('SPEC W1: typing', () => {
  it('the visitor typing: on at most every 3 s, off once, and off when the message is sent', () => {
    const t = holding(2);
    t.session.setTyping(true);
    t.session.setTyping(true);
    vi.advanceTimersByTime(2999);
    t.session.setTyping(true);
    expect(sentOf(t, 'typing')).toEqual([{ type: 'typing', conversationId: 'conv-1', on: true }]);
    vi.advanceTimersByTime(1);
    t.session.setTyping(true);
    expect(sentOf(t, 'typing')).toHaveLength(2);
    t.session.send('olá');
    t.session.setTyping(false);
    expect(sentOf(t, 'typing').map((f) => f.on)).toEqual([true, true, false]);
  });

  it('nothing is said without a conversation, or once it is over', () => {
    const t = setup();
    t.deliver(welcome(null));
    t.session.setTyping(true);
    const over = holding(2);
    over.deliver(eventFrame(ev(3, { kind: 'closed', text: null })));
    over.session.setTyping(true);
    expect([...sentOf(t, 'typing'), ...sentOf(over, 'typing')]).toEqual([]);
  });

  const typing = (on: boolean, author = ANA, conversationId = 'conv-1'): ServerFrame => ({ type: 'typing', conversationId, author, on });

  it('an agent typing shows until off, their message, or TYPING_TTL_MS of silence', () => {
    const t = holding(2);
    t.deliver(typing(true));
    expect(t.session.view.typing).toEqual(ANA);
    t.deliver(typing(false));
    expect(t.session.view.typing).toBeNull();

    t.deliver(typing(true));
    t.deliver(eventFrame(ev(3, { text: 'Oi!' })));
    expect(t.session.view.typing).toBeNull();

    t.deliver(typing(true));
    vi.advanceTimersByTime(TYPING_TTL_MS - 1);
    t.deliver(typing(true)); // renewed
    vi.advanceTimersByTime(TYPING_TTL_MS - 1);
    expect(t.session.view.typing).toEqual(ANA);
    vi.advanceTimersByTime(1);
    expect(t.session.view.typing).toBeNull();
  });

  it('typing of another conversation, or of the visitor (another tab), is not shown', () => {
    const t = holding(2);
    t.deliver(typing(true, ANA, 'conv-9'));
    t.deliver(typing(true, VISITOR));
    expect(t.session.view.typing).toBeNull();
  });
});

describe('SPEC W2: seen', () => {
  const seen = (by: 'agent' | 'visitor', seq: number, conversationId = 'conv-1'): ServerFrame => ({ type: 'seen', conversationId, by, seq });

  it('the welcome says how far each side has seen; seen frames raise it, never lower it', () => {
    const t = setup({ stored: STORED });
    const w = welcome({ id: 'conv-1', lastSeq: 5 }) as Extract<ServerFrame, { type: 'welcome' }>;
    if (w.session.role !== 'visitor' || !w.session.conversation) throw new Error('fixture');
    w.session.conversation = { ...w.session.conversation, agentSeenSeq: 2, visitorSeenSeq: 3 };
    t.deliver(w);
    expect([t.session.view.agentSeen, t.session.view.visitorSeen]).toEqual([2, 3]);
    t.deliver(seen('agent', 4));
    t.deliver(seen('agent', 1));
    t.deliver(seen('visitor', 5));
    t.deliver(seen('visitor', 9, 'conv-2'));
    expect([t.session.view.agentSeen, t.session.view.visitorSeen]).toEqual([4, 5]);
  });

  it('markSeen: unread drops at once; the newest seq is said once a burst has settled, and only when newer', () => {
    const t = holding(3);
    t.session.markSeen();
    t.session.markSeen();
    expect(t.session.view.visitorSeen).toBe(3);
    expect(sentOf(t, 'seen')).toEqual([]);
    vi.advanceTimersByTime(SEEN_AFTER_MS);
    expect(sentOf(t, 'seen')).toEqual([{ type: 'seen', conversationId: 'conv-1', seq: 3 }]);
    // A burst: 4, 5 and 6 within the wait are one frame, for 6.
    for (const seq of [4, 5, 6]) {
      t.deliver(eventFrame(ev(seq)));
      t.session.markSeen();
      vi.advanceTimersByTime(SEEN_AFTER_MS - 1);
    }
    expect(t.session.view.visitorSeen).toBe(6);
    vi.advanceTimersByTime(1);
    expect(sentOf(t, 'seen').map((f) => f.seq)).toEqual([3, 6]);
  });

  it('a live agent message is the latest (announced, maybe chimed); history and the visitor\'s own are not', () => {
    const t = holding(3);
    expect(t.session.view.latest).toBeNull();
    t.deliver(eventFrame(ev(4, { author: VISITOR })));
    expect(t.session.view.latest).toBeNull();
    t.deliver(eventFrame(ev(5, { text: 'Oi' })));
    expect(t.session.view.latest).toMatchObject({ seq: 5, text: 'Oi' });
  });

  it('the sound is off until turned on, and remembered', () => {
    const t = setup();
    expect(t.session.view.sound).toBe(false);
    t.session.setSound(true);
    expect([t.session.view.sound, t.storage.get(KEYS.sound)]).toEqual([true, '1']);
    t.session.setSound(false);
    expect(t.storage.get(KEYS.sound)).toBeNull();
  });
});

describe('SPEC W7: conversations', () => {
  it('listConversations asks (again after a reconnect until answered); the answer is the list', () => {
    const t = holding(1);
    t.session.listConversations();
    const [ask] = sentOf(t, 'conversations.list');
    expect(ask).toBeDefined();
    t.deliver(welcome({ id: 'conv-1', lastSeq: 1 }));
    expect(sentOf(t, 'conversations.list')).toEqual([ask, ask]);
    const list = [{ id: 'conv-1', status: 'open' as const, createdAt: 1, updatedAt: 2, lastSeq: 1, lastMessage: null, unread: 0 }];
    t.deliver({ type: 'conversations', clientId: ask!.clientId, conversations: list });
    expect(t.session.view.list).toEqual(list);
    t.deliver(welcome({ id: 'conv-1', lastSeq: 1 }));
    expect(sentOf(t, 'conversations.list')).toHaveLength(2);
  });

  it('a past conversation is watched from 0 and shown beside the current one, which stays; back unwatches it', () => {
    const t = holding(2);
    t.session.show('conv-0');
    expect(t.client.sent.at(-1)).toEqual({ type: 'watch', conversationId: 'conv-0', afterSeq: 0 });
    t.deliver(history('conv-0', [ev(1, { conversationId: 'conv-0' }), ev(2, { conversationId: 'conv-0', kind: 'closed', text: null })], true));
    t.deliver(eventFrame(ev(3, { conversationId: 'conv-0', kind: 'rated', text: null })));
    expect(t.session.view.past?.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect([t.session.view.conversationId, t.seqs()]).toEqual(['conv-1', [1, 2]]);
    t.session.show(null);
    expect(t.client.sent.at(-1)).toEqual({ type: 'unwatch', conversationId: 'conv-0' });
    expect(t.session.view.past).toBeNull();
  });

  it('showing the current conversation is no past one', () => {
    const t = holding(2);
    t.session.show('conv-1');
    expect(t.session.view.past).toBeNull();
  });

  it('conversation-ended goes to the host page once per conversation: ended, closed, or a ticket', () => {
    const t = holding(2);
    t.deliver(eventFrame(ev(3, { kind: 'ended_by_visitor', author: VISITOR, text: null })));
    t.deliver(eventFrame(ev(4, { kind: 'closed', text: null })));
    const b = holding(2);
    b.deliver(eventFrame(ev(3, { kind: 'ticket_created', text: null, data: { number: 7 } })));
    const ended = (h: typeof t) => h.emitted.filter(([e]) => e === 'conversation-ended');
    expect(ended(t)).toEqual([['conversation-ended', { conversationId: 'conv-1' }]]);
    expect(ended(b)).toEqual([['conversation-ended', { conversationId: 'conv-1' }]]);
  });
});

describe('SPEC W6: identity', () => {
  const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
  const HASHED = { userId: 'u-1', userHash: 'a'.repeat(64), name: 'Ana' };
  const identified = (userId: string, token = 'token-u'): ServerFrame => {
    const w = welcome(null, token) as Extract<ServerFrame, { type: 'welcome' }>;
    if (w.session.role !== 'visitor') throw new Error('fixture');
    return { ...w, session: { ...w.session, identity: { userId, name: null, email: null } } };
  };

  it.each([
    [{ jwt: jwt({ sub: 'u-7', exp: 1 }) }, 'u-7'],
    [{ jwt: jwt({ exp: 1 }) }, null],
    [{ jwt: 'a.!!!.b' }, null],
    [{ jwt: 'not a jwt' }, null],
    [HASHED, 'u-1'],
  ])('userOf(%j) → %j', (identity, user) => expect(userOf(identity)).toBe(user));

  it('the proof goes in the hello until a welcome names that user; then the token suffices', () => {
    const t = setup({ start: false });
    t.session.identify(HASHED);
    t.session.start();
    expect(t.hello()).toMatchObject({ identity: HASHED, token: null });
    t.deliver(identified('u-1'));
    expect(t.hello()).not.toHaveProperty('identity');
    expect(t.hello()).toMatchObject({ token: 'token-u' });
    expect(t.storedSession()).toMatchObject({ token: 'token-u', userId: 'u-1' });
    expect(t.session.view.identity).toEqual({ userId: 'u-1', name: null, email: null });
  });

  it('another user: a fresh session (token, outbox, conversation dropped) and a new socket with the proof', () => {
    const t = holding(2, { outbox: [item(1)] });
    t.deliver(identified('u-1', 'token-1'));
    t.session.identify(HASHED);
    t.deliver(identified('u-1', 'token-1'));
    t.session.identify({ userId: 'u-2', userHash: 'b'.repeat(64) });
    expect(t.client.stops).toBe(1);
    expect(t.connects).toHaveLength(2);
    expect(t.session.view).toMatchObject({ conversationId: null, events: [], outbox: [] });
    expect([t.storage.get(KEYS.session), t.outboxKeys()]).toEqual([null, []]);
    expect(t.connects[1]!.hello()).toMatchObject({ token: null, resume: null, identity: { userId: 'u-2' } });
  });

  it("a seen still waiting for its burst to settle is dropped with the previous user's conversation (identify, reset)", () => {
    for (const leave of [(t: ReturnType<typeof holding>) => t.session.identify(HASHED), (t: ReturnType<typeof holding>) => t.session.reset()]) {
      const t = holding(3);
      t.session.markSeen();
      leave(t);
      vi.advanceTimersByTime(SEEN_AFTER_MS);
      expect(sentOf(t, 'seen')).toEqual([]);
    }
  });

  it('an anonymous visitor who becomes identified starts afresh too; the same user again changes nothing', () => {
    const t = holding(2);
    t.session.identify(HASHED);
    expect(t.connects).toHaveLength(2);
    t.connects[1]!.onFrame(real(identified('u-1')));
    t.session.identify(HASHED);
    expect(t.connects).toHaveLength(2);
  });

  it('identity_required (a strict site): the login notice, the socket stops; identify() connects again', () => {
    const t = setup();
    t.deliver(error('identity_required'));
    expect(t.session.view.refused).toBe('identity_required');
    expect(panelOf(t.session.view)).toBe('login');
    expect(t.client.stops).toBe(1);
    t.session.identify(HASHED);
    expect(t.session.view.refused).toBeNull();
    expect(t.connects).toHaveLength(2);
  });

  it('reset(): everything of this site forgotten, nothing reconnects until start()', () => {
    const t = holding(2, { outbox: [item(1)] });
    t.session.setSound(true);
    t.storage.set(KEYS.chime, 'conv-1:2');
    expect(t.outboxKeys()).toHaveLength(1);
    t.session.reset();
    expect(Object.values(KEYS).map((k) => t.storage.get(k))).toEqual(Object.values(KEYS).map(() => null));
    expect(t.outboxKeys()).toEqual([]);
    expect(t.session.view).toMatchObject({ conversationId: null, events: [], outbox: [], sound: false, identity: null });
    expect(t.connects).toHaveLength(1);
    t.session.start();
    expect(t.connects).toHaveLength(2);
    expect(t.connects[1]!.hello()).toMatchObject({ token: null, resume: null });
  });
});

describe('SPEC W8: nothing stored before consent', () => {
  function fakeBrowser() {
    const data = new Map<string, string>();
    const listeners: Array<[string, () => void]> = [];
    const kv: KeyValue = {
      ...memoryStorage(data),
      onChange: (key, listener) => {
        listeners.push([key, listener]);
        return () => undefined;
      },
    };
    return { data, listeners, kv };
  }

  it('memory until persist(); then what memory held is copied, and later writes go to the browser', () => {
    const browser = fakeBrowser();
    const storage = consentStorage(false, () => browser.kv);
    const session = new VisitorSession(CONFIG, storage, { emit: () => undefined }, (o: SocketClientOptions): SocketClient => {
      o.onFrame(real(welcome({ id: 'conv-1' }, 'token-m')));
      return { status: 'online', send: () => true, wake: () => undefined, stop: () => undefined };
    });
    session.start();
    session.send('olá');
    expect(browser.data.size).toBe(0);
    expect(browser.listeners).toEqual([]);
    storage.persist();
    expect(JSON.parse(browser.data.get(KEYS.session)!)).toMatchObject({ token: 'token-m', conversationId: 'conv-1' });
    expect([...browser.data.keys()].filter((k) => k.startsWith(`${KEYS.outbox}:`))).toHaveLength(1);
    expect(browser.listeners.map(([k]) => k)).toEqual([KEYS.outbox]); // other tabs' outbox changes, from now on
    session.setSound(true);
    expect(browser.data.get(KEYS.sound)).toBe('1');
  });

  it('persisted from the start: the browser\'s storage at once', () => {
    const browser = fakeBrowser();
    consentStorage(true, () => browser.kv).set('k', 'v');
    expect(browser.data.get('k')).toBe('v');
  });
});

it('the hello keeps the protocol version', () => {
  expect(setup().hello()).toMatchObject({ type: 'hello', v: PROTOCOL_VERSION });
});
