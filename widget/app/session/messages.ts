/**
 * @module The visitor's messages on their way (SPEC D7): into the outbox first, then onto the socket; resent
 * after every welcome and after a passing error, marked failed after a final one, removed by their ack or
 * by their own event (the ack may have been lost with a connection).
 */
import type { ConversationEvent } from '../../../shared/protocol';
import { newClientId } from '../../../shared/uuid';
import type { Outbox, OutboxItem } from './outbox';
import { FINAL_ERRORS, resendDelay } from './resend';
import type { SessionCore } from './view';

export class Messages {
  readonly #core: SessionCore;
  readonly #outbox: Outbox;

  constructor(core: SessionCore, outbox: Outbox) {
    this.#core = core;
    this.#outbox = outbox;
  }

  /** The outbox into the view, after any change to it (here, or in another tab). */
  show(): void {
    this.#core.update({ outbox: this.#outbox.list() });
  }

  /** A new message for `conversationId` (null: the server puts it in the open conversation or starts one). */
  send(text: string, conversationId: string | null, extra?: Pick<OutboxItem, 'attachments' | 'prechat'>): void {
    const item: OutboxItem = { clientId: newClientId(), text, conversationId, at: Date.now(), failed: null, ...extra };
    this.#outbox.add(item);
    this.show();
    this.#transmit(item);
  }

  retry(clientId: string): void {
    const item = this.#outbox.update(clientId, { failed: null });
    this.show();
    if (item) this.#transmit(item);
  }

  discard(clientId: string): void {
    this.#outbox.remove([clientId]);
    this.show();
  }

  /** After a welcome: everything not confirmed and not failed goes again, in order. */
  resend(): void {
    for (const item of this.#outbox.list()) if (!item.failed) this.#transmit(item);
  }

  /** The server confirmed `clientId`. */
  acked(clientId: string): void {
    if (this.#outbox.remove([clientId])) this.show();
  }

  /** Messages whose events arrived are confirmed even if their ack went missing. */
  confirm(events: readonly ConversationEvent[]): void {
    const ids = events.flatMap((e) => (e.clientId ? [e.clientId] : []));
    if (this.#outbox.remove(ids)) this.show();
  }

  /** The visitor's token was refused: what is unsent goes to the new visitor's first conversation instead (then `show`). */
  readdress(): void {
    for (const item of this.#outbox.list()) this.#outbox.update(item.clientId, { conversationId: null });
  }

  clear(): void {
    this.#outbox.clear();
  }

  /** An error naming `clientId`, which is not one of the session's requests: one of these messages. */
  refused(clientId: string, code: string, retryAfterMs?: number): void {
    if (code === 'conversation_closed' || code === 'conversation_not_found') {
      // That conversation ended, or this server does not have it (another or a restored database): the
      // message goes to the visitor's open conversation, or starts one. It can never be hidden under a
      // conversation the widget no longer shows.
      const item = this.#outbox.update(clientId, { conversationId: null });
      this.show();
      if (item) this.#transmit(item);
      return;
    }
    if (FINAL_ERRORS.has(code)) {
      this.#outbox.update(clientId, { failed: code });
      this.show();
      return;
    }
    setTimeout(() => {
      const item = this.#outbox.list().find((i) => i.clientId === clientId);
      if (item && !item.failed) this.#transmit(item);
    }, resendDelay(code, retryAfterMs));
  }

  #transmit(item: OutboxItem): void {
    this.#core.send({
      type: 'message.send',
      clientId: item.clientId,
      text: item.text,
      ...(item.conversationId ? { conversationId: item.conversationId } : {}),
      attachments: item.attachments?.map((a) => a.id),
      prechat: item.prechat,
    });
  }
}
