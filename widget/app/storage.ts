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

export function memoryStorage(): KeyValue {
  const data = new Map<string, string>();
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
