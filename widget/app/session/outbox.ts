/**
 * @module The widget's outbox (SPEC D7): messages the visitor sent that the server has not confirmed yet,
 * shared by the site's tabs through storage. Removed on ack, on the message's own event, or on discard.
 *
 * One storage key per message, `<key>:<clientId>`, written whole by the tab that creates it; removal is a
 * key removal (issue 11, Faults 2). The outbox used to be one key that every tab read, changed and wrote
 * back, and Chromium keeps a per-tab copy of localStorage that learns of other tabs' writes asynchronously:
 * two tabs writing a few ms apart each wrote back a list without the other's new message, and 24 to 25
 * of 90 messages two tabs sent while the server was down were never stored (test/e2e/outbox-tabs). With a key
 * per message no write carries any other message, so none can be lost, with any number of tabs; the API
 * stays synchronous, storage events still tell the other tabs, and consent storage (SPEC W8) copies the keys
 * like any other. The alternatives: the Web Locks API orders the tabs' turns but not localStorage's
 * propagation (the tab granted the lock may still read a stale copy), exists only in secure contexts (many
 * host pages are plain http) and makes every step async; IndexedDB transactions are atomic across tabs, but
 * asynchronous (the session reads its outbox at every frame), fire no storage events (a BroadcastChannel
 * would have to tell the tabs) and cost more of the widget's byte budget.
 *
 * What two tabs may still race on is one message: both change it (a failed mark, its conversation cleared)
 * or one changes it while the other removes it, and the last write wins for that message only. A change
 * rewrites only a message it finds (never one already removed); should a stale copy bring one back anyway,
 * it is resent and the server answers with its first ack (D3), which removes it again.
 */
import type { Attachment, PrechatAnswers } from '../../../shared/protocol';
import type { KeyValue } from '../storage';
import { parseStored } from './stored-session';

export interface OutboxItem {
  clientId: string;
  text: string;
  /** Null for a first message: the server puts it in the visitor's open conversation or starts one. */
  conversationId: string | null;
  /** When it was written; strictly increasing within a tab, so the outbox's order is the order of writing. */
  at: number;
  /** An error code that resending will not fix; the visitor may retry or discard. */
  failed: string | null;
  /** Files uploaded for this message (SPEC W3): their ids go in message.send, the rest shows while it waits. */
  attachments?: Attachment[];
  /** The pre-chat form's answers when this message starts a conversation (SPEC W5): every resend carries them. */
  prechat?: PrechatAnswers;
}

/** More than this many unconfirmed messages and the oldest are dropped from storage (bounded memory). */
export const MAX_OUTBOX = 100;

function isItem(x: unknown): x is OutboxItem {
  const i = x as OutboxItem;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof i.clientId === 'string' &&
    typeof i.text === 'string' &&
    typeof i.at === 'number' &&
    (i.conversationId === null || typeof i.conversationId === 'string') &&
    (i.failed === null || typeof i.failed === 'string')
  );
}

/** One stored message, or null when `raw` is not one. */
export function parseItem(raw: string | null): OutboxItem | null {
  const data = parseStored(raw);
  return isItem(data) ? data : null;
}

/** The outbox as older widgets kept it, one array under the outbox's own key: its well-formed items, in order. */
export function parseOutbox(raw: string | null): OutboxItem[] {
  const data = parseStored(raw);
  return Array.isArray(data) ? data.filter(isItem) : [];
}

/** The order of resending and showing, the same in every tab (D7): by creation time, then clientId. */
export const byCreation = (a: OutboxItem, b: OutboxItem): number =>
  a.at - b.at || (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0);

export class Outbox {
  /** The creation time of this tab's latest message: the next one is later, even within the same ms. */
  #last = 0;

  // #fields rather than TypeScript's `private` parameters: the minifier shortens # names, never property names.
  readonly #storage: KeyValue;
  readonly #key: string;

  constructor(storage: KeyValue, key: string) {
    this.#storage = storage;
    this.#key = key;
  }

  list(): OutboxItem[] {
    this.#migrate();
    const items: OutboxItem[] = [];
    for (const key of this.#storage.keys(`${this.#key}:`)) {
      const item = parseItem(this.#storage.get(key));
      if (item && key === this.#keyOf(item.clientId)) items.push(item);
    }
    return items.sort(byCreation);
  }

  /** Writes a new message (or replaces the one with its clientId); the oldest go past MAX_OUTBOX. */
  add(item: OutboxItem): void {
    this.#last = Math.max(item.at, this.#last + 1);
    this.#put({ ...item, at: this.#last });
    const items = this.list();
    this.#drop(items.slice(0, Math.max(0, items.length - MAX_OUTBOX)));
  }

  update(clientId: string, patch: Partial<Pick<OutboxItem, 'conversationId' | 'failed'>>): OutboxItem | null {
    this.#migrate();
    const found = parseItem(this.#storage.get(this.#keyOf(clientId)));
    if (!found) return null;
    const item = { ...found, ...patch };
    this.#put(item);
    return item;
  }

  /** Removes these client ids; answers whether anything was removed. */
  remove(clientIds: Iterable<string>): boolean {
    this.#migrate();
    let removed = false;
    for (const clientId of clientIds) {
      const key = this.#keyOf(clientId);
      if (this.#storage.get(key) === null) continue;
      this.#storage.remove(key);
      removed = true;
    }
    return removed;
  }

  /** Forgets every message, and anything else stored under the outbox's keys. */
  clear(): void {
    this.#storage.remove(this.#key);
    for (const key of this.#storage.keys(`${this.#key}:`)) this.#storage.remove(key);
  }

  #keyOf(clientId: string): string {
    return `${this.#key}:${clientId}`;
  }

  #put(item: OutboxItem): void {
    this.#storage.set(this.#keyOf(item.clientId), JSON.stringify(item));
  }

  #drop(items: OutboxItem[]): void {
    for (const item of items) this.#storage.remove(this.#keyOf(item.clientId));
  }

  /**
   * An outbox an older widget left (a visitor upgrading mid-conversation, or a tab still running it): each
   * message moves to its own key, keeping its order, and the old key goes. A message already moved stays.
   */
  #migrate(): void {
    const raw = this.#storage.get(this.#key);
    if (raw === null) return;
    let at = 0;
    for (const item of parseOutbox(raw)) {
      at = Math.max(item.at, at + 1);
      if (this.#storage.get(this.#keyOf(item.clientId)) === null) this.#put({ ...item, at });
    }
    this.#storage.remove(this.#key);
  }
}
