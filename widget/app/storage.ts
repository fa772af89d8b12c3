/**
 * @module Key-value storage for the widget: localStorage, shared by the site's tabs, with an in-memory
 * stand-in when the browser refuses storage (private modes, blocked cookies). Never throws.
 */

export interface KeyValue {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  /** Another tab changed `key`. */
  onChange(key: string, listener: () => void): () => void;
}

export function memoryStorage(data = new Map<string, string>()): KeyValue {
  return {
    get: (key) => data.get(key) ?? null,
    set: (key, value) => void data.set(key, value),
    remove: (key) => void data.delete(key),
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
  const fallback = memoryStorage();
  return {
    get(key) {
      try {
        return local.getItem(key);
      } catch {
        return fallback.get(key);
      }
    },
    set(key, value) {
      try {
        local.setItem(key, value);
      } catch {
        fallback.set(key, value); // quota full: keep it for this page at least
      }
    },
    remove(key) {
      try {
        local.removeItem(key);
      } catch {
        fallback.remove(key);
      }
    },
    onChange(key, listener) {
      const handler = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener();
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
