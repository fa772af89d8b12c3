/**
 * @module The life of one socket as a union of states, and the transitions between them (pure: the transport
 * in connection.ts holds the current state and calls these). As tldraw's TLSyncRoom models its sessions,
 * what a state needs is data of that state, not a nullable field of the connection.
 *
 *   awaiting-hello --hello--> welcoming --welcomed--> resuming --hello ended--> live
 *         |                       |                      |                      |
 *         +-----------------------+------close chosen----+----------------------+--> closing
 *   any state --socket closed--> closed
 *
 * `closing`: the transport chose to close (a refused or failed hello, `end()`, the hello timeout, a slow
 * reader, shutdown...); a hello already running, or queued before the close, still runs to its end there.
 * A transition that cannot happen is reported by {@link impossible}.
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
   * The transport chose to close; the socket has not closed yet. Nothing can be sent any more (the
   * WebSocket left OPEN when the close was chosen), so bus events are dropped, those that waited too. Frames
   * queued before still run with the session, if any; a hello running (or queued) when the close was chosen
   * may still be welcomed here: it counted the socket present, and the close undoes that with this `live`.
   * `sessionEnded`: agents, the session ended (sign-out, disabled): its presence ends with no grace (SPEC R13).
   */
  | { readonly kind: 'closing'; readonly live: L | null; readonly sessionEnded: boolean }
  /**
   * The socket closed. Frames queued before the close still run (a message sent just before a drop is
   * stored) with the session the socket had, if it was welcomed; nothing can be sent any more.
   */
  | { readonly kind: 'closed'; readonly live: L | null };

/** Shared by every socket in these states: an idle socket holds no object of its own for them. */
export const AWAITING_HELLO = { kind: 'awaiting-hello' } as const;
const CLOSING_UNWELCOMED = { kind: 'closing', live: null, sessionEnded: false } as const;
const CLOSING_UNWELCOMED_SESSION_ENDED = { kind: 'closing', live: null, sessionEnded: true } as const;
const CLOSED_UNWELCOMED = { kind: 'closed', live: null } as const;

type Closing<L extends LiveState> = Extract<SocketState<L>, { kind: 'closing' }>;

function closing<L extends LiveState>(live: L | null, sessionEnded: boolean): Closing<L> {
  if (live === null) return sessionEnded ? CLOSING_UNWELCOMED_SESSION_ENDED : CLOSING_UNWELCOMED;
  return { kind: 'closing', live, sessionEnded };
}

/**
 * A hello of the right version is being answered. From `closing` or `closed` never welcomed: a hello queued
 * before the close; it runs on (its welcome stops at the close, or is undone by it).
 */
export function helloStarted<L extends LiveState>(state: SocketState<L>): SocketState<L> {
  switch (state.kind) {
    case 'awaiting-hello':
      return { kind: 'welcoming', pending: [] };
    case 'closing':
    case 'closed':
      // Welcomed already: a second hello is refused before it starts.
      return state.live === null ? state : impossible(state, 'helloStarted');
    case 'welcoming': // hellos run one at a time
    case 'resuming': // a second hello is refused before it starts
    case 'live':
      return impossible(state, 'helloStarted');
    default:
      return unreachable(state);
  }
}

/**
 * The welcome was made: the socket has its session, and bus events wait until the resume's catch-up is done.
 * While closing (chosen during the hello): the session is kept for the close to undo; nothing waits.
 */
export function welcomed<L extends LiveState>(state: SocketState<L>, live: L): SocketState<L> {
  switch (state.kind) {
    case 'welcoming':
      return { kind: 'resuming', pending: state.pending, live };
    case 'closing':
      return state.live === null ? closing(live, state.sessionEnded) : impossible(state, 'welcomed');
    case 'awaiting-hello': // only a hello makes a welcome
    case 'resuming': // one welcome per hello, one hello per socket
    case 'live':
    case 'closed': // the welcome checks for the close just before
      return impossible(state, 'welcomed');
    default:
      return unreachable(state);
  }
}

/**
 * The hello's work is over, however it went. Welcomed: live, and the caller drains the events that waited.
 * Refused or failed: the handler or the transport chose to close, so the socket is already closing (or closed).
 */
export function helloEnded<L extends LiveState>(state: SocketState<L>): SocketState<L> {
  switch (state.kind) {
    case 'resuming':
      return state.live;
    case 'closing':
    case 'closed':
      return state;
    case 'welcoming':
      // A hello must welcome or close (RoleHandler.welcome). If one did neither, the socket waits for another
      // hello with its events dropped, as it always did (its hello timer was cleared when this one started).
      impossible(state, 'helloEnded');
      return AWAITING_HELLO;
    case 'awaiting-hello': // a hello ends only after it started
    case 'live': // live only once its hello ended
      return impossible(state, 'helloEnded');
    default:
      return unreachable(state);
  }
}

/**
 * The transport chose to close the socket (its close handshake or termination is under way). `sessionEnded`:
 * the close is because the agent's session ended; it stays so if another close follows.
 */
export function closeChosen<L extends LiveState>(state: SocketState<L>, sessionEnded = false): SocketState<L> {
  switch (state.kind) {
    case 'awaiting-hello':
    case 'welcoming': // the events that waited are dropped: nothing can be sent to the socket any more
      return closing<L>(null, sessionEnded);
    case 'resuming':
      return closing(state.live, sessionEnded);
    case 'live':
      return closing(state, sessionEnded);
    case 'closing':
      return sessionEnded && !state.sessionEnded ? closing(state.live, true) : state;
    case 'closed': // a close chosen after the socket closed (a mass close's later slice) changes nothing
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
    case 'closing':
      return state.live === null ? CLOSED_UNWELCOMED : { kind: 'closed', live: state.live };
    case 'live':
      return { kind: 'closed', live: state };
    case 'closed': // a socket closes once
      return impossible(state, 'socketClosed');
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
    case 'closing':
    case 'closed':
      return state.live;
    case 'live':
      return state;
    default:
      return unreachable(state);
  }
}

export type SocketEvent = 'helloStarted' | 'welcomed' | 'helloEnded' | 'socketClosed';

/**
 * A transition the transport never asks for (the comment at each case says why). In production it changes
 * nothing and says nothing, as these cases always did: the state is returned unchanged, and a server never
 * stops over a socket's bookkeeping (SPEC D9). Under Vitest it throws, so a change that makes one reachable
 * fails the unit table (socket-state.test.ts) or the scenario that reached it in server/test, instead of
 * passing silently. A throw rather than a log: these functions are pure, with no logger to hand, and the
 * tests run with a silent one.
 */
export function impossible<S extends { readonly kind: string }>(state: S, event: SocketEvent): S {
  if (process.env.VITEST) throw new Error(`impossible socket transition: ${event} from ${state.kind}`);
  return state;
}

/** The compiler's check that a switch covers every case; reached only by a value the types rule out. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
