/**
 * @module The widget's outbox (SPEC D7): messages the visitor sent that the server has not confirmed yet.
 * Kept in storage, which the site's tabs share, and always read before it is changed, so one tab never
 * overwrites what another added. Removed on ack, on the message's own event, or on a final error.
 */
import type { Attachment, PrechatAnswers } from '../../shared/protocol';
import type { KeyValue } from './storage';

export interface OutboxItem {
  clientId: string;
  text: string;
  /** Null for a first message: the server puts it in the visitor's open conversation or starts one. */
  conversationId: string | null;
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

export function parseOutbox(raw: string | null): OutboxItem[] {
  if (!raw) return [];
  try {
    const data: unknown = JSON.parse(raw);
    if (!Array.isArray(data)) return [];
    return data.filter(
      (x): x is OutboxItem =>
        typeof x === 'object' &&
        x !== null &&
        typeof x.clientId === 'string' &&
        typeof x.text === 'string' &&
        typeof x.at === 'number' &&
        (x.conversationId === null || typeof x.conversationId === 'string') &&
        (x.failed === null || typeof x.failed === 'string'),
    );
  } catch {
    return [];
  }
}

export class Outbox {
  constructor(
    private readonly storage: KeyValue,
    private readonly key: string,
  ) {}

  list(): OutboxItem[] {
    return parseOutbox(this.storage.get(this.key));
  }

  add(item: OutboxItem): void {
    const items = this.list().filter((i) => i.clientId !== item.clientId);
    items.push(item);
    this.#save(items.slice(-MAX_OUTBOX));
  }

  update(clientId: string, patch: Partial<Pick<OutboxItem, 'conversationId' | 'failed'>>): OutboxItem | null {
    let found: OutboxItem | null = null;
    const items = this.list().map((i) => (i.clientId === clientId ? (found = { ...i, ...patch }) : i));
    if (found) this.#save(items);
    return found;
  }

  /** Removes these client ids; answers whether anything was removed. */
  remove(clientIds: Iterable<string>): boolean {
    const gone = new Set(clientIds);
    if (gone.size === 0) return false;
    const items = this.list();
    const kept = items.filter((i) => !gone.has(i.clientId));
    if (kept.length === items.length) return false;
    this.#save(kept);
    return true;
  }

  #save(items: OutboxItem[]): void {
    if (items.length === 0) this.storage.remove(this.key);
    else this.storage.set(this.key, JSON.stringify(items));
  }
}
