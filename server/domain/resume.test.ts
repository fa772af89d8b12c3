import { describe, expect, it } from 'vitest';
import { MAX_REPLAY_EVENTS } from '../../shared/limits';
import { planResume, type ResumePlan } from './resume';

const M = MAX_REPLAY_EVENTS;
const replay = (afterSeq: number): ResumePlan => ({ kind: 'replay', afterSeq });
const snapshot: ResumePlan = { kind: 'snapshot' };

describe('planResume', () => {
  it('D6: MAX_REPLAY_EVENTS is 500', () => {
    expect(M).toBe(500);
  });

  it.each<[string, number, number, ResumePlan]>([
    ['D6: a client holding nothing (afterSeq 0) gets a snapshot', 0, 10, snapshot],
    ['D6: afterSeq 0 on an empty conversation is a snapshot', 0, 0, snapshot],
    ['D6: a negative afterSeq is a snapshot', -1, 10, snapshot],
    ['D5: one event behind is a replay', 9, 10, replay(9)],
    ['D5: the doc example: 10 of 12 is a replay', 10, 12, replay(10)],
    ['D5: a client up to date gets an (empty) replay', 10, 10, replay(10)],
    ['D5: afterSeq 1 of 1 is a replay', 1, 1, replay(1)],
    ['D5: exactly MAX_REPLAY_EVENTS behind is a replay', 1, 1 + M, replay(1)],
    ['D5: exactly MAX_REPLAY_EVENTS behind, far into the log', 10_000, 10_000 + M, replay(10_000)],
    ['D5: MAX_REPLAY_EVENTS - 1 behind is a replay', 2, 1 + M, replay(2)],
    ['D6: MAX_REPLAY_EVENTS + 1 behind is a snapshot', 1, 2 + M, snapshot],
    ['D6: MAX_REPLAY_EVENTS + 1 behind, far into the log', 10_000, 10_001 + M, snapshot],
    ['D6: far behind is a snapshot', 1, 100_000, snapshot],
    ['D6: a client ahead of the server gets a snapshot', 11, 10, snapshot],
    ['D6: a client holding a seq of an emptied conversation gets a snapshot', 5, 0, snapshot],
    ['D6: a client far ahead gets a snapshot', 1_000_000, 3, snapshot],
  ])('%s (afterSeq %i, lastSeq %i)', (_name, afterSeq, lastSeq, expected) => {
    expect(planResume(afterSeq, lastSeq)).toEqual(expected);
  });

  it.each<[number, number, number, ResumePlan]>([
    [5, 10, 5, replay(5)],
    [4, 10, 5, snapshot],
    [10, 10, 0, replay(10)],
    [9, 10, 0, snapshot],
  ])('D5/D6: afterSeq %i, lastSeq %i, maxReplay %i', (afterSeq, lastSeq, maxReplay, expected) => {
    expect(planResume(afterSeq, lastSeq, maxReplay)).toEqual(expected);
  });
});
