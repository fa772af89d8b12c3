/**
 * @module The life of one socket as a union of states, and the transitions between them (pure: the transport
 * in connection.ts holds the current state and calls these). As tldraw's TLSyncRoom models its sessions,
 * what a state needs is data of that state, not a nullable field of the connection.
 *
 *   awaiting-hello --hello--> welcoming --welcomed--> resuming --hello ended--> live
 *         ^                       |
 *         +------hello ended------+  (refused or failed: the socket is closing)
 *   any state --socket closed--> closed
 */
import type { BusMessage } from '../bus/bus';

/** What a role keeps of a welcomed socket (visitor-handler.ts, agent-handler.ts). */
export interface LiveState {
  readonly kind: 'live';
}

export type SocketState<L extends LiveState> =
  /** Upgraded; the client has not said hello yet (the transport's hello timer closes it if it never does). */
  | { readonly kind: 'awaiting-hello' }
  /** A hello is being answered. Bus events that arrive meanwhile wait here, drained when the hello ends. */
  | { readonly kind: 'welcoming'; readonly pending: BusMessage[] }
  /**
   * Welcomed (`live` is made with the welcome); the resume point's catch-up is still running and bus events
   * still wait (SPEC D5: subscribe, read, then drain).
   */
  | { readonly kind: 'resuming'; readonly pending: BusMessage[]; readonly live: L }
  /** Welcomed, with the hello and its catch-up done: bus events are delivered as they come. */
  | L
  /**
   * The socket closed. Frames queued before the close still run (a message sent just before a drop is
   * stored) with the session the socket had, if it was welcomed; nothing can be sent any more.
   */
  | { readonly kind: 'closed'; readonly live: L | null };

/** Shared by every socket in these states: an idle socket holds no object of its own for them. */
export const AWAITING_HELLO = { kind: 'awaiting-hello' } as const;
const CLOSED_UNWELCOMED = { kind: 'closed', live: null } as const;

/**
 * A hello of the right version is being answered. From `closed`: a hello queued before the close, whose
 * welcome stops at the close.
 */
export function helloStarted<L extends LiveState>(state: SocketState<L>): SocketState<L> {
  switch (state.kind) {
    case 'awaiting-hello':
      return { kind: 'welcoming', pending: [] };
    case 'welcoming':
    case 'resuming':
    case 'live':
    case 'closed':
      // (Not reached from welcoming: hellos run one at a time. Not from resuming or live: a second hello
      // is refused before it starts.)
      return state;
    default:
      return unreachable(state);
  }
}

/** The welcome was made: the socket has its session, and bus events wait until the resume's catch-up is done. */
export function welcomed<L extends LiveState>(state: SocketState<L>, live: L): SocketState<L> {
  switch (state.kind) {
    case 'welcoming':
      return { kind: 'resuming', pending: state.pending, live };
    case 'awaiting-hello':
    case 'resuming':
    case 'live':
    case 'closed':
      // (Not reached: only a welcoming hello makes a welcome, and it checks for the close just before.)
      return state;
    default:
      return unreachable(state);
  }
}

/**
 * The hello's work is over, however it went. Welcomed: live, and the caller drains the events that waited.
 * Not welcomed: the hello was refused or failed and the socket is closing; the events that waited are
 * dropped (nothing could be sent to it any more).
 */
export function helloEnded<L extends LiveState>(state: SocketState<L>): SocketState<L> {
  switch (state.kind) {
    case 'resuming':
      return state.live;
    case 'welcoming':
      return AWAITING_HELLO;
    case 'awaiting-hello':
    case 'live':
    case 'closed':
      return state;
    default:
      return unreachable(state);
  }
}

/** The socket's close event. */
export function socketClosed<L extends LiveState>(state: SocketState<L>): SocketState<L> {
  switch (state.kind) {
    case 'awaiting-hello':
    case 'welcoming':
      return CLOSED_UNWELCOMED;
    case 'resuming':
      return { kind: 'closed', live: state.live };
    case 'live':
      return { kind: 'closed', live: state };
    case 'closed':
      return state;
    default:
      return unreachable(state);
  }
}

/** The socket's session once the welcome was made (also while its catch-up runs, and after the close), else null. */
export function liveOf<L extends LiveState>(state: SocketState<L>): L | null {
  switch (state.kind) {
    case 'awaiting-hello':
    case 'welcoming':
      return null;
    case 'resuming':
    case 'closed':
      return state.live;
    case 'live':
      return state;
    default:
      return unreachable(state);
  }
}

/** The compiler's check that a switch covers every case; reached only by a value the types rule out. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
