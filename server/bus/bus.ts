/**
 * @module The Bus port: how a committed event reaches every connection that should see it. In-process on
 * one node (memory.ts); Redis pub/sub across nodes (redis.ts), behind the same interface and contract suite.
 */
import type { ConversationEvent, ConversationSummary, ServerFrame } from '../../shared/protocol';
import type { ControlMessage } from './control';

export type { ControlMessage };

type TypingServerFrame = Extract<ServerFrame, { type: 'typing' }>;
type SeenServerFrame = Extract<ServerFrame, { type: 'seen' }>;

/** A committed event and the conversation's summary right after it. */
export interface EventMessage {
  siteId: string;
  visitorId: string;
  event: ConversationEvent;
  conversation: ConversationSummary;
}

/** A conversation was deleted (an admin's delete): consoles drop it from their lists. */
export interface RemovedMessage {
  removed: true;
  siteId: string;
  visitorId: string;
  conversationId: string;
}

/**
 * Typing and seen (SPEC W1, W2): relayed to sockets, never stored in the log. `conversation` is for the
 * agents' audience filter only and is not sent. `from` names the socket that sent it, which never gets it
 * back; `toVisitor: false` keeps it from the visitor's sockets (a visitor's own typing).
 */
export interface SignalMessage {
  signal: true;
  siteId: string;
  visitorId: string;
  conversation: ConversationSummary;
  frame: TypingServerFrame | SeenServerFrame;
  from: string;
  toVisitor: boolean;
}

/**
 * Issue 15 (internal chat): a frame for agents' consoles, on `topics.internal`. `to`: the agents it is for
 * (a direct channel's two members, or one agent's own consoles); null: every agent (the team channel).
 * Visitors' sockets never subscribe to that topic.
 */
export interface InternalBusMessage {
  internal: true;
  to: string[] | null;
  frame: Extract<ServerFrame, { type: 'internal.message' | 'internal.seen' }>;
}

export type BusMessage = EventMessage | RemovedMessage | SignalMessage | InternalBusMessage;

export interface Bus {
  /** This node's id (issue 14): unique per running process in a cluster. */
  readonly nodeId: string;
  /**
   * True when no message is ever lost or reordered (the memory bus): receivers then need no periodic
   * reconcile with the store. Absent means false.
   */
  readonly lossless?: boolean;
  /**
   * Delivers to every current subscriber of `topic` on every node. Subscribers on this node get it
   * synchronously, in publish order; other nodes get it later, and may get it out of commit order or not at
   * all (Redis pub/sub is a wake-up, the store's log is the truth: receivers fill gaps from the store).
   */
  publish(topic: string, message: BusMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: (message: BusMessage) => void): () => void;
  /**
   * Resolves once every subscription made before the call hears what any node publishes after it (Redis:
   * the SUBSCRIBE was acknowledged; memory: at once). SPEC D5: a catch-up reads the store only after this.
   */
  ready(): Promise<void>;
  /** Messages every node hears, this one included (settings to reload, sockets to close, presence). */
  control: {
    /** This node's handlers run synchronously; other nodes' later. */
    publish(message: ControlMessage): void;
    /** `fromNode`: the publishing node's id. Returns the unsubscribe function. */
    subscribe(handler: (message: ControlMessage, fromNode: string) => void): () => void;
  };
  /**
   * Handlers run when messages may have been lost: the connection to Redis came back, or a peer node died
   * (`resync`). What a socket watches is then read again from the store.
   */
  onResync(handler: () => void): () => void;
  /** Runs the resync handlers (cluster presence calls it when a peer node is declared dead). */
  resync(): void;
  close(): Promise<void>;
}

/** What a node's bus counts, for /metrics and the health sizes (both implementations have them). */
export interface BusCounters {
  /** How many handlers are subscribed, over all topics (tests check closed sockets leave none). */
  subscriptions(): number;
  /** Times a connection to Redis came back after it was lost (memory: always 0). */
  reconnects(): number;
  /** Messages not sent to other nodes because Redis was unreachable (memory: always 0). */
  dropped(): number;
}

/** Topic names in one place, so publishers and subscribers cannot disagree. */
export const topics = {
  /** Every event of one visitor's conversations: all of its tabs subscribe. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  /** Every event of one site's conversations: agents' inboxes. */
  site: (siteId: string) => `site:${siteId}`,
  /** Issue 15: the agents' internal chat, every agent socket on every node. */
  internal: () => 'internal',
};
