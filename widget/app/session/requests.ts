/**
 * @module The session's requests besides messages, each waiting for its answer by a key (its clientId, or
 * `end` and `list`, whose frames carry none): the leave-a-message form (SPEC T1), the end of a chat (R8),
 * the rating (T5), the transcript e-mail (T6) and the conversation list (W7). Every one not answered goes
 * again after each welcome; a passing error resends it later (SPEC D7).
 */
import type { ClientFrame } from '../../../shared/protocol';
import { newClientId } from '../../../shared/uuid';
import { MAX_RESEND_WAIT_MS, PASSING_ERRORS, resendDelay } from './resend';
import { sending, type Request, type SessionCore } from './view';

/** What answers a request: the `ticket` frame's number, `done`, or an error. */
export interface Answer {
  number?: number;
  code?: string;
  message?: string;
  retryAfterMs?: number;
}

export class Requests {
  readonly #core: SessionCore;
  /** Requests not answered yet, by key: resent after every welcome. */
  readonly #pending = new Map<string, ClientFrame>();

  constructor(core: SessionCore) {
    this.#core = core;
  }

  /** A form sent on an earlier page and not answered: it goes again, with its clientId (SPEC T1, T7). */
  restore(ticket: Extract<ClientFrame, { type: 'ticket.create' }>): void {
    this.#pending.set(ticket.clientId, ticket);
  }

  /** SPEC T1: every submission is a new clientId, kept (also in storage) for its resends until answered. */
  ticket(fields: Record<string, string>): void {
    const frame: ClientFrame = { type: 'ticket.create', clientId: newClientId(), fields };
    this.#core.storage.set(this.#core.keys.ticket, JSON.stringify(frame));
    this.#core.update({ ticket: { ...sending(frame.clientId), number: null } });
    this.#open(frame.clientId, frame);
  }

  end(conversationId: string): void {
    this.#core.update({ ending: true });
    this.#open('end', { type: 'conversation.end', conversationId });
  }

  rate(conversationId: string, score: number, comment: string): void {
    const clientId = newClientId();
    const text = comment.trim();
    this.#core.update({ rating: { ...sending(clientId), score } });
    this.#open(clientId, { type: 'conversation.rate', clientId, conversationId, score, ...(text ? { comment: text.slice(0, 1000) } : {}) });
  }

  /** The transcript by e-mail (SPEC T6), or (issue 15, `ticket`) the address the chat's ticket answers. */
  mail(conversationId: string, email: string, ticket?: boolean): void {
    const clientId = newClientId();
    this.#core.update({ mail: { ...sending(clientId), email } });
    this.#open(clientId, { type: ticket ? 'ticket.email' : 'transcript.email', clientId, conversationId, email });
  }

  list(): void {
    this.#open('list', { type: 'conversations.list', clientId: newClientId() });
  }

  /** After a welcome: every request not answered goes again. */
  resend(): void {
    for (const request of this.#pending.values()) this.#core.send(request);
  }

  /** The request `key` needs no answer any more (answered otherwise, or given up). */
  drop(key: string): void {
    this.#pending.delete(key);
  }

  /** Another conversation: its requests go; the form, which belongs to none, stays. */
  leaveConversation(): void {
    for (const [key, frame] of this.#pending) if (frame.type !== 'ticket.create') this.#pending.delete(key);
  }

  clear(): void {
    this.#pending.clear();
  }

  /** An answer (or a final error) for the request `clientId`; false when it is not one of ours. */
  settle(clientId: string, answer: Answer): boolean {
    const { ticket, rating, mail } = this.#core.view;
    const is = (r: Request | null) => r !== null && r.clientId === clientId;
    let code = answer.code ?? null;
    if (code && PASSING_ERRORS.has(code) && this.#pending.has(clientId) && !((answer.retryAfterMs ?? 0) > MAX_RESEND_WAIT_MS)) {
      setTimeout(() => {
        const frame = this.#pending.get(clientId);
        if (frame) this.#core.send(frame);
      }, resendDelay(code, answer.retryAfterMs));
      return true;
    }
    // A rating refused as a conflict: rated already (another tab, an earlier page), as good as done.
    if (code === 'conflict' && is(rating)) code = null;
    const state: Request = { clientId, state: code ? 'failed' : 'done', code, message: code ? (answer.message ?? null) : null };
    if (is(ticket)) {
      this.#core.storage.remove(this.#core.keys.ticket);
      this.#core.update({ ticket: { ...state, number: answer.number ?? null } });
    } else if (is(rating)) {
      this.#core.update({ rating: { ...state, score: rating!.score } });
    } else if (is(mail)) {
      this.#core.update({ mail: { ...state, email: mail!.email } });
    } else {
      return false;
    }
    this.#pending.delete(clientId);
    return true;
  }

  #open(key: string, frame: ClientFrame): void {
    this.#pending.set(key, frame);
    this.#core.send(frame);
  }
}
