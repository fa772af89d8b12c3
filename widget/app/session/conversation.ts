/**
 * @module The current conversation as the visitor's tab holds it: its committed events in sequence order
 * (merged from history and live events, SPEC D5), its status and rating as its events tell them, who is
 * typing (W1), how far each side has seen it (W2), and another conversation shown read-only (W7). Switching
 * conversations drops what belonged to the old one.
 */
import type { ConversationEvent, ConversationStatus, ServerFrame } from '../../../shared/protocol';
import { TYPING_TTL_MS } from '../../../shared/protocol';
import { mergeHistory } from '../../../shared/history';
import type { WidgetHost } from '../../contract';
import type { Messages } from './messages';
import type { Requests } from './requests';
import { isOver, type SessionCore } from './view';

/** News of a conversation ending: never a reason to switch to it (the visitor may have left it already). */
const ENDING_KINDS = new Set(['ended_by_visitor', 'closed', 'rated', 'ticket_created']);
/** The current conversation ended (the host page's `conversation-ended`). */
const ENDED_KINDS = new Set(['ended_by_visitor', 'closed', 'ticket_created']);
/** A `typing: on` goes at most this often while the visitor writes (SPEC W1). */
const TYPING_EVERY_MS = 3000;
/** `seen` waits this long for the next message, so a burst of them is one frame (SPEC W2). */
export const SEEN_AFTER_MS = 500;

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export class Conversation {
  readonly #core: SessionCore;
  readonly #messages: Messages;
  readonly #requests: Requests;
  /** Told of messages and ends (the host page's `Papo.on` events). */
  readonly #host: Pick<WidgetHost, 'emit'>;
  /** The current conversation changed: kept for the next page. */
  readonly #remember: (conversationId: string | null) => void;
  /** The last event this tab holds of the current conversation: the hello resumes after it. */
  #lastSeq = 0;
  /** When this tab last said the visitor is typing; 0: it said it stopped. */
  #typingAt = 0;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #seenTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last conversation `conversation-ended` was emitted for. */
  #ended: string | null = null;

  constructor(core: SessionCore, messages: Messages, requests: Requests, host: Pick<WidgetHost, 'emit'>, remember: (conversationId: string | null) => void) {
    this.#core = core;
    this.#messages = messages;
    this.#requests = requests;
    this.#host = host;
    this.#remember = remember;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Another conversation (or none): what belonged to the old one goes, its open requests too. */
  switchTo(conversationId: string | null, status: ConversationStatus | null): void {
    this.#lastSeq = 0;
    this.#requests.leaveConversation();
    clearTimeout(this.#typingTimer);
    this.#typingAt = 0;
    this.#core.update({ conversationId, events: [], status, ending: false, rating: null, mail: null, typing: null, agentSeen: 0, visitorSeen: 0, latest: null });
    this.#remember(conversationId);
  }

  /** Status and rating as the conversation's events tell them. */
  learn(events: readonly ConversationEvent[]): void {
    const view = this.#core.view;
    let { status, ending, rating } = view;
    for (const e of events) {
      if (e.kind === 'ended_by_visitor' && status !== 'closed') status = 'ended';
      else if (e.kind === 'closed') status = 'closed';
      else if (e.kind === 'reopened') status = 'open';
      else if (e.kind === 'rated') {
        const score = typeof e.data?.score === 'number' ? e.data.score : (rating?.score ?? 0);
        rating = { clientId: rating?.clientId ?? '', state: 'done', code: null, message: null, score };
        if (rating.clientId) this.#requests.drop(rating.clientId);
      }
    }
    if (isOver({ status })) {
      ending = false;
      this.#requests.drop('end');
    }
    if (status !== view.status || ending !== view.ending || rating !== view.rating) this.#core.update({ status, ending, rating });
  }

  /** SPEC W1: the visitor is writing (`on`: said at most every 3 s) or stopped (said once). */
  setTyping(on: boolean): void {
    const conversationId = this.#core.view.conversationId;
    if (!conversationId || isOver(this.#core.view) || (on ? Date.now() - this.#typingAt < TYPING_EVERY_MS : !this.#typingAt)) return;
    this.#typingAt = on ? Date.now() : 0;
    this.#core.send({ type: 'typing', conversationId, on });
  }

  /** SPEC W2: unread drops at once; the `seen` frame goes once a burst of messages has settled (SEEN_AFTER_MS). */
  markSeen(): void {
    const conversationId = this.#core.view.conversationId;
    const seq = this.#lastSeq;
    if (!conversationId || seq <= this.#core.view.visitorSeen) return;
    this.#core.update({ visitorSeen: seq });
    clearTimeout(this.#seenTimer);
    this.#seenTimer = setTimeout(() => this.#core.send({ type: 'seen', conversationId, seq }), SEEN_AFTER_MS);
  }

  /** A seen waiting for its burst names the previous visitor's conversation: never said on the next socket. */
  forgetSeen(): void {
    clearTimeout(this.#seenTimer);
  }

  /** SPEC W7: shows another of the visitor's conversations read-only (its whole history), or none: back. */
  show(id: string | null): void {
    const past = this.#core.view.past;
    if (past) this.#core.send({ type: 'unwatch', conversationId: past.id });
    this.#core.update({ past: id && id !== this.#core.view.conversationId ? { id, events: [] } : null });
    this.watchPast();
  }

  watchPast(): void {
    const past = this.#core.view.past;
    if (past) this.#core.send({ type: 'watch', conversationId: past.id, afterSeq: 0 });
  }

  onHistory(frame: Frame<'history'>): void {
    const past = this.#core.view.past;
    if (frame.conversationId === past?.id) {
      this.#core.update({ past: { id: past.id, events: mergeHistory({ events: past.events, lastSeq: past.events.at(-1)?.seq ?? 0 }, frame).events } });
      return;
    }
    if (frame.conversationId !== this.#core.view.conversationId) return;
    const { events, lastSeq } = mergeHistory({ events: this.#core.view.events, lastSeq: this.#lastSeq }, frame);
    this.#lastSeq = lastSeq;
    this.#messages.confirm(events);
    this.#core.update({ events });
    this.learn(frame.events);
  }

  onEvent({ event }: Frame<'event'>): void {
    const past = this.#core.view.past;
    if (event.conversationId === past?.id) {
      if (event.seq > (past.events.at(-1)?.seq ?? 0)) this.#core.update({ past: { id: past.id, events: [...past.events, event] } });
      return;
    }
    if (event.conversationId !== this.#core.view.conversationId) {
      // A conversation this tab did not hold: this visitor's new one (started here or in another tab),
      // unless the news is its end (say the agent wrapping up one the visitor has left).
      if (ENDING_KINDS.has(event.kind)) return;
      this.switchTo(event.conversationId, 'open');
      if (event.seq !== 1) {
        this.#core.send({ type: 'watch', conversationId: event.conversationId, afterSeq: 0 });
        return;
      }
    }
    if (event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    this.#messages.confirm([event]);
    this.#core.update({ events: [...this.#core.view.events, event] });
    this.learn([event]);
    if (ENDED_KINDS.has(event.kind) && this.#ended !== event.conversationId) {
      this.#ended = event.conversationId;
      this.#host.emit('conversation-ended', { conversationId: event.conversationId });
    }
    if (event.kind === 'message' && event.author.kind !== 'visitor' && event.author.kind !== 'system') {
      this.#core.update({ latest: event, typing: this.#core.view.typing?.id === event.author.id ? null : this.#core.view.typing });
    }
    if (event.kind === 'message' && event.text !== null && event.author.kind !== 'system') {
      this.#host.emit('message', {
        conversationId: event.conversationId,
        text: event.text,
        from: event.author.kind,
        agentName: event.author.kind === 'agent' ? event.author.name : null,
        at: event.at,
      });
    }
  }

  onTyping(frame: Frame<'typing'>): void {
    if (frame.conversationId !== this.#core.view.conversationId || frame.author.kind === 'visitor') return;
    clearTimeout(this.#typingTimer);
    if (frame.on) this.#typingTimer = setTimeout(() => this.#core.update({ typing: null }), TYPING_TTL_MS);
    this.#core.update({ typing: frame.on ? frame.author : null });
  }

  onSeen(frame: Frame<'seen'>): void {
    if (frame.conversationId !== this.#core.view.conversationId) return;
    if (frame.by === 'agent') this.#core.update({ agentSeen: Math.max(this.#core.view.agentSeen, frame.seq) });
    else this.#core.update({ visitorSeen: Math.max(this.#core.view.visitorSeen, frame.seq) });
  }
}
