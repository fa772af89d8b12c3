/**
 * The socket's life (socket-state.ts): every transition from every state, as a table. Pure; the scenarios
 * that drive a real socket through these states are in server/test (resume, races, reconnect storms).
 */
import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../bus/bus';
import { AWAITING_HELLO, helloEnded, helloStarted, liveOf, socketClosed, welcomed, type LiveState, type SocketState } from './socket-state';

interface Live extends LiveState {
  readonly name: string;
}

const live: Live = { kind: 'live', name: 'session' };
const pending: BusMessage[] = [{ removed: true, siteId: 's1', visitorId: 'v1', conversationId: 'c1' }];

const states = {
  'awaiting-hello': AWAITING_HELLO,
  welcoming: { kind: 'welcoming', pending },
  resuming: { kind: 'resuming', pending, live },
  live,
  'closed (never welcomed)': { kind: 'closed', live: null },
  'closed (welcomed)': { kind: 'closed', live },
} satisfies Record<string, SocketState<Live>>;

type Name = keyof typeof states;
const other: Live = { kind: 'live', name: 'other' };

describe('socket state transitions', () => {
  // state before, then the state after each event ('same': the very same object)
  type After = SocketState<Live> | 'same';
  const table: Array<[Name, { hello: After; welcomed: After; helloEnded: After; closed: After }]> = [
    ['awaiting-hello', { hello: { kind: 'welcoming', pending: [] }, welcomed: 'same', helloEnded: 'same', closed: { kind: 'closed', live: null } }],
    ['welcoming', { hello: 'same', welcomed: { kind: 'resuming', pending, live: other }, helloEnded: AWAITING_HELLO, closed: { kind: 'closed', live: null } }],
    ['resuming', { hello: 'same', welcomed: 'same', helloEnded: live, closed: { kind: 'closed', live } }],
    ['live', { hello: 'same', welcomed: 'same', helloEnded: 'same', closed: { kind: 'closed', live } }],
    ['closed (never welcomed)', { hello: 'same', welcomed: 'same', helloEnded: 'same', closed: 'same' }],
    ['closed (welcomed)', { hello: 'same', welcomed: 'same', helloEnded: 'same', closed: 'same' }],
  ];

  it.each(table)('from %s', (name, after) => {
    const before: SocketState<Live> = states[name];
    const results = {
      hello: helloStarted(before),
      welcomed: welcomed(before, other),
      helloEnded: helloEnded(before),
      closed: socketClosed(before),
    };
    for (const event of ['hello', 'welcomed', 'helloEnded', 'closed'] as const) {
      const expected = after[event];
      if (expected === 'same') expect(results[event], event).toBe(before);
      else expect(results[event], event).toEqual(expected);
    }
  });

  it('the buffer that waited while welcoming is the one drained when the resume ends', () => {
    const waiting = helloStarted<Live>(AWAITING_HELLO);
    if (waiting.kind !== 'welcoming') throw new Error(waiting.kind);
    const resuming = welcomed(waiting, live);
    expect(resuming.kind === 'resuming' && resuming.pending).toBe(waiting.pending);
    expect(helloEnded(resuming)).toBe(live);
  });

  it('a hello starts a buffer of its own for every socket', () => {
    const a = helloStarted<Live>(AWAITING_HELLO);
    const b = helloStarted<Live>(AWAITING_HELLO);
    expect(a.kind === 'welcoming' && b.kind === 'welcoming' && a.pending !== b.pending).toBe(true);
  });
});

describe('the session of a state', () => {
  it.each([
    ['awaiting-hello', null],
    ['welcoming', null],
    ['resuming', live],
    ['live', live],
    ['closed (never welcomed)', null],
    ['closed (welcomed)', live],
  ] satisfies Array<[Name, Live | null]>)('%s: %o', (name, session) => {
    expect(liveOf<Live>(states[name])).toBe(session);
  });
});
