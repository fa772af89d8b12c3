import { describe, expect, it } from 'vitest';
import type { Author, ConversationEvent } from '../../shared/protocol';
import { firstResponseMs, median, queuePositions } from './waiting';

const VISITOR: Author = { kind: 'visitor', id: 'v1', name: null };
const ANA: Author = { kind: 'agent', id: 'a1', name: 'Ana' };
const BOT: Author = { kind: 'bot', id: 'bot', name: 'Robô' };
const SYSTEM: Author = { kind: 'system', id: null, name: null };

let seq = 0;
const ev = (kind: string, author: Author, at: number): ConversationEvent => ({ conversationId: 'c', seq: ++seq, kind, author, clientId: null, text: kind === 'message' ? 'oi' : null, at });

describe('issue 15: firstResponseMs', () => {
  it.each<[string, ConversationEvent[], number | null]>([
    ['nothing yet', [], null],
    ['the visitor asked, nobody answered', [ev('created', VISITOR, 0), ev('message', VISITOR, 1000)], null],
    ['an agent answered a minute later', [ev('message', VISITOR, 1000), ev('assigned', ANA, 30_000), ev('message', ANA, 61_000)], 60_000],
    ['from the first visitor message, not a later one', [ev('message', VISITOR, 1000), ev('message', VISITOR, 50_000), ev('message', ANA, 61_000)], 60_000],
    ['a bot reply is not a first response', [ev('message', VISITOR, 0), ev('message', BOT, 10), ev('message', ANA, 9000)], 9000],
    ['a note or a system event is not one either', [ev('message', VISITOR, 0), ev('note', ANA, 10), ev('closed', SYSTEM, 20)], null],
    ['a proactive chat (the agent wrote first) answers no one', [ev('message', ANA, 0), ev('message', VISITOR, 10), ev('message', ANA, 20)], null],
    ['clocks a little apart never give a negative time', [ev('message', VISITOR, 1000), ev('message', ANA, 990)], 0],
  ])('%s', (_name, events, ms) => {
    expect(firstResponseMs(events)).toBe(ms);
  });
});

describe('issue 15: median', () => {
  it.each<[number[], number | null]>([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 3],
    [[1, 2], 2],
    [[60_000, 600_000, 45_000, 90_000, 3_600_000], 90_000],
  ])('median(%j) = %s', (samples, m) => {
    expect(median(samples)).toBe(m);
  });
});

describe('issue 15: queuePositions', () => {
  it('counts each site and queue apart, in the routing order given', () => {
    const positions = queuePositions([
      { id: 'a', siteId: 's1', queueId: 'q1' },
      { id: 'b', siteId: 's1', queueId: 'q2' },
      { id: 'c', siteId: 's1', queueId: 'q1' },
      { id: 'd', siteId: 's2', queueId: 'q1' },
      { id: 'e', siteId: 's1', queueId: null },
      { id: 'f', siteId: 's1', queueId: 'q1' },
    ]);
    expect(Object.fromEntries(positions)).toEqual({ a: 1, b: 1, c: 2, d: 1, e: 1, f: 3 });
  });
});
