import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseClientFrame, PROTOCOL_VERSION, type ConversationEvent } from '../../../shared/protocol';
import type { SocketClientOptions, SocketStatus } from '../../../shared/socket-client';
import type { OutboxItem } from './outbox';
import { VisitorSession } from './session';
import {
  ack,
  ANA,
  CONFIG,
  error,
  ev,
  eventFrame,
  history,
  holding,
  item,
  KEYS,
  range,
  real,
  RETRY_AFTER_MS,
  setup,
  STORED,
  SYSTEM,
  VISITOR,
  welcome,
} from './session.fixtures';
import { memoryStorage } from '../storage';
import { timeline } from '../timeline';

describe('the fixtures', () => {
  it('frames built here are valid protocol frames', () => {
    expect(() => real(welcome({ id: 'conv-1' }))).not.toThrow();
    expect(() => real(history('conv-1', range(1, 3), true))).not.toThrow();
    expect(() => real(eventFrame(ev(1)))).not.toThrow();
    expect(() => real(ack(item(1).clientId, 'conv-1', 2))).not.toThrow();
    expect(() => real(error('internal', item(1).clientId))).not.toThrow();
  });
});

describe('connecting', () => {
  it.each([
    ['https://chat.example', 'wss://chat.example/ws?role=visitor&site=site-1'],
    ['http://localhost:3000', 'ws://localhost:3000/ws?role=visitor&site=site-1'],
  ])('start() connects once through the injected factory (server %s)', (server, url) => {
    const connects: SocketClientOptions[] = [];
    const session = new VisitorSession({ ...CONFIG, server }, memoryStorage(), { emit: () => undefined }, (options) => {
      connects.push(options);
      return { status: 'connecting', send: () => false, wake: () => undefined, stop: () => undefined };
    });
    session.start();
    session.start();
    expect(connects).toHaveLength(1);
    expect(connects[0]!.url).toBe(url);
  });

  it('the site key is escaped in the url', () => {
    const connects: SocketClientOptions[] = [];
    new VisitorSession({ ...CONFIG, siteKey: 'a b&c' }, memoryStorage(), { emit: () => undefined }, (options) => {
      connects.push(options);
      return { status: 'connecting', send: () => false, wake: () => undefined, stop: () => undefined };
    }).start();
    expect(connects[0]!.url).toBe('wss://chat.example/ws?role=visitor&site=a%20b%26c');
  });

  it('onStatus becomes view.connection and notifies subscribers', () => {
    const t = setup();
    const seen: SocketStatus[] = [];
    t.session.subscribe(() => seen.push(t.session.view.connection));
    expect(t.session.view.connection).toBe('connecting');
    t.options().onStatus?.('online');
    t.options().onStatus?.('offline');
    expect(seen).toEqual(['online', 'offline']);
    expect(t.session.view.connection).toBe('offline');
  });

  it('R13: once dropped, the connection reads offline through every reconnect attempt until the next welcome, so the no-connection state does not flicker', () => {
    const t = setup();
    const seen: SocketStatus[] = [];
    t.session.subscribe(() => seen.push(t.session.view.connection));
    for (const status of ['online', 'offline', 'connecting', 'offline', 'connecting', 'online'] as const) t.options().onStatus?.(status);
    expect(seen).toEqual(['online', 'offline', 'offline', 'offline', 'offline', 'online']);
    // A start of its own (identify, reset) connects anew: that is connecting, not a lost connection.
    t.options().onStatus?.('offline');
    t.session.stop();
    t.session.start();
    expect(t.session.view.connection).toBe('connecting');
  });

  it('stop() stops the socket', () => {
    const t = setup();
    t.session.stop();
    expect(t.client.stops).toBe(1);
  });
});

describe('D5: the hello', () => {
  it('a new visitor says hello without token and without resume', () => {
    const t = setup();
    const hello = t.hello();
    expect(hello).toEqual({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null });
    expect(parseClientFrame(JSON.stringify(hello)).ok).toBe(true);
  });

  it('a stored token without a conversation is sent, with no resume', () => {
    const t = setup({ stored: { ...STORED, conversationId: null } });
    expect(t.hello()).toEqual({ type: 'hello', v: PROTOCOL_VERSION, token: 'token-1', resume: null });
  });

  it.each([
    ['not JSON', '{token'],
    ['an empty object', {}],
    ['a token that is not a string', { ...STORED, token: 7 }],
    ['no visitorId', { token: 'token-1', conversationId: 'conv-1' }],
  ])('a stored session that is %s counts as none', (_name, stored) => {
    const t = setup({ stored });
    expect(t.hello()).toEqual({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null });
    expect(t.session.view.conversationId).toBeNull();
  });

  it('D5: resumes the stored conversation from the highest seq held, read at each hello', () => {
    const t = setup({ stored: STORED });
    expect(t.hello()).toEqual({ type: 'hello', v: PROTOCOL_VERSION, token: 'token-1', resume: { conversationId: 'conv-1', afterSeq: 0 } });

    t.deliver(welcome({ id: 'conv-1', lastSeq: 3 }, 'token-2'));
    t.deliver(history('conv-1', range(1, 3), true));
    expect(t.hello()).toEqual({ type: 'hello', v: PROTOCOL_VERSION, token: 'token-2', resume: { conversationId: 'conv-1', afterSeq: 3 } });

    t.deliver(eventFrame(ev(4)));
    expect(t.hello()).toMatchObject({ resume: { conversationId: 'conv-1', afterSeq: 4 } });

    t.deliver(eventFrame(ev(2))); // a repeat changes nothing
    expect(t.hello()).toMatchObject({ resume: { conversationId: 'conv-1', afterSeq: 4 } });

    t.deliver(history('conv-1', range(5, 6), false));
    expect(t.hello()).toMatchObject({ resume: { conversationId: 'conv-1', afterSeq: 6 } });
    expect(parseClientFrame(JSON.stringify(t.hello())).ok).toBe(true);
  });
});

describe('D10: welcome', () => {
  it('stores the renewed token, the visitorId and the conversationId under storageKeys(siteKey).session', () => {
    const t = setup({ stored: STORED });
    t.deliver(welcome({ id: 'conv-1' }, 'token-2'));
    expect(t.storedSession()).toEqual({ token: 'token-2', visitorId: 'visitor-1', conversationId: 'conv-1', userId: null });
  });

  it('a new visitor without a conversation is stored with conversationId null', () => {
    const t = setup();
    expect(t.storage.get(KEYS.session)).toBeNull();
    t.deliver(welcome(null, 'token-9'));
    expect(t.storedSession()).toEqual({ token: 'token-9', visitorId: 'visitor-1', conversationId: null, userId: null });
    expect(t.hello()).toMatchObject({ token: 'token-9', resume: null });
  });

  it('a welcome naming another conversation switches to it and resumes it from 0', () => {
    const t = holding(3);
    t.deliver(welcome({ id: 'conv-2', lastSeq: 5 }));
    expect(t.session.view.conversationId).toBe('conv-2');
    expect(t.session.view.events).toEqual([]);
    expect(t.storedSession()).toMatchObject({ conversationId: 'conv-2' });
    expect(t.hello()).toMatchObject({ resume: { conversationId: 'conv-2', afterSeq: 0 } });
  });

  it('D7: resends every non-failed outbox item, in order, after every welcome', () => {
    const first = item(1);
    const failed = item(2, { failed: 'message_too_long' });
    const third = item(3, { conversationId: null });
    const t = setup({ stored: STORED, outbox: [first, failed, third] });
    expect(t.messages()).toEqual([]);

    t.deliver(welcome({ id: 'conv-1' }));
    const expected = [
      { type: 'message.send', clientId: first.clientId, text: first.text, conversationId: 'conv-1' },
      { type: 'message.send', clientId: third.clientId, text: third.text },
    ];
    expect(t.messages()).toEqual(expected);

    t.deliver(welcome({ id: 'conv-1' })); // a reconnect: again
    expect(t.messages()).toEqual([...expected, ...expected]);
  });
});

describe('D7: send()', () => {
  it('D7: writes the message to the outbox before transmitting it', () => {
    const t = setup({ stored: STORED });
    t.deliver(welcome({ id: 'conv-1' }));
    const inStorageAtSend: OutboxItem[][] = [];
    t.client.onSend = (frame) => {
      if (frame.type === 'message.send') inStorageAtSend.push(t.storedOutbox());
    };
    t.session.send('Olá');
    const [frame] = t.messages();
    expect(frame).toBeDefined();
    expect(inStorageAtSend).toEqual([[{ clientId: frame!.clientId, text: 'Olá', conversationId: 'conv-1', at: expect.any(Number), failed: null }]]);
    expect(t.session.view.outbox).toEqual(t.storedOutbox());
  });

  it('D3/D7: sends message.send with a UUID clientId and the current conversationId', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    expect(frame).toEqual({ type: 'message.send', clientId: expect.any(String), text: 'Olá', conversationId: 'conv-1' });
    expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it('C3: a first message goes without a conversationId', () => {
    const t = setup();
    t.deliver(welcome(null));
    t.session.send('Olá');
    const [frame] = t.messages();
    expect(frame).toEqual({ type: 'message.send', clientId: expect.any(String), text: 'Olá' });
    expect(frame).not.toHaveProperty('conversationId');
    expect(t.storedOutbox()).toMatchObject([{ clientId: frame!.clientId, conversationId: null }]);
  });

  it('every message gets its own clientId', () => {
    const t = holding(1);
    t.session.send('one');
    t.session.send('two');
    const [a, b] = t.messages();
    expect(a!.clientId).not.toBe(b!.clientId);
    expect(t.storedOutbox().map((i) => i.text)).toEqual(['one', 'two']);
  });

  it('D7: a message written while offline waits in the outbox and goes out after the welcome', () => {
    const t = setup({ stored: STORED, status: 'connecting' });
    t.session.send('Olá');
    expect(t.messages()).toEqual([]);
    expect(t.session.view.outbox).toMatchObject([{ text: 'Olá', failed: null }]);
    t.client.status = 'online';
    t.deliver(welcome({ id: 'conv-1' }));
    expect(t.messages()).toMatchObject([{ type: 'message.send', text: 'Olá', conversationId: 'conv-1' }]);
  });
});

describe('D5/D6: history', () => {
  it('D6: a history with reset replaces the events held', () => {
    const t = holding(3);
    t.deliver(history('conv-1', range(10, 12), true));
    expect(t.seqs()).toEqual([10, 11, 12]);
    expect(t.hello()).toMatchObject({ resume: { afterSeq: 12 } });
  });

  it('D6: a reset to fewer, older events moves the resume point back', () => {
    const t = holding(9);
    t.deliver(history('conv-1', range(1, 2), true)); // another (restored) database
    expect(t.seqs()).toEqual([1, 2]);
    expect(t.hello()).toMatchObject({ resume: { afterSeq: 2 } });
  });

  it('D5: a history without reset appends only the events newer than those held', () => {
    const t = holding(3);
    t.deliver(history('conv-1', range(2, 5), false));
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5]);
  });

  it('D5: an empty replay keeps the events held', () => {
    const t = holding(3);
    t.deliver(history('conv-1', [], false, 3));
    expect(t.seqs()).toEqual([1, 2, 3]);
  });

  it('a history for another conversation is ignored', () => {
    const t = holding(3);
    t.deliver(history('conv-2', range(1, 5, 'conv-2'), true));
    expect(t.session.view.conversationId).toBe('conv-1');
    expect(t.seqs()).toEqual([1, 2, 3]);
  });

  it('D7: a history holding an outbox item\'s clientId confirms it', () => {
    const queued = item(1);
    const other = item(2);
    const t = setup({ stored: STORED, outbox: [queued, other] });
    t.deliver(welcome({ id: 'conv-1' }));
    t.deliver(history('conv-1', [ev(1, { kind: 'created', author: VISITOR, text: null }), ev(2, { author: VISITOR, text: queued.text, clientId: queued.clientId })], true));
    expect(t.storedOutbox()).toEqual([other]);
    expect(t.session.view.outbox).toEqual([other]);
  });

  it('history is not announced to the host page as new messages', () => {
    const t = holding(3);
    expect(t.emitted).toEqual([]);
  });
});

describe('live events', () => {
  it('D2: the next event is appended', () => {
    const t = holding(3);
    t.deliver(eventFrame(ev(4)));
    expect(t.seqs()).toEqual([1, 2, 3, 4]);
  });

  it.each([1, 2, 3])('D2: an event at or below the last seq (%i, holding 3) is ignored', (seq) => {
    const t = holding(3);
    const before = t.session.view;
    t.deliver(eventFrame(ev(seq, { text: 'repeat' })));
    expect(t.session.view.events).toBe(before.events);
    expect(t.session.view.events.map((e) => e.text)).not.toContain('repeat');
    expect(t.emitted).toEqual([]);
  });

  it('D7: an event carrying an outbox item\'s clientId removes it, without any ack', () => {
    const t = holding(2);
    t.session.send('Olá');
    t.session.send('tudo bem?');
    const [first, second] = t.messages();
    t.deliver(eventFrame(ev(3, { author: VISITOR, text: 'Olá', clientId: first!.clientId })));
    expect(t.storedOutbox().map((i) => i.clientId)).toEqual([second!.clientId]);
    expect(t.session.view.outbox.map((i) => i.clientId)).toEqual([second!.clientId]);
    t.deliver(eventFrame(ev(4, { author: VISITOR, text: 'tudo bem?', clientId: second!.clientId })));
    expect(t.session.view.outbox).toEqual([]);
    expect(t.outboxKeys()).toEqual([]);
  });

  it('an event of another conversation with seq 1 switches to it', () => {
    const t = holding(3);
    const created = ev(1, { conversationId: 'conv-2', kind: 'created', author: VISITOR, text: null });
    t.deliver(eventFrame(created));
    expect(t.session.view.conversationId).toBe('conv-2');
    expect(t.session.view.events).toEqual([created]);
    expect(t.storedSession()).toMatchObject({ conversationId: 'conv-2' });
    expect(t.hello()).toMatchObject({ resume: { conversationId: 'conv-2', afterSeq: 1 } });
    expect(t.client.sent.filter((f) => f.type === 'watch')).toEqual([]);
  });

  it('D5/D6: an event of another conversation with seq > 1 switches to it and asks for it with watch afterSeq 0', () => {
    const t = holding(3);
    t.deliver(eventFrame(ev(7, { conversationId: 'conv-2' })));
    expect(t.session.view.conversationId).toBe('conv-2');
    expect(t.client.sent.filter((f) => f.type === 'watch')).toEqual([{ type: 'watch', conversationId: 'conv-2', afterSeq: 0 }]);
    expect(t.session.view.events).toEqual([]);
    t.deliver(history('conv-2', range(1, 7, 'conv-2'), true));
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('a first message: its conversation\'s events make it the current one', () => {
    const t = setup();
    t.deliver(welcome(null));
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(eventFrame(ev(1, { conversationId: 'conv-9', kind: 'created', author: VISITOR, text: null })));
    t.deliver(eventFrame(ev(2, { conversationId: 'conv-9', author: VISITOR, text: 'Olá', clientId: frame!.clientId })));
    expect(t.session.view.conversationId).toBe('conv-9');
    expect(t.seqs()).toEqual([1, 2]);
    expect(t.session.view.outbox).toEqual([]);
    expect(t.storedSession()).toMatchObject({ conversationId: 'conv-9' });
  });

  it('a live agent message is announced to the host page with from agent and the agent name', () => {
    const t = holding(3);
    t.deliver(eventFrame(ev(4, { author: ANA, text: 'Bom dia!' })));
    expect(t.emitted).toEqual([['message', { conversationId: 'conv-1', text: 'Bom dia!', from: 'agent', agentName: 'Ana', at: 50_004 }]]);
  });

  it('a live visitor message (say from another tab) is announced with from visitor and no agent name', () => {
    const t = holding(3);
    t.deliver(eventFrame(ev(4, { author: VISITOR, text: 'Olá', clientId: item(1).clientId })));
    expect(t.emitted).toEqual([['message', { conversationId: 'conv-1', text: 'Olá', from: 'visitor', agentName: null, at: 50_004 }]]);
  });

  it.each<[string, ConversationEvent]>([
    ['created', ev(4, { kind: 'created', author: VISITOR, text: null })],
    ['assigned', ev(4, { kind: 'assigned', author: ANA, text: null })],
    ['a system message', ev(4, { author: SYSTEM, text: 'closed' })],
    ['an unknown kind', ev(4, { kind: 'rating', author: VISITOR, text: '5' })],
  ])('%s is kept but not announced to the host page', (_name, event) => {
    const t = holding(3);
    t.deliver(eventFrame(event));
    expect(t.seqs()).toEqual([1, 2, 3, 4]);
    expect(t.emitted).toEqual([]);
  });
});

describe('D7: ack', () => {
  it('removes the acknowledged item, from storage and from the view', () => {
    const t = holding(2);
    const notified: number[] = [];
    t.session.send('one');
    t.session.send('two');
    const [one, two] = t.messages();
    t.session.subscribe(() => notified.push(t.session.view.outbox.length));
    t.deliver(ack(one!.clientId, 'conv-1', 3));
    expect(t.storedOutbox().map((i) => i.text)).toEqual(['two']);
    expect(t.session.view.outbox.map((i) => i.text)).toEqual(['two']);
    expect(notified).toEqual([1]);
    t.deliver(ack(two!.clientId, 'conv-1', 4));
    expect(t.outboxKeys()).toEqual([]);
    expect(t.session.view.outbox).toEqual([]);
  });

  it('an ack for a message this tab does not hold changes nothing', () => {
    const t = holding(2);
    t.session.send('one');
    t.deliver(ack(item(5).clientId, 'conv-1', 3));
    expect(t.session.view.outbox.map((i) => i.text)).toEqual(['one']);
  });

  it('an ack for a first message makes its conversation the current one', () => {
    const t = setup();
    t.deliver(welcome(null));
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(ack(frame!.clientId, 'conv-9', 2));
    expect(t.session.view.conversationId).toBe('conv-9');
    expect(t.storedSession()).toMatchObject({ conversationId: 'conv-9' });
    expect(t.session.view.outbox).toEqual([]);
  });
});

describe('D7: errors for a message', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(['message_too_long', 'message_empty', 'invalid_frame', 'forbidden'])(
    'D7: a final error (%s) marks the item failed and it is not resent',
    (code) => {
      const t = holding(2);
      t.session.send('Olá');
      const [frame] = t.messages();
      t.deliver(error(code, frame!.clientId));
      expect(t.storedOutbox()).toMatchObject([{ clientId: frame!.clientId, failed: code }]);
      expect(t.session.view.outbox).toMatchObject([{ clientId: frame!.clientId, failed: code }]);
      vi.advanceTimersByTime(60_000);
      t.deliver(welcome({ id: 'conv-1', lastSeq: 2 }));
      expect(t.messages()).toHaveLength(1);
    },
  );

  it.each(['conversation_closed', 'conversation_not_found'])('D7: %s re-addresses the item to no conversation and resends it at once', (code) => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(error(code, frame!.clientId));
    expect(t.storedOutbox()).toMatchObject([{ clientId: frame!.clientId, conversationId: null, failed: null }]);
    expect(t.messages()).toEqual([frame, { type: 'message.send', clientId: frame!.clientId, text: 'Olá' }]);
  });

  it.each(['conversation_closed', 'conversation_not_found'])('D7: after %s the view shows the re-addressed item, also once the new conversation starts', (code) => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(error(code, frame!.clientId));
    // The resend starts the visitor's next conversation: its `created` event comes before the message's.
    t.deliver(eventFrame(ev(1, { conversationId: 'conv-2', kind: 'created', author: VISITOR, text: null })));
    const { events, outbox, conversationId } = t.session.view;
    expect(conversationId).toBe('conv-2');
    expect(timeline(events, outbox, conversationId)).toMatchObject([{ type: 'message', text: 'Olá', state: 'sending' }]);
    expect(outbox).toEqual(t.storedOutbox());
  });

  it.each(['internal', 'shutting_down'])('D3/D4: a passing error (%s) resends the same message after RETRY_AFTER_MS', (code) => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(error(code, frame!.clientId));
    expect(t.session.view.outbox).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
    vi.advanceTimersByTime(RETRY_AFTER_MS - 1);
    expect(t.messages()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.messages()).toEqual([frame, frame]);
  });

  it('D7: no retry for a message confirmed before the retry time', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(error('internal', frame!.clientId));
    t.deliver(ack(frame!.clientId, 'conv-1', 3));
    vi.advanceTimersByTime(RETRY_AFTER_MS * 5);
    expect(t.messages()).toHaveLength(1);
  });

  it.each(['token_invalid', 'token_expired'])('D10: %s clears the stored session; the next hello is a new visitor\'s', (code) => {
    const t = holding(3);
    t.session.send('Olá');
    t.deliver(error(code));
    expect(t.storage.get(KEYS.session)).toBeNull();
    expect(t.session.view.conversationId).toBeNull();
    expect(t.session.view.events).toEqual([]);
    expect(t.hello()).toEqual({ type: 'hello', v: PROTOCOL_VERSION, token: null, resume: null });
    expect(t.storedOutbox()).toHaveLength(1); // the unsent message is kept
  });

  it('an error without a clientId changes nothing', () => {
    const t = holding(2);
    t.session.send('Olá');
    const before = t.outboxKeys().map((key) => [key, t.storage.get(key)]);
    t.deliver(error('invalid_frame'));
    vi.advanceTimersByTime(60_000);
    expect(t.outboxKeys().map((key) => [key, t.storage.get(key)])).toEqual(before);
    expect(t.messages()).toHaveLength(1);
    expect(t.storedSession()).toMatchObject({ token: 'token-2', conversationId: 'conv-1' });
  });
});

describe('D7: retry and discard', () => {
  it('retry() clears failed and transmits the same message again', () => {
    const t = holding(2);
    t.session.send('Olá');
    const [frame] = t.messages();
    t.deliver(error('message_too_long', frame!.clientId));
    t.session.retry(frame!.clientId);
    expect(t.storedOutbox()).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
    expect(t.session.view.outbox).toMatchObject([{ clientId: frame!.clientId, failed: null }]);
    expect(t.messages()).toEqual([frame, frame]);
  });

  it('retry() of a message that is not in the outbox sends nothing', () => {
    const t = holding(2);
    t.session.retry(item(1).clientId);
    expect(t.messages()).toEqual([]);
  });

  it('discard() removes a failed message for good', () => {
    const t = holding(2);
    t.session.send('Olá');
    t.session.send('keep');
    const [frame] = t.messages();
    t.deliver(error('message_too_long', frame!.clientId));
    t.session.discard(frame!.clientId);
    expect(t.storedOutbox().map((i) => i.text)).toEqual(['keep']);
    expect(t.session.view.outbox.map((i) => i.text)).toEqual(['keep']);
    t.deliver(welcome({ id: 'conv-1', lastSeq: 2 }));
    expect(t.messages().map((m) => m.text)).toEqual(['Olá', 'keep', 'keep']);
  });
});
