import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserStorage, consentStorage, memoryStorage } from './storage';

/**
 * A stand-in for the browser's localStorage: its keys are its own properties (as `Object.keys(localStorage)`
 * lists them) and `setItem` throws QuotaExceededError for the keys `refuse` names.
 */
function fakeLocalStorage(refuse: (key: string) => boolean = () => false) {
  const proto = {
    getItem(this: Record<string, string>, key: string) {
      return Object.hasOwn(this, key) ? this[key]! : null;
    },
    setItem(this: Record<string, string>, key: string, value: string) {
      if (refuse(key)) throw new DOMException('full', 'QuotaExceededError');
      this[key] = String(value);
    },
    removeItem(this: Record<string, string>, key: string) {
      delete this[key];
    },
  };
  return Object.create(proto) as Storage & Record<string, string>;
}

/** `window` with that localStorage and `storage` listeners the test fires itself. */
function fakeWindow(local: Storage) {
  const listeners = new Set<(event: { key: string | null }) => void>();
  vi.stubGlobal('window', {
    localStorage: local,
    addEventListener: (_type: string, l: (event: { key: string | null }) => void) => listeners.add(l),
    removeEventListener: (_type: string, l: (event: { key: string | null }) => void) => listeners.delete(l),
  });
  return { fire: (key: string | null) => listeners.forEach((l) => l({ key })), listeners };
}

afterEach(() => vi.unstubAllGlobals());

describe('browserStorage', () => {
  it('reads, writes, lists by prefix and removes through localStorage', () => {
    const local = fakeLocalStorage();
    fakeWindow(local);
    const storage = browserStorage();
    storage.set('papo:s:outbox:1', 'a');
    storage.set('papo:s:outbox:2', 'b');
    storage.set('papo:s:session', 'c');
    local.setItem('papo:s:outbox:3', 'another tab');
    expect(storage.get('papo:s:outbox:1')).toBe('a');
    expect(storage.keys('papo:s:outbox:').sort()).toEqual(['papo:s:outbox:1', 'papo:s:outbox:2', 'papo:s:outbox:3']);
    storage.remove('papo:s:outbox:1');
    expect(local.getItem('papo:s:outbox:1')).toBeNull();
    expect(storage.keys('papo:s:outbox:').sort()).toEqual(['papo:s:outbox:2', 'papo:s:outbox:3']);
  });

  it('storage refused outright (private mode): memory for this page, nothing in localStorage', () => {
    const local = fakeLocalStorage(() => true);
    fakeWindow(local);
    const storage = browserStorage();
    storage.set('papo:s:outbox:1', 'a');
    expect(storage.get('papo:s:outbox:1')).toBe('a');
    expect(storage.keys('papo:s:')).toEqual(['papo:s:outbox:1']);
    expect(Object.keys(local)).toEqual([]);
  });

  it('a write refused (quota full) is kept for this page, read before the older stored value, listed once', () => {
    let full = false;
    const local = fakeLocalStorage((key) => full && key !== '__papo_probe__');
    fakeWindow(local);
    const storage = browserStorage();
    storage.set('papo:s:outbox:1', 'old');
    full = true;
    storage.set('papo:s:outbox:1', 'new');
    storage.set('papo:s:outbox:2', 'refused');
    expect([storage.get('papo:s:outbox:1'), storage.get('papo:s:outbox:2')]).toEqual(['new', 'refused']);
    expect(storage.keys('papo:s:outbox:').sort()).toEqual(['papo:s:outbox:1', 'papo:s:outbox:2']);
    // Room again: the next write goes to localStorage, and the page's copy is no longer read.
    full = false;
    storage.set('papo:s:outbox:1', 'newer');
    expect(storage.get('papo:s:outbox:1')).toBe('newer');
    expect(local.getItem('papo:s:outbox:1')).toBe('newer');
    storage.remove('papo:s:outbox:2');
    storage.remove('papo:s:outbox:1');
    expect(storage.keys('papo:s:outbox:')).toEqual([]);
  });

  it.each<[string, string | null, boolean]>([
    ['the key itself', 'papo:s:outbox', true],
    ['a key under it (one message)', 'papo:s:outbox:1', true],
    ['the whole storage cleared', null, true],
    ['another key', 'papo:s:session', false],
    ['another site', 'papo:t:outbox:1', false],
  ])('onChange: a storage event for %s is heard: %s', (_name, key, heard) => {
    const { fire, listeners } = fakeWindow(fakeLocalStorage());
    const listener = vi.fn();
    const off = browserStorage().onChange('papo:s:outbox', listener);
    fire(key);
    expect(listener).toHaveBeenCalledTimes(heard ? 1 : 0);
    off();
    expect(listeners.size).toBe(0);
  });
});

describe('SPEC W8: consentStorage', () => {
  it('lists memory\'s keys until persist(), then the browser\'s, to which memory was copied', () => {
    const browser = memoryStorage(new Map([['papo:s:outbox:0', 'another tab']]));
    const storage = consentStorage(false, () => browser);
    storage.set('papo:s:outbox:1', 'a');
    expect(storage.keys('papo:s:outbox:')).toEqual(['papo:s:outbox:1']);
    expect(browser.keys('papo:s:outbox:')).toEqual(['papo:s:outbox:0']);
    storage.persist();
    expect(storage.keys('papo:s:outbox:').sort()).toEqual(['papo:s:outbox:0', 'papo:s:outbox:1']);
    expect(browser.get('papo:s:outbox:1')).toBe('a');
  });
});
