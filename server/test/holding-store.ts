/**
 * @module A store whose next call of one method waits until the test lets it go, as a remote database's read
 * would: the hello that made it is then still being answered (SPEC D8, W6).
 */
import type { Store } from '../store/store';

export type Held = 'visitors.byId' | 'conversations.openForVisitor' | 'conversations.list';

export function holdingStore() {
  let held: { method: Held; reached: () => void; release: Promise<void> } | null = null;
  const hold = <T>(method: Held, call: () => Promise<T>): Promise<T> => {
    const h = held;
    if (h?.method !== method) return call();
    held = null;
    h.reached();
    return h.release.then(call);
  };
  return {
    wrap: (store: Store): Store => ({
      ...store,
      visitors: { ...store.visitors, byId: (id) => hold('visitors.byId', () => store.visitors.byId(id)) },
      conversations: {
        ...store.conversations,
        openForVisitor: (id) => hold('conversations.openForVisitor', () => store.conversations.openForVisitor(id)),
        list: (query) => hold('conversations.list', () => store.conversations.list(query)),
      },
    }),
    /** Holds the next call of `method`; resolves once it is reached, with the function that lets it go. */
    next(method: Held): { reached: Promise<void>; release: () => void } {
      let release!: () => void;
      let reached!: () => void;
      const released = new Promise<void>((r) => (release = r));
      const reachedP = new Promise<void>((r) => (reached = r));
      held = { method, reached, release: released };
      return { reached: reachedP, release };
    },
  };
}
