/**
 * @module Key-value storage for the widget: localStorage, shared by the site's tabs, with an in-memory
 * stand-in when the browser refuses storage (private modes, blocked cookies). Never throws.
 */

export interface KeyValue {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** The keys that begin with `prefix`, in no particular order. */
  keys(prefix: string): string[];
  /** Another tab changed `key` or a key that begins with it (the outbox's messages, SPEC D7). */
  onChange(key: string, listener: () => void): () => void;
}

export function memoryStorage(data = new Map<string, string>()): KeyValue {
  return {
    get: (key) => data.get(key) ?? null,
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
    keys: (prefix) => [...data.keys()].filter((key) => key.startsWith(prefix)),
    onChange: () => () => undefined,
  };
}

export function browserStorage(): KeyValue {
  let local: Storage;
  try {
    local = window.localStorage;
    const probe = '__papo_probe__';
    local.setItem(probe, probe);
    local.removeItem(probe);
  } catch {
    return memoryStorage();
  }
  // What the browser refused to store (quota full): kept for this page at least, and read before localStorage,
  // which may hold an older value of the same key.
  const fallback = memoryStorage();
  return {
    get(key) {
      try {
        return fallback.get(key) ?? local.getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        local.setItem(key, value);
        fallback.remove(key);
      } catch {
        fallback.set(key, value);
      }
    },
    remove(key) {
      fallback.remove(key);
      try {
        local.removeItem(key);
      } catch {
        /* storage went away: nothing to remove */
      }
    },
    keys(prefix) {
      let stored: string[] = [];
      try {
        stored = Object.keys(local).filter((key) => key.startsWith(prefix));
      } catch {
        /* storage went away: what this page holds */
      }
      return [...new Set([...stored, ...fallback.keys(prefix)])];
    },
    onChange(key, listener) {
      const handler = (event: StorageEvent) => {
        if (event.key === null || event.key.startsWith(key)) listener();
      };
      window.addEventListener('storage', handler);
      return () => window.removeEventListener('storage', handler);
    },
  };
}

/**
 * SPEC W8: memory until `persist()` (the visitor opened the chat, or the site identified them), then the
 * browser's storage, into which what memory held is copied first. `persisted`: the browser's from the start.
 */
export function consentStorage(persisted: boolean, browser: () => KeyValue = browserStorage): KeyValue & { persist(): void } {
  const held = new Map<string, string>();
  let store = persisted ? browser() : memoryStorage(held);
  const watchers = new Set<{ key: string; listener: () => void; off: () => void }>();
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    remove: (key) => store.remove(key),
    keys: (prefix) => store.keys(prefix),
    onChange(key, listener) {
      const w = { key, listener, off: store.onChange(key, listener) };
      watchers.add(w);
      return () => {
        w.off();
        watchers.delete(w);
      };
    },
    persist() {
      if (persisted) return;
      persisted = true;
      store = browser();
      for (const [key, value] of held) store.set(key, value);
      for (const w of watchers) w.off = store.onChange(w.key, w.listener);
    },
  };
}
