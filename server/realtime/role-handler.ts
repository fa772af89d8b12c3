/**
 * @module The contract between the transport (connection.ts) and a role: who is on a socket, the services a
 * role uses, what a role handler answers for (RoleHandler) and what it may do with its socket (ClientSocket).
 */
import type { ErrorCode } from '../../shared/errors';
import type { AgentProfile, ClientFrame, ConversationSummary, HelloFrame } from '../../shared/protocol';
import type { Bus, BusMessage } from '../bus/bus';
import type { LimitKey } from '../domain/client-ip';
import type { Logger } from '../log';
import type { AuthService } from '../services/auth';
import type { Availability } from '../services/availability';
import type { Waits } from '../services/waits';
import type { ConversationService } from '../services/conversations';
import type { Directory } from '../services/directory';
import type { LiveVisitors } from '../services/live-visitors';
import type { MaskingPolicy } from '../services/masking-policy';
import type { Signals } from '../services/presence-signals';
import type { InternalChatService } from '../services/internal-chat';
import type { Safety } from '../services/safety';
import type { TicketService } from '../services/tickets';
import type { Timers } from '../services/timers';
import type { WorkflowService } from '../services/workflow';
import type { Site, Store } from '../store/store';
import type { Outbox } from './delivery';
import type { LiveSession } from './live-session';

/** Who is on the socket; `limitKey` is `ip`'s per-address limit key, derived once at the upgrade (SPEC L1). */
export type VisitorPeer = { role: 'visitor'; site: Site; userAgent: string | null; ip: string; limitKey: LimitKey };
export type AgentPeer = { role: 'agent'; agent: AgentProfile; siteIds: string[]; ip: string; limitKey: LimitKey; tokenHash: string };
export type Peer = VisitorPeer | AgentPeer;

export interface ConnectionDeps {
  auth: AuthService;
  conversations: ConversationService;
  workflow: WorkflowService;
  tickets: TicketService;
  availability: Availability;
  /** Issue 15: a waiting visitor's queue place and the site's usual first-response time. */
  waits?: Waits;
  directory: Directory;
  liveVisitors: LiveVisitors;
  /** Records the visitor's page and browser (once per socket, after its first stored message). */
  visitors: Pick<Store['visitors'], 'touch'>;
  /** Typing, seen and the visitor's conversation list (SPEC W1, W2, W7). */
  signals: Signals;
  now: () => number;
  safety: Safety;
  masking: MaskingPolicy;
  bus: Bus;
  log: Logger;
  helloTimeoutMs: number;
  /**
   * Issue 14: how often this node checks what its sockets watch against the store when the bus may lose
   * messages (10 s when absent; never on the memory bus, which loses nothing). See reconcile.ts.
   */
  reconcileMs?: number;
  /** The reconcile's timer (tests drive it); the process's timers when absent. */
  timers?: Timers;
  /** True once the server is stopping: new messages are refused (`shutting_down`) instead of stored. */
  draining: () => boolean;
  /** Issue 15: the agents' internal chat (team channel and direct messages). */
  internalChat: InternalChatService;
}

export type MessageFrame = Extract<ClientFrame, { type: 'message.send' }>;
/** The frames a handler is given: hello and ping are the transport's. */
export type SessionFrame = Exclude<ClientFrame, { type: 'hello' | 'ping' }>;

/** What a handler may do with its socket (the transport, connection.ts). */
export interface ClientSocket<P extends Peer, L extends LiveSession> extends Outbox {
  readonly peer: P;
  /** The socket has closed; a hello still being answered must not subscribe or count it present (SPEC D8). */
  readonly closed: boolean;
  /** The welcome was made: from now on the socket is this session's (socket-state.ts). */
  welcomed(live: L): void;
  /** Subscribes this socket to a bus topic until it closes. */
  subscribe(topic: string): void;
  /** Keeps what the close undoes (a subscription, a listener); undone at once when already closed. */
  hold(off: () => void): void;
  sendError(code: ErrorCode, message: string, clientId?: string, retryAfterMs?: number): void;
  /** Answers a refused or failed request with an error frame. */
  fail(err: unknown, frame: ClientFrame): void;
  /** Says why in an error frame, then closes with `code`. */
  end(reason: ErrorCode, code: number): void;
  close(code: number, reason: string): void;
}

/** What a role does with its sockets. One handler serves every socket of its role; the socket's data is its state. */
export interface RoleHandler<P extends Peer, L extends LiveSession> {
  readonly deps: ConnectionDeps;
  /** SPEC M1: a frame as this server acts on it (a visitor's free text masked in a `redact` site). */
  redacted<F extends ClientFrame>(peer: P, frame: F): F;
  /**
   * Answers a hello of the right version: who this is, subscriptions, `conn.welcomed(live)` and the welcome
   * frame, then the resume point's catch-up. A hello it refuses closes the socket (`conn.close`, `conn.end`);
   * a failure before the welcome is thrown (the socket is then closed); a failed catch-up after it is only an
   * error frame, since the session itself stands. So a hello ends welcomed or closing (socket-state.ts).
   */
  welcome(conn: ClientSocket<P, L>, frame: HelloFrame): Promise<void>;
  messageKey(live: L): string;
  /** SPEC D2: starts storing a message now, in arrival order; its ack is sent after the commit. */
  startMessage(conn: ClientSocket<P, L>, live: L, frame: MessageFrame): void;
  /** Any other frame, once welcomed. */
  handle(conn: ClientSocket<P, L>, live: L, frame: SessionFrame): Promise<void>;
  /** A bus message for a live socket. */
  route(conn: ClientSocket<P, L>, live: L, message: BusMessage): void;
  /**
   * Issue 14: the store's view of the conversations this live socket watches (reconcile.ts): fills what the
   * bus lost. `resync`: messages were certainly lost (a reconnect, a dead node), not just a periodic check.
   */
  reconcile(conn: ClientSocket<P, L>, live: L, current: ReadonlyMap<string, ConversationSummary | null>, resync: boolean): Promise<void> | void;
  /** SPEC W6: the hello named an identified user. */
  identified(live: L): boolean;
  /**
   * The socket closed: what its welcome counted present is no more. `sessionEnded`: it was closed because the
   * agent's session ended (sign-out, disabled), so its presence ends with no grace (SPEC R13).
   */
  disconnected(conn: ClientSocket<P, L>, live: L, sessionEnded: boolean): void;
}
