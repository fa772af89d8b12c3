import { describe, expect, it } from 'vitest';
import { mergeHistory } from './history';
import type { ConversationEvent } from './protocol';

const ev = (seq: number): ConversationEvent => ({
  conversationId: 'c1',
  seq,
  kind: 'message',
  author: { kind: 'visitor', id: 'v1', name: null },
  clientId: null,
  text: `m${seq}`,
  at: seq,
});
const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const held = (from: number, to: number) => ({ events: seqs(from, to).map(ev), lastSeq: to });

describe('mergeHistory', () => {
  it.each<[string, ReturnType<typeof held>, { events: number[]; reset: boolean; lastSeq: number }, number[], number]>([
    ['D5: a replay appends what is newer', held(1, 3), { events: [4, 5], reset: false, lastSeq: 5 }, seqs(1, 5), 5],
    ['D5: a replay overlapping what is held repeats nothing', held(1, 3), { events: [2, 3, 4], reset: false, lastSeq: 4 }, seqs(1, 4), 4],
    ['D5: an empty replay keeps what is held', held(1, 3), { events: [], reset: false, lastSeq: 3 }, seqs(1, 3), 3],
    ['D6: a reset replaces what is held', held(1, 3), { events: [8, 9], reset: true, lastSeq: 9 }, [8, 9], 9],
    ['D6: a reset from a database that is behind lowers the resume point', held(1, 9), { events: [1, 2], reset: true, lastSeq: 2 }, [1, 2], 2],
    ['D11: hidden events after the last visible one still move the resume point', held(1, 3), { events: [4], reset: false, lastSeq: 6 }, seqs(1, 4), 6],
    ['D6: a reset of an empty conversation holds nothing', held(1, 3), { events: [], reset: true, lastSeq: 0 }, [], 0],
  ])('%s', (_name, before, frame, events, lastSeq) => {
    const after = mergeHistory(before, { ...frame, events: frame.events.map(ev) });
    expect(after.events.map((e) => e.seq)).toEqual(events);
    expect(after.lastSeq).toBe(lastSeq);
  });
});
