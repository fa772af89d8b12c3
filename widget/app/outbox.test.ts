import { describe, expect, it } from 'vitest';
import { MAX_OUTBOX, Outbox, parseOutbox, type OutboxItem } from './outbox';
import { memoryStorage } from './storage';

const KEY = 'papo:site-1:outbox';

function item(n: number, patch: Partial<OutboxItem> = {}): OutboxItem {
  return { clientId: `client-${n}`, text: `message ${n}`, conversationId: 'conv-1', at: 1_000 + n, failed: null, ...patch };
}

const A = item(1);
const B = item(2, { conversationId: null, failed: 'message_too_long' });

describe('D7: parseOutbox', () => {
  it.each<[string, string | null]>([
    ['null', null],
    ['an empty string', ''],
    ['bad JSON', '[{"clientId":'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['a string', '"hello"'],
    ['an object', JSON.stringify({ clientId: 'c', text: 't', conversationId: null, at: 1, failed: null })],
    ['an empty array', '[]'],
  ])('%s gives an empty outbox', (_name, raw) => {
    expect(parseOutbox(raw)).toEqual([]);
  });

  it('keeps well-formed items in their order', () => {
    expect(parseOutbox(JSON.stringify([A, B, item(3)]))).toEqual([A, B, item(3)]);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'client-9'],
    ['a number', 9],
    ['an array', [A]],
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
  ])('drops an item of the wrong shape (%s) and keeps the others', (_name, bad) => {
    const raw = JSON.stringify([A, bad, B]);
    expect(parseOutbox(raw)).toEqual([A, B]);
  });
});

describe('D7: Outbox', () => {
  it('is empty at first and lists added items in the order they were added', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    expect(outbox.list()).toEqual([]);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(3));
    expect(outbox.list()).toEqual([item(1), item(2), item(3)]);
  });

  it('keeps the items in storage under its key, readable by parseOutbox', () => {
    const storage = memoryStorage();
    new Outbox(storage, KEY).add(A);
    expect(parseOutbox(storage.get(KEY))).toEqual([A]);
    expect(new Outbox(storage, KEY).list()).toEqual([A]); // a page reload reads it back
  });

  it('re-adding the same clientId replaces the item instead of adding a second one', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(1, { text: 'edited', failed: 'busy' }));
    const list = outbox.list();
    expect(list).toHaveLength(2);
    expect(list.filter((i) => i.clientId === 'client-1')).toEqual([item(1, { text: 'edited', failed: 'busy' })]);
    expect(list.map((i) => i.clientId)).toContain('client-2');
  });

  it('update() patches conversationId and failed, keeps the rest and the order, and answers the new item', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(3));
    expect(outbox.update('client-2', { failed: 'message_too_long' })).toEqual(item(2, { failed: 'message_too_long' }));
    expect(outbox.update('client-3', { conversationId: null })).toEqual(item(3, { conversationId: null }));
    expect(outbox.list()).toEqual([item(1), item(2, { failed: 'message_too_long' }), item(3, { conversationId: null })]);
    expect(outbox.update('client-2', { failed: null })).toEqual(item(2));
  });

  it('update() of an unknown clientId answers null and changes nothing', () => {
    const storage = memoryStorage();
    const outbox = new Outbox(storage, KEY);
    expect(outbox.update('nobody', { failed: 'x' })).toBeNull();
    expect(storage.get(KEY)).toBeNull();
    outbox.add(A);
    const before = storage.get(KEY);
    expect(outbox.update('nobody', { failed: 'x' })).toBeNull();
    expect(storage.get(KEY)).toBe(before);
  });

  it('remove() answers whether something was removed', () => {
    const outbox = new Outbox(memoryStorage(), KEY);
    outbox.add(item(1));
    outbox.add(item(2));
    outbox.add(item(3));
    expect(outbox.remove([])).toBe(false);
    expect(outbox.remove(['nobody'])).toBe(false);
    expect(outbox.list()).toHaveLength(3);
    expect(outbox.remove(['client-2'])).toBe(true);
    expect(outbox.list()).toEqual([item(1), item(3)]);
    expect(outbox.remove(['client-2'])).toBe(false);
    expect(outbox.remove(new Set(['client-1', 'client-3', 'nobody']))).toBe(true);
    expect(outbox.list()).toEqual([]);
  });

  it('removes its storage key when it becomes empty', () => {
    const storage = memoryStorage();
    const outbox = new Outbox(storage, KEY);
    outbox.add(A);
    outbox.add(B);
    outbox.remove([A.clientId]);
    expect(storage.get(KEY)).not.toBeNull();
    outbox.remove([B.clientId]);
    expect(storage.get(KEY)).toBeNull();
  });

  it(`holds at most MAX_OUTBOX (${MAX_OUTBOX}) items, dropping the oldest`, () => {
    expect(MAX_OUTBOX).toBe(100);
    const outbox = new Outbox(memoryStorage(), KEY);
    for (let n = 0; n < MAX_OUTBOX + 5; n++) outbox.add(item(n));
    const list = outbox.list();
    expect(list).toHaveLength(MAX_OUTBOX);
    expect(list[0]).toEqual(item(5));
    expect(list.at(-1)).toEqual(item(MAX_OUTBOX + 4));
  });

  it('starts afresh over a corrupt stored value', () => {
    const storage = memoryStorage();
    storage.set(KEY, '{not json');
    const outbox = new Outbox(storage, KEY);
    expect(outbox.list()).toEqual([]);
    outbox.add(A);
    expect(outbox.list()).toEqual([A]);
  });

  it('outboxes under different keys (sites) are independent', () => {
    const storage = memoryStorage();
    const one = new Outbox(storage, 'papo:one:outbox');
    const two = new Outbox(storage, 'papo:two:outbox');
    one.add(A);
    two.add(B);
    expect(one.list()).toEqual([A]);
    expect(two.list()).toEqual([B]);
  });
});

describe('D7: two tabs share one outbox', () => {
  it('two Outbox instances over the same storage never lose each other\'s items', () => {
    const storage = memoryStorage();
    const tab1 = new Outbox(storage, KEY);
    const tab2 = new Outbox(storage, KEY);
    tab1.add(item(1));
    tab2.add(item(2));
    tab1.add(item(3));
    tab2.add(item(4));
    expect(tab1.list()).toEqual([item(1), item(2), item(3), item(4)]);
    expect(tab2.list()).toEqual(tab1.list());

    // Each tab changes and removes items the other added.
    expect(tab2.update('client-1', { failed: 'message_empty' })).toEqual(item(1, { failed: 'message_empty' }));
    expect(tab1.remove(['client-2'])).toBe(true);
    tab2.add(item(5));
    expect(tab1.update('client-5', { conversationId: null })).toEqual(item(5, { conversationId: null }));
    expect(tab2.remove(['client-3'])).toBe(true);

    const expected = [item(1, { failed: 'message_empty' }), item(4), item(5, { conversationId: null })];
    expect(tab1.list()).toEqual(expected);
    expect(tab2.list()).toEqual(expected);
  });

  it('a tab that removed its last item does not wipe what another tab added since', () => {
    const storage = memoryStorage();
    const tab1 = new Outbox(storage, KEY);
    const tab2 = new Outbox(storage, KEY);
    tab1.add(item(1));
    tab2.add(item(2));
    tab1.remove(['client-1']);
    expect(tab2.list()).toEqual([item(2)]);
    expect(storage.get(KEY)).not.toBeNull();
  });
});
