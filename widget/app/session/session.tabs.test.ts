/**
 * SPEC D7 across tabs (issue 11, Faults 2): two VisitorSessions over one origin's storage as Chromium keeps
 * it (each tab's copy learns of the other's writes at `sync()`, storage.fixtures.ts). What either tab wrote
 * is resent after a welcome, in the order it was written; what one tab confirms, fails or discards, the
 * other's window shows too; an outbox an older widget left in one key is kept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ack, error, item, KEYS, setup, STORED, welcome } from './session.fixtures';
import { memoryStorage } from '../storage';
import { tabsSharingStorage } from '../storage.fixtures';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const T = 1_700_000_000_000;
const texts = (outbox: ReadonlyArray<{ text: string }>) => outbox.map((i) => i.text);

function twoTabs(status: 'online' | 'offline' = 'online') {
  const shared = tabsSharingStorage(2);
  const one = setup({ stored: STORED, storage: shared.tabs[0], status });
  const two = setup({ stored: STORED, storage: shared.tabs[1], status });
  shared.sync();
  return { shared, one, two };
}

describe('D7: tabs share the outbox', () => {
  it('messages both tabs wrote while offline, before either heard of the other, are all resent after a welcome, in the order written', () => {
    const { shared, one, two } = twoTabs('offline');
    vi.setSystemTime(T);
    one.session.send('a1');
    one.session.send('a2'); // the same ms: still after a1
    two.session.send('b1'); // the same ms in the other tab: by clientId among the ms's messages
    vi.setSystemTime(T + 5);
    two.session.send('b2');
    vi.setSystemTime(T + 9);
    one.session.send('a3');
    expect(texts(one.session.view.outbox)).toEqual(['a1', 'a2', 'a3']); // not heard of the other tab yet
    shared.sync();
    const written = texts(one.session.view.outbox);
    expect([...written].sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(written.indexOf('a1')).toBeLessThan(written.indexOf('a2'));
    expect(written.slice(3)).toEqual(['b2', 'a3']);
    expect(texts(two.session.view.outbox)).toEqual(written); // the same order in both tabs

    one.client.status = 'online';
    one.deliver(welcome({ id: 'conv-1', lastSeq: 0 }));
    expect(one.messages().map((m) => m.text)).toEqual(written);
    two.client.status = 'online';
    two.deliver(welcome({ id: 'conv-1', lastSeq: 0 }));
    expect(two.messages().map((m) => m.text)).toEqual(written); // D3 makes the second resend harmless
  });

  it('a message acked in one tab leaves the other tab\'s window', () => {
    const { shared, one, two } = twoTabs();
    one.deliver(welcome({ id: 'conv-1' }));
    one.session.send('olá');
    shared.sync();
    expect(two.session.view.outbox).toMatchObject([{ text: 'olá', failed: null }]);
    one.deliver(ack(one.messages()[0]!.clientId, 'conv-1', 1));
    shared.sync();
    expect(two.session.view.outbox).toEqual([]);
    expect(one.outboxKeys()).toEqual([]);
  });

  it('a message failed in one tab shows failed in the other, and a discard there removes it from both', () => {
    const { shared, one, two } = twoTabs();
    one.deliver(welcome({ id: 'conv-1' }));
    one.session.send('x'.repeat(2000));
    one.session.send('kept');
    one.deliver(error('message_too_long', one.messages()[0]!.clientId));
    shared.sync();
    expect(two.session.view.outbox).toMatchObject([{ failed: 'message_too_long' }, { text: 'kept', failed: null }]);
    two.session.discard(one.messages()[0]!.clientId);
    shared.sync();
    expect(texts(one.session.view.outbox)).toEqual(['kept']);
    // The failed one is not resent by either tab after a welcome; the waiting one is.
    two.deliver(welcome({ id: 'conv-1' }));
    expect(two.messages().map((m) => m.text)).toEqual(['kept']);
  });
});

describe('D7: a visitor upgrading mid-conversation keeps the outbox an older widget left in one key', () => {
  it('it is shown, resent after the welcome in its order, and moved to a key per message', () => {
    const storage = memoryStorage();
    storage.set(KEYS.session, JSON.stringify(STORED));
    const old = [item(1, { at: T }), item(2, { at: T }), item(3, { at: T, failed: 'message_too_long' }), item(4, { at: T - 1 })];
    storage.set(KEYS.outbox, JSON.stringify(old));
    const t = setup({ storage });
    expect(texts(t.session.view.outbox)).toEqual(['queued 1', 'queued 2', 'queued 3', 'queued 4']);
    t.deliver(welcome({ id: 'conv-1' }));
    expect(t.messages().map((m) => m.text)).toEqual(['queued 1', 'queued 2', 'queued 4']);
    expect(storage.get(KEYS.outbox)).toBeNull();
    expect(t.outboxKeys().sort()).toEqual(old.map((i) => `${KEYS.outbox}:${i.clientId}`).sort());
  });
});
