/**
 * The socket's life (socket-state.ts): every transition from every state, as a table. Pure; the scenarios
 * that drive a real socket through these states are in server/test (resume, races, reconnect storms).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusMessage } from '../bus/bus';
import { AWAITING_HELLO, closeChosen, helloEnded, helloStarted, liveOf, socketClosed, welcomed, type LiveState, type SocketState } from './socket-state';

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
  'closing (never welcomed)': { kind: 'closing', live: null, sessionEnded: false },
  'closing (never welcomed, session ended)': { kind: 'closing', live: null, sessionEnded: true },
  'closing (welcomed)': { kind: 'closing', live, sessionEnded: false },
  'closing (welcomed, session ended)': { kind: 'closing', live, sessionEnded: true },
  'closed (never welcomed)': { kind: 'closed', live: null },
  'closed (welcomed)': { kind: 'closed', live },
} satisfies Record<string, SocketState<Live>>;

type Name = keyof typeof states;
const other: Live = { kind: 'live', name: 'other' };
const events = ['hello', 'welcomed', 'helloEnded', 'close', 'sessionEnd', 'closed'] as const;
type Event = (typeof events)[number];

const transition = { hello: 'helloStarted', welcomed: 'welcomed', helloEnded: 'helloEnded', close: 'closeChosen', sessionEnd: 'closeChosen', closed: 'socketClosed' } satisfies Record<Event, string>;

function apply(event: Event, before: SocketState<Live>): SocketState<Live> {
  switch (event) {
    case 'hello':
      return helloStarted(before);
    case 'welcomed':
      return welcomed(before, other);
    case 'helloEnded':
      return helloEnded(before);
    case 'close':
      return closeChosen(before);
    case 'sessionEnd':
      return closeChosen(before, true);
    case 'closed':
      return socketClosed(before);
  }
}

// State before, then the state after each event ('same': the very same object; 'impossible': the transport
// never asks for it (socket-state.ts `impossible`): a throw under Vitest, else the very same object, or the
// state given). `close`: the transport chose to close; `sessionEnd`: it did because the agent's session ended;
// `closed`: the socket's close event.
type After = SocketState<Live> | 'same' | 'impossible' | { impossible: SocketState<Live> };
const closingNone = { kind: 'closing', live: null, sessionEnded: false } as const;
const closingNoneEnded = { kind: 'closing', live: null, sessionEnded: true } as const;
const table: Array<[Name, Record<Event, After>]> = [
  [
    'awaiting-hello',
    {
      hello: { kind: 'welcoming', pending: [] },
      welcomed: 'impossible',
      helloEnded: 'impossible',
      close: closingNone,
      sessionEnd: closingNoneEnded,
      closed: { kind: 'closed', live: null },
    },
  ],
  [
    'welcoming',
    {
      hello: 'impossible',
      welcomed: { kind: 'resuming', pending, live: other },
      helloEnded: { impossible: AWAITING_HELLO },
      close: closingNone,
      sessionEnd: closingNoneEnded,
      closed: { kind: 'closed', live: null },
    },
  ],
  [
    'resuming',
    {
      hello: 'impossible',
      welcomed: 'impossible',
      helloEnded: live,
      close: { kind: 'closing', live, sessionEnded: false },
      sessionEnd: { kind: 'closing', live, sessionEnded: true },
      closed: { kind: 'closed', live },
    },
  ],
  [
    'live',
    {
      hello: 'impossible',
      welcomed: 'impossible',
      helloEnded: 'impossible',
      close: { kind: 'closing', live, sessionEnded: false },
      sessionEnd: { kind: 'closing', live, sessionEnded: true },
      closed: { kind: 'closed', live },
    },
  ],
  [
    'closing (never welcomed)',
    {
      hello: 'same',
      welcomed: { kind: 'closing', live: other, sessionEnded: false },
      helloEnded: 'same',
      close: 'same',
      sessionEnd: closingNoneEnded,
      closed: { kind: 'closed', live: null },
    },
  ],
  [
    'closing (never welcomed, session ended)',
    {
      hello: 'same',
      welcomed: { kind: 'closing', live: other, sessionEnded: true },
      helloEnded: 'same',
      close: 'same',
      sessionEnd: 'same',
      closed: { kind: 'closed', live: null },
    },
  ],
  [
    'closing (welcomed)',
    {
      hello: 'impossible',
      welcomed: 'impossible',
      helloEnded: 'same',
      close: 'same',
      sessionEnd: { kind: 'closing', live, sessionEnded: true },
      closed: { kind: 'closed', live },
    },
  ],
  [
    'closing (welcomed, session ended)',
    { hello: 'impossible', welcomed: 'impossible', helloEnded: 'same', close: 'same', sessionEnd: 'same', closed: { kind: 'closed', live } },
  ],
  ['closed (never welcomed)', { hello: 'same', welcomed: 'impossible', helloEnded: 'same', close: 'same', sessionEnd: 'same', closed: 'impossible' }],
  ['closed (welcomed)', { hello: 'impossible', welcomed: 'impossible', helloEnded: 'same', close: 'same', sessionEnd: 'same', closed: 'impossible' }],
];

describe('socket state transitions', () => {
  it('covers every state', () => {
    expect(table.map(([name]) => name)).toEqual(Object.keys(states));
  });

  it.each(table)('from %s', (name, after) => {
    const before: SocketState<Live> = states[name];
    for (const event of events) {
      const expected = after[event];
      if (expected === 'impossible' || (typeof expected === 'object' && 'impossible' in expected)) {
        expect(() => apply(event, before), event).toThrow(`impossible socket transition: ${transition[event]} from ${before.kind}`);
      } else if (expected === 'same') expect(apply(event, before), event).toBe(before);
      else expect(apply(event, before), event).toEqual(expected);
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

  it('a socket closing before its welcome shares its state with every other such socket', () => {
    expect(closeChosen<Live>(AWAITING_HELLO)).toBe(closeChosen<Live>(states.welcoming));
    expect(closeChosen<Live>(AWAITING_HELLO, true)).toBe(closeChosen<Live>(states.welcoming, true));
    expect(socketClosed(closeChosen<Live>(AWAITING_HELLO))).toBe(socketClosed<Live>(AWAITING_HELLO));
  });

  it('a hello refused or failed leaves the socket closing, with nothing waiting', () => {
    const refused = helloEnded(closeChosen(helloStarted<Live>(AWAITING_HELLO)));
    expect(refused).toEqual({ kind: 'closing', live: null, sessionEnded: false });
    expect(liveOf(refused)).toBe(null);
  });

  it('a hello welcomed after the close was chosen keeps its session for the close to undo', () => {
    const state = socketClosed(helloEnded(welcomed(closeChosen(helloStarted<Live>(AWAITING_HELLO), true), live)));
    expect(state).toEqual({ kind: 'closed', live });
  });
});

describe('an impossible transition outside Vitest', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each(table)('from %s: changes nothing and throws nothing, as before', (name, after) => {
    vi.stubEnv('VITEST', undefined);
    const before: SocketState<Live> = states[name];
    for (const event of events) {
      const expected = after[event];
      if (expected === 'impossible') expect(apply(event, before), event).toBe(before);
      else if (typeof expected === 'object' && 'impossible' in expected) expect(apply(event, before), event).toBe(expected.impossible);
    }
  });
});

describe('the session of a state', () => {
  it.each([
    ['awaiting-hello', null],
    ['welcoming', null],
    ['resuming', live],
    ['live', live],
    ['closing (never welcomed)', null],
    ['closing (never welcomed, session ended)', null],
    ['closing (welcomed)', live],
    ['closing (welcomed, session ended)', live],
    ['closed (never welcomed)', null],
    ['closed (welcomed)', live],
  ] satisfies Array<[Name, Live | null]>)('%s: %o', (name, session) => {
    expect(liveOf<Live>(states[name])).toBe(session);
  });
});
