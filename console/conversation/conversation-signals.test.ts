/** The console's typing and seen (SPEC W1, W2): what it shows and what it sends, on fake time. */
import { describe, expect, it } from 'vitest';
import { TYPING_TTL_MS, type ClientFrame, type ConversationEvent } from '../../shared/protocol';
import { ConversationSignals, lastSeenReply, SEEN_SEND_EVERY_MS, TYPING_SEND_EVERY_MS } from './conversation-signals';

/** A manual clock and timers: `advance` runs what falls due, in order. */
function fakeTime() {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const id = next++;
        due.set(id, { at: now + ms, fn });
        return id;
      },
      clearTimeout: (id: unknown) => void due.delete(id as number),
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const first = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!first) break;
        due.delete(first[0]);
        now = first[1].at;
        first[1].fn();
      }
      now = until;
    },
    pending: () => due.size,
  };
}

function setup() {
  const time = fakeTime();
  const sent: ClientFrame[] = [];
  let changes = 0;
  const signals = new ConversationSignals((f) => sent.push(f), () => changes++, time.now, time.timers);
  return { signals, sent, time, changes: () => changes };
}

const visitorTyping = (conversationId: string, on: boolean) =>
  ({ type: 'typing', conversationId, author: { kind: 'visitor', id: 'v1', name: null }, on }) as const;

describe('W1: the visitor typing indicator', () => {
  it('shows on `on`, hides on `off`, per conversation', () => {
    const { signals, changes } = setup();
    signals.typingFrame(visitorTyping('c1', true));
    expect([signals.visitorTyping('c1'), signals.visitorTyping('c2'), signals.visitorTyping(null)]).toEqual([true, false, false]);
    signals.typingFrame(visitorTyping('c1', false));
    expect(signals.visitorTyping('c1')).toBe(false);
    expect(changes()).toBe(2);
  });

  it('expires TYPING_TTL_MS after the last `on`; each `on` starts the time again', () => {
    const { signals, time } = setup();
    signals.typingFrame(visitorTyping('c1', true));
    time.advance(TYPING_TTL_MS - 1000);
    signals.typingFrame(visitorTyping('c1', true));
    time.advance(TYPING_TTL_MS - 1);
    expect(signals.visitorTyping('c1')).toBe(true);
    time.advance(1);
    expect(signals.visitorTyping('c1')).toBe(false);
    expect(time.pending()).toBe(0);
  });

  it("ends with the visitor's next message, and ignores agents' typing", () => {
    const { signals } = setup();
    signals.typingFrame(visitorTyping('c1', true));
    signals.visitorMessage('c1');
    expect(signals.visitorTyping('c1')).toBe(false);
    signals.typingFrame({ type: 'typing', conversationId: 'c1', author: { kind: 'agent', id: 'a2', name: 'Bia' }, on: true });
    expect(signals.visitorTyping('c1')).toBe(false);
  });
});

describe('W1: the agent typing', () => {
  it('sends on when typing starts, again at most every 3 s, and off once when the draft is sent or emptied', () => {
    const { signals, sent, time } = setup();
    signals.typing('c1', true);
    time.advance(1000);
    signals.typing('c1', true);
    time.advance(TYPING_SEND_EVERY_MS - 1000);
    signals.typing('c1', true);
    signals.typing('c1', false);
    signals.typing('c1', false);
    expect(sent).toEqual([
      { type: 'typing', conversationId: 'c1', on: true },
      { type: 'typing', conversationId: 'c1', on: true },
      { type: 'typing', conversationId: 'c1', on: false },
    ]);
  });

  it('an off without an on before it sends nothing', () => {
    const { signals, sent } = setup();
    signals.typing('c1', false);
    expect(sent).toEqual([]);
  });

  it('leaving the conversation, or typing in another, ends the typing where it was', () => {
    const { signals, sent } = setup();
    signals.typing('c1', true);
    signals.typing('c2', true);
    signals.left('c2');
    signals.left('c1');
    expect(sent).toEqual([
      { type: 'typing', conversationId: 'c1', on: true },
      { type: 'typing', conversationId: 'c1', on: false },
      { type: 'typing', conversationId: 'c2', on: true },
      { type: 'typing', conversationId: 'c2', on: false },
    ]);
  });
});

describe('W2: seen', () => {
  it('the visitor mark is the newest of the summary and the frames; lower frames change nothing', () => {
    const { signals, changes } = setup();
    expect(signals.visitorSeen('c1', 3)).toBe(3);
    signals.seenFrame({ type: 'seen', conversationId: 'c1', by: 'visitor', seq: 5 });
    signals.seenFrame({ type: 'seen', conversationId: 'c1', by: 'visitor', seq: 4 });
    expect(signals.visitorSeen('c1', 3)).toBe(5);
    expect(signals.visitorSeen('c1', 7)).toBe(7);
    expect(signals.visitorSeen(null)).toBe(0);
    expect(changes()).toBe(1);
  });

  it('sends seen above what the agents have seen, at most once a second, the newest following', () => {
    const { signals, sent, time } = setup();
    signals.seen('c1', 4, 4); // the summary says the agents saw 4 already
    signals.seen('c1', 5, 4);
    signals.seen('c1', 6, 4);
    signals.seen('c1', 7, 4);
    expect(sent).toEqual([{ type: 'seen', conversationId: 'c1', seq: 5 }]);
    time.advance(SEEN_SEND_EVERY_MS);
    expect(sent.at(-1)).toEqual({ type: 'seen', conversationId: 'c1', seq: 7 });
    expect(sent).toHaveLength(2);
    time.advance(10 * SEEN_SEND_EVERY_MS);
    expect(sent).toHaveLength(2);
    // Another agent's seen frame raises the mark: nothing below it is sent.
    signals.seenFrame({ type: 'seen', conversationId: 'c1', by: 'agent', seq: 9 });
    signals.seen('c1', 9, 4);
    expect(sent).toHaveLength(2);
  });

  it('dispose stops every timer', () => {
    const { signals, time } = setup();
    signals.typingFrame(visitorTyping('c1', true));
    signals.seen('c1', 1);
    signals.seen('c1', 2);
    signals.dispose();
    expect(time.pending()).toBe(0);
  });
});

describe('W2: lastSeenReply ("Seen" under the newest agent message the visitor has seen)', () => {
  const e = (seq: number, kind: string, author: 'visitor' | 'agent' | 'bot'): ConversationEvent => ({
    conversationId: 'c1',
    seq,
    kind,
    author: { kind: author, id: author === 'agent' ? 'a1' : null, name: null },
    clientId: null,
    text: 'x',
    at: seq,
  });
  const log = [e(1, 'created', 'visitor'), e(2, 'message', 'visitor'), e(3, 'message', 'agent'), e(4, 'note', 'agent'), e(5, 'message', 'agent'), e(6, 'message', 'bot')];
  it.each([
    [0, null],
    [2, null],
    [3, 3],
    [4, 3], // a note is not a reply the visitor sees
    [5, 5],
    [6, 5], // nor is a bot message the agent's
    [99, 5],
  ])('visitor seen up to %i: under %s', (seen, expected) => {
    expect(lastSeenReply(log, seen)).toBe(expected);
  });
});
