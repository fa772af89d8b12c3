/**
 * @module Test fixtures (test code only): one origin's localStorage as several tabs see it in Chromium. Each
 * tab keeps its own copy, which its own writes change at once and the other tabs' writes reach later (issue
 * 11, Faults 2): here when the test calls `sync()`. That applies every write in the order it was made to the
 * browser's store, then to every other tab's copy, firing the tab's `onChange` listeners as `storage` events
 * do; a tab whose own later write to the same key is still on its way keeps its own value, as Chromium's
 * per-tab cache does. After `sync()` every copy equals the browser's store.
 */
import type { KeyValue } from './storage';

export function tabsSharingStorage(count: number) {
  const browser = new Map<string, string>();
  const writes: Array<{ tab: number; key: string; value: string | null }> = [];
  const copies = Array.from({ length: count }, () => new Map<string, string>());
  const listeners = Array.from({ length: count }, () => new Set<{ key: string; listener: () => void }>());
  const put = (map: Map<string, string>, key: string, value: string | null) => (value === null ? map.delete(key) : map.set(key, value));

  const tabs = copies.map(
    (copy, tab): KeyValue => ({
      get: (key) => copy.get(key) ?? null,
      set(key, value) {
        copy.set(key, value);
        writes.push({ tab, key, value });
      },
      remove(key) {
        copy.delete(key);
        writes.push({ tab, key, value: null });
      },
      keys: (prefix) => [...copy.keys()].filter((key) => key.startsWith(prefix)),
      onChange(key, listener) {
        const watcher = { key, listener };
        listeners[tab]!.add(watcher);
        return () => void listeners[tab]!.delete(watcher);
      },
    }),
  );

  return {
    tabs,
    /** The browser's own store: what a page loaded now would read. */
    browser,
    /** Writes made and not yet passed on. */
    pending: () => writes.length,
    /** Passes every write on (and those the listeners make meanwhile), in the order they were made. */
    sync(): void {
      for (let write = writes.shift(); write; write = writes.shift()) {
        const { tab: from, key, value } = write;
        put(browser, key, value);
        copies.forEach((copy, tab) => {
          if (tab === from || writes.some((w) => w.tab === tab && w.key === key)) return;
          put(copy, key, value);
          for (const w of listeners[tab]!) if (key.startsWith(w.key)) w.listener();
        });
      }
    },
  };
}
