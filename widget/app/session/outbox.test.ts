import { describe, expect, it } from 'vitest';
import { byCreation, MAX_OUTBOX, Outbox, parseItem, parseOutbox, type OutboxItem } from './outbox';
import { memoryStorage, type KeyValue } from '../storage';
import { tabsSharingStorage } from '../storage.fixtures';

const KEY = 'papo:site-1:outbox';

function item(n: number, patch: Partial<OutboxItem> = {}): OutboxItem {
  return { clientId: `client-${n}`, text: `message ${n}`, conversationId: 'conv-1', at: 1_000 + n, failed: null, ...patch };
}

const A = item(1);
const B = item(2, { conversationId: null, failed: 'message_too_long' });

/** Every key the outbox's storage holds for KEY, with its value: what another tab or the next page would find. */
const stored = (storage: KeyValue) => Object.fromEntries(storage.keys(KEY).map((key) => [key, storage.get(key)]));

describe('D7: parseItem (one stored message)', () => {
  it.each<[string, string | null]>([
    ['null', null],
    ['an empty string', ''],
    ['bad JSON', '{"clientId":'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['an array (the old outbox)', JSON.stringify([A])],
  ])('%s is no message', (_name, raw) => {
    expect(parseItem(raw)).toBeNull();
  });

  it('reads a well-formed message, optional fields too', () => {
    const full: OutboxItem = { ...A, attachments: [{ id: 'f-1', name: 'a.png', mime: 'image/png', size: 3, kind: 'image' }], prechat: { name: 'Ana' } };
    expect(parseItem(JSON.stringify(A))).toEqual(A);
    expect(parseItem(JSON.stringify(B))).toEqual(B);
    expect(parseItem(JSON.stringify(full))).toEqual(full);
  });

  it.each<[string, unknown]>([
    ['clientId missing', { ...A, clientId: undefined }],
    ['clientId a number', { ...A, clientId: 9 }],
    ['text missing', { ...A, text: undefined }],
    ['text null', { ...A, text: null }],
    ['at a string', { ...A, at: '1001' }],
    ['at missing', { ...A, at: undefined }],
    ['conversationId missing', { ...A, conversationId: undefined }],
    ['conversationId a number', { ...A, conversationId: 7 }],
    ['failed missing', { ...A, failed: undefined }],
    ['failed a boolean', { ...A, failed: true }],
  ])('a message of the wrong shape (%s) is none', (_name, bad) => {
    expect(parseItem(JSON.stringify(bad))).toBeNull();
  });
});

describe('D7: parseOutbox (the single key older widgets wrote)', () => {
  it.each<[string, string | null]>([
    ['null', null],
    ['an empty string', ''],
    ['bad JSON', '[{"clientId":'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['an object', JSON.stringify(A)],
    ['an empty array', '[]'],
  ])('%s gives no messages', (_name, raw) => {
    expect(parseOutbox(raw)).toEqual([]);
  });

  it('keeps the well-formed messages in their order, dropping the others', () => {
    expect(parseOutbox(JSON.stringify([A, null, 'client-9', { ...A, clientId: 9 }, B, item(3)]))).toEqual([A, B, item(3)]);
  });
});

describe('D7: byCreation (the order of showing and resending, the same in every tab)', () => {
  it.each<[string, OutboxItem, OutboxItem, number]>([
    ['earlier first', item(1), item(2), -1],
    ['later last', item(2), item(1), 1],
    ['the same time: by clientId', item(1, { clientId: 'a', at: 5 }), item(2, { clientId: 'b', at: 5 }), -1],
    ['the same time, clientIds the other way', item(1, { clientId: 'b', at: 5 }), item(2, { clientId: 'a', at: 5 }), 1],
    ['the clientId counts only at the same time', item(1, { clientId: 'z', at: 4 }), item(2, { clientId: 'a', at: 5 }), -1],
    ['the same message', A, A, 0],
  ])('%s', (_name, a, b, sign) => {
    expect(Math.sign(byCreation(a, b))).toBe(sign);
  });
});

describe('D7: Outbox in one tab', () => {
  it('is empty at first and lists added messages in the order they were added', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    expect(outbox.list()).toEqual([]);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(3));
    expect(outbox.list()).toEqual([item(1), item(2), item(3)]);
  });

  it('keeps each message whole under its own key, which the next page reads back', () => {
    const storage = memoryStorage();
    new Outbox(storage, KEY).add(A);
    new Outbox(storage, KEY).add(B);
    expect(stored(storage)).toEqual({ [`${KEY}:client-1`]: JSON.stringify(A), [`${KEY}:client-2`]: JSON.stringify(B) });
    expect(new Outbox(storage, KEY).list()).toEqual([A, B]);
  });

  it.each<[string, number[], number[]]>([
    ['distinct times stay', [5, 9, 12], [5, 9, 12]],
    ['a burst within one ms keeps its order', [5, 5, 5], [5, 6, 7]],
    ['a clock going back keeps the order of writing', [9, 3, 4], [9, 10, 11]],
    ['a time just past the bumped ones stays', [5, 5, 7], [5, 6, 7]],
  ])('creation times are strictly increasing within a tab: %s', (_name, times, expected) => {
    const outbox = new Outbox(memoryStorage(), KEY);
    times.forEach((at, n) => outbox.add(item(n, { at })));
    expect(outbox.list().map((i) => [i.clientId, i.at])).toEqual(expected.map((at, n) => [`client-${n}`, at]));
  });

  it('re-adding the same clientId replaces the message instead of adding a second one', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(1, { text: 'edited', failed: 'busy' }));
    const list = outbox.list();
    expect(list.map((i) => i.clientId)).toEqual(['client-2', 'client-1']);
    expect(list[1]).toMatchObject({ text: 'edited', failed: 'busy' });
  });

  it('update() patches conversationId and failed, keeps the rest and the order, and answers the new message', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(3));
    expect(outbox.update('client-2', { failed: 'message_too_long' })).toEqual(item(2, { failed: 'message_too_long' }));
    expect(outbox.update('client-3', { conversationId: null })).toEqual(item(3, { conversationId: null }));
    expect(outbox.list()).toEqual([item(1), item(2, { failed: 'message_too_long' }), item(3, { conversationId: null })]);
    expect(outbox.update('client-2', { failed: null })).toEqual(item(2));
  });

  it('update() of an unknown clientId answers null and writes nothing', () => {
    const storage = memoryStorage();
    const outbox = new Outbox(storage, KEY);
    expect(outbox.update('nobody', { failed: 'x' })).toBeNull();
    expect(stored(storage)).toEqual({});
    outbox.add(A);
    const before = stored(storage);
    expect(outbox.update('nobody', { failed: 'x' })).toBeNull();
    expect(stored(storage)).toEqual(before);
  });

  it('remove() removes the messages\' keys and answers whether something was removed', () => {
    const storage = memoryStorage();
    const outbox = new Outbox(storage, KEY);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(3));
    expect(outbox.remove([])).toBe(false);
    expect(outbox.remove(['nobody'])).toBe(false);
    expect(outbox.list()).toHaveLength(3);
    expect(outbox.remove(['client-2'])).toBe(true);
    expect(outbox.list()).toEqual([item(1), item(3)]);
    expect(Object.keys(stored(storage))).toEqual([`${KEY}:client-1`, `${KEY}:client-3`]);
    expect(outbox.remove(['client-2'])).toBe(false);
    expect(outbox.remove(new Set(['client-1', 'client-3', 'nobody']))).toBe(true);
    expect(outbox.list()).toEqual([]);
    expect(stored(storage)).toEqual({}); // an empty outbox leaves no key behind
  });

  it(`holds at most MAX_OUTBOX (${MAX_OUTBOX}) messages, dropping the oldest`, () => {
    expect(MAX_OUTBOX).toBe(100);
    const storage = memoryStorage();
    const outbox = new Outbox(storage, KEY);
    for (let n = 0; n < MAX_OUTBOX + 5; n++) outbox.add(item(n));
    const list = outbox.list();
    expect(list).toHaveLength(MAX_OUTBOX);
    expect(list[0]).toEqual(item(5));
    expect(list.at(-1)).toEqual(item(MAX_OUTBOX + 4));
    expect(storage.keys(KEY)).toHaveLength(MAX_OUTBOX);
  });

  it.each<[string, string, string]>([
    ['corrupt JSON', `${KEY}:client-9`, '{not json'],
    ['not a message', `${KEY}:client-9`, '[1,2]'],
    ['a message under another clientId\'s key', `${KEY}:client-9`, JSON.stringify(item(7))],
    ['a message under a deeper key (another site\'s prefix)', `${KEY}:x:client-7`, JSON.stringify(item(7))],
  ])('skips %s and keeps the others; clear() removes it', (_name, key, raw) => {
    const storage = memoryStorage();
    const outbox = new Outbox(storage, KEY);
    outbox.add(A);
    storage.set(key, raw);
    expect(outbox.list()).toEqual([A]);
    outbox.clear();
    expect(outbox.list()).toEqual([]);
    expect(stored(storage)).toEqual({});
  });

  it('outboxes under different keys (sites) are independent', () => {
    const storage = memoryStorage();
    const one = new Outbox(storage, 'papo:one:outbox');
    const two = new Outbox(storage, 'papo:two:outbox');
    one.add(A);
    two.add(B);
    expect(one.list()).toEqual([A]);
    expect(two.list()).toEqual([B]);
    one.clear();
    expect(two.list()).toEqual([B]);
  });
});

describe('D7: an outbox left by an older widget (one key) is moved to a key per message', () => {
  const legacy = (items: unknown[]) => JSON.stringify(items);
  it.each<[string, string, OutboxItem[], OutboxItem[]]>([
    ['its messages, in order', legacy([A, B, item(3)]), [], [A, B, item(3)]],
    ['a burst within one ms keeps its order', legacy([item(1, { at: 5 }), item(2, { at: 5 }), item(3, { at: 5 })]), [], [item(1, { at: 5 }), item(2, { at: 6 }), item(3, { at: 7 })]],
    ['beside messages already under their own keys', legacy([item(2)]), [item(1), item(3)], [item(1), item(2), item(3)]],
    ['a message moved before (and changed since) stays as it is', legacy([A]), [{ ...A, failed: 'message_empty' }], [{ ...A, failed: 'message_empty' }]],
    ['its malformed messages dropped', legacy([A, { clientId: 'x' }, 7]), [], [A]],
    ['corrupt: nothing to move', '{"clientId":', [item(3)], [item(3)]],
    ['empty', '[]', [], []],
  ])('%s', (_name, raw, own, expected) => {
    const storage = memoryStorage();
    for (const i of own) storage.set(`${KEY}:${i.clientId}`, JSON.stringify(i));
    storage.set(KEY, raw);
    expect(new Outbox(storage, KEY).list()).toEqual(expected);
    expect(storage.get(KEY)).toBeNull(); // the old key is gone
    expect(new Outbox(storage, KEY).list()).toEqual(expected); // and what it held is stored the new way
    expect(storage.keys(`${KEY}:`)).toHaveLength(expected.length);
  });

  it.each<[string, (o: Outbox) => unknown, OutboxItem[]]>([
    ['update()', (o) => o.update('client-2', { failed: 'message_empty' }), [A, { ...B, failed: 'message_empty' }]],
    ['remove()', (o) => o.remove(['client-1']), [B]],
    ['add()', (o) => o.add(item(3)), [A, B, item(3)]],
  ])('%s reaches the old key\'s messages too', (_name, change, expected) => {
    const storage = memoryStorage();
    storage.set(KEY, legacy([A, B]));
    change(new Outbox(storage, KEY));
    expect(new Outbox(storage, KEY).list()).toEqual(expected);
  });
});

/**
 * Tabs over one origin's storage as Chromium keeps it: each tab's own copy, which learns of the other tabs'
 * writes only later (`sync`). Each step is done by one tab, before it has heard of the steps before it that
 * other tabs did, unless a 'sync' came between. After the last sync every tab lists the expected messages.
 */
type Step = 'sync' | [tab: number, op: 'add' | 'remove' | 'fail', n: number];

describe('D7: tabs share the outbox and never lose each other\'s messages (issue 11, Faults 2)', () => {
  it.each<[string, number, Step[], OutboxItem[]]>([
    ['two tabs each add before hearing of the other', 2, [[0, 'add', 1], [1, 'add', 2]], [item(1), item(2)]],
    ['bursts from two tabs, interleaved, none heard', 2, [[0, 'add', 1], [0, 'add', 2], [1, 'add', 3], [0, 'add', 4], [1, 'add', 5], [1, 'add', 6]], [1, 2, 3, 4, 5, 6].map((n) => item(n))],
    ['three tabs at once', 3, [[2, 'add', 3], [0, 'add', 1], [1, 'add', 2]], [item(1), item(2), item(3)]],
    ['listed by creation time, not by whose write came first', 2, [[1, 'add', 2], 'sync', [0, 'add', 1], [1, 'add', 3]], [item(1), item(2), item(3)]],
    ['a tab removes its own message (acked) as another adds', 2, [[0, 'add', 1], 'sync', [0, 'remove', 1], [1, 'add', 2]], [item(2)]],
    ['a tab removes the other\'s message (its event came there) as that one adds', 2, [[0, 'add', 1], 'sync', [1, 'remove', 1], [0, 'add', 2]], [item(2)]],
    ['a tab marks a message failed as another adds', 2, [[0, 'add', 1], 'sync', [1, 'fail', 1], [0, 'add', 2]], [item(1, { failed: 'message_too_long' }), item(2)]],
    ['both tabs remove the same message', 2, [[0, 'add', 1], [0, 'add', 2], 'sync', [0, 'remove', 1], [1, 'remove', 1]], [item(2)]],
    ['a change in a tab that heard of the removal does not bring a message back', 2, [[0, 'add', 1], 'sync', [0, 'remove', 1], 'sync', [1, 'fail', 1]], []],
    ['a tab that removed its last message does not wipe what another added since', 2, [[0, 'add', 1], 'sync', [1, 'add', 2], [0, 'remove', 1]], [item(2)]],
  ])('%s', (_name, count, steps, expected) => {
    const shared = tabsSharingStorage(count);
    const tabs = shared.tabs.map((storage) => new Outbox(storage, KEY));
    for (const step of steps) {
      if (step === 'sync') shared.sync();
      else if (step[1] === 'add') tabs[step[0]]!.add(item(step[2]));
      else if (step[1] === 'remove') tabs[step[0]]!.remove([`client-${step[2]}`]);
      else tabs[step[0]]!.update(`client-${step[2]}`, { failed: 'message_too_long' });
    }
    shared.sync();
    for (const tab of tabs) expect(tab.list()).toEqual(expected);
    expect(new Outbox(memoryStorage(new Map(shared.browser)), KEY).list()).toEqual(expected); // and a page loaded now
  });

  it('a change racing a removal of the same message: the last write wins for that message only', () => {
    const shared = tabsSharingStorage(2);
    const [one, two] = shared.tabs.map((storage) => new Outbox(storage, KEY));
    one!.add(item(1));
    one!.add(item(2));
    shared.sync();
    one!.remove(['client-1']); // acked in one tab
    two!.update('client-1', { conversationId: null }); // refused as closed in the other, which has not heard yet
    shared.sync();
    // It comes back whole and is resent; the server answers a clientId it holds with its first ack (D3).
    expect(one!.list()).toEqual([item(1, { conversationId: null }), item(2)]);
    expect(two!.list()).toEqual(one!.list());
  });

  it(`MAX_OUTBOX holds across tabs: the oldest of all go`, () => {
    const shared = tabsSharingStorage(2);
    const [one, two] = shared.tabs.map((storage) => new Outbox(storage, KEY));
    for (let n = 0; n < MAX_OUTBOX; n += 2) {
      one!.add(item(n));
      two!.add(item(n + 1));
      shared.sync();
    }
    one!.add(item(MAX_OUTBOX));
    shared.sync();
    two!.add(item(MAX_OUTBOX + 1));
    shared.sync();
    const expected = Array.from({ length: MAX_OUTBOX }, (_, i) => item(i + 2));
    expect(one!.list()).toEqual(expected);
    expect(two!.list()).toEqual(expected);
  });
});
