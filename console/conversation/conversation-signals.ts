/**
 * @module The console's side of typing and seen (SPEC W1, W2), without UI: whether the visitor is typing in
 * a conversation, what it has seen, and the agent's own `typing` and `seen` frames, thinned out. AgentSession
 * owns one and hands it the frames; the clock and the timers are injected so tests run on fake time.
 */
import { TYPING_TTL_MS, type ClientFrame, type ConversationEvent, type ServerFrame } from '../../shared/protocol';

/** The agent's `typing: on` goes out at most this often while the draft changes (SPEC W1: every 3 s). */
export const TYPING_SEND_EVERY_MS = 3000;
/** The agent's `seen` goes out at most this often per conversation; the newest sequence then follows. */
export const SEEN_SEND_EVERY_MS = 1000;

type TypingFrame = Extract<ServerFrame, { type: 'typing' }>;
type SeenFrame = Extract<ServerFrame, { type: 'seen' }>;

export interface SignalTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: SignalTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ConversationSignals {
  /** Conversations whose visitor is typing now, with the timer that ends it after TYPING_TTL_MS. */
  readonly #typing = new Map<string, unknown>();
  /** Highest sequence the visitor has seen, per conversation, from `seen` frames. */
  readonly #visitorSeen = new Map<string, number>();
  /** Highest sequence the agents have seen (this console's own frames and other agents'). */
  readonly #agentSeen = new Map<string, number>();
  /** The conversation this console last said `typing: on` for, and when. */
  #typingSent: { conversationId: string; at: number } | null = null;
  /** Per conversation: when the last `seen` went out, and the timer that sends the newest one later. */
  readonly #seenSent = new Map<string, { at: number; timer: unknown; seq: number }>();

  constructor(
    private readonly send: (frame: ClientFrame) => void,
    /** Called when what `visitorTyping` or `visitorSeen` answers may have changed. */
    private readonly changed: () => void,
    private readonly now: () => number,
    private readonly timers: SignalTimers = realTimers,
  ) {}

  // -------------------------------------------------------------------------------------------------------
  // What the view shows

  visitorTyping(conversationId: string | null): boolean {
    return conversationId !== null && this.#typing.has(conversationId);
  }

  /** What the visitor has seen: the newest of the summary's mark and the `seen` frames since. */
  visitorSeen(conversationId: string | null, summarySeq = 0): number {
    if (conversationId === null) return 0;
    return Math.max(summarySeq, this.#visitorSeen.get(conversationId) ?? 0);
  }

  // -------------------------------------------------------------------------------------------------------
  // Frames from the server

  /** A `typing` frame: the visitor's shows or hides the indicator (agents' typing is not shown). */
  typingFrame(frame: TypingFrame): void {
    if (frame.author.kind !== 'visitor') return;
    if (frame.on) {
      this.#stopTyping(frame.conversationId, false);
      this.#typing.set(
        frame.conversationId,
        this.timers.setTimeout(() => this.#stopTyping(frame.conversationId), TYPING_TTL_MS),
      );
      this.changed();
    } else {
      this.#stopTyping(frame.conversationId);
    }
  }

  /** SPEC W1: the visitor's next message ends its typing indicator. */
  visitorMessage(conversationId: string): void {
    this.#stopTyping(conversationId);
  }

  seenFrame(frame: SeenFrame): void {
    const marks = frame.by === 'visitor' ? this.#visitorSeen : this.#agentSeen;
    if ((marks.get(frame.conversationId) ?? 0) >= frame.seq) return;
    marks.set(frame.conversationId, frame.seq);
    if (frame.by === 'visitor') this.changed();
  }

  // -------------------------------------------------------------------------------------------------------
  // This agent

  /**
   * The reply draft changed (`on`: it holds text) or was sent or emptied (`on: false`). Replies only: the
   * composer does not call this for private notes. `on` goes out when typing starts and then at most every
   * TYPING_SEND_EVERY_MS; `off` only after an `on`.
   */
  typing(conversationId: string, on: boolean): void {
    const sent = this.#typingSent;
    if (!on) {
      if (sent) this.#typingOff();
      return;
    }
    if (sent && sent.conversationId !== conversationId) this.#typingOff();
    const at = this.now();
    if (this.#typingSent && at - this.#typingSent.at < TYPING_SEND_EVERY_MS) return;
    this.#typingSent = { conversationId, at };
    this.send({ type: 'typing', conversationId, on: true });
  }

  /** The agent left the conversation on screen (another one, none, or it is gone): its typing ends. */
  left(conversationId: string): void {
    if (this.#typingSent?.conversationId === conversationId) this.#typingOff();
    this.#stopTyping(conversationId, false);
  }

  /**
   * The agent has `seq` of the conversation on screen in a focused window (SPEC W2). Sent when above what
   * the agents have seen (`summarySeq`, and frames since); at most every SEEN_SEND_EVERY_MS per
   * conversation, the newest one following when the time is up.
   */
  seen(conversationId: string, seq: number, summarySeq = 0): void {
    const known = Math.max(summarySeq, this.#agentSeen.get(conversationId) ?? 0);
    const last = this.#seenSent.get(conversationId);
    if (seq <= known || (last && seq <= last.seq)) return;
    const at = this.now();
    if (last && at - last.at < SEEN_SEND_EVERY_MS) {
      last.seq = seq;
      last.timer ??= this.timers.setTimeout(() => {
        last.timer = undefined;
        this.#sendSeen(conversationId, last.seq);
      }, last.at + SEEN_SEND_EVERY_MS - at);
      return;
    }
    this.#sendSeen(conversationId, seq);
  }

  /** Stops every timer (the session stops). */
  dispose(): void {
    for (const timer of this.#typing.values()) this.timers.clearTimeout(timer);
    this.#typing.clear();
    for (const s of this.#seenSent.values()) if (s.timer !== undefined) this.timers.clearTimeout(s.timer);
    this.#seenSent.clear();
  }

  #sendSeen(conversationId: string, seq: number): void {
    const previous = this.#seenSent.get(conversationId);
    if (previous?.timer !== undefined) this.timers.clearTimeout(previous.timer);
    this.#seenSent.set(conversationId, { at: this.now(), timer: undefined, seq });
    if ((this.#agentSeen.get(conversationId) ?? 0) < seq) this.#agentSeen.set(conversationId, seq);
    this.send({ type: 'seen', conversationId, seq });
  }

  #typingOff(): void {
    const sent = this.#typingSent;
    if (!sent) return;
    this.#typingSent = null;
    this.send({ type: 'typing', conversationId: sent.conversationId, on: false });
  }

  #stopTyping(conversationId: string, notify = true): void {
    if (!this.#typing.has(conversationId)) return;
    this.timers.clearTimeout(this.#typing.get(conversationId));
    this.#typing.delete(conversationId);
    if (notify) this.changed();
  }
}

/** SPEC W2: the sequence of the newest agent message the visitor has seen ("Seen" goes under it), or null. */
export function lastSeenReply(events: readonly ConversationEvent[], visitorSeenSeq: number): number | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.seq <= visitorSeenSeq && e.kind === 'message' && e.author.kind === 'agent') return e.seq;
  }
  return null;
}
