/**
 * @module The Bus port: how a committed event reaches every connection that should see it. In-process on
 * one node (memory.ts); Redis pub/sub across nodes later, behind the same interface and contract suite.
 */
import type { ConversationEvent, ConversationSummary, ServerFrame } from '../../shared/protocol';

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

export type BusMessage = EventMessage | RemovedMessage | SignalMessage;

export interface Bus {
  /** Delivers to every current subscriber of `topic`, in publish order. */
  publish(topic: string, message: BusMessage): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: (message: BusMessage) => void): () => void;
  close(): Promise<void>;
}

/** Topic names in one place, so publishers and subscribers cannot disagree. */
export const topics = {
  /** Every event of one visitor's conversations: all of its tabs subscribe. */
  visitor: (visitorId: string) => `visitor:${visitorId}`,
  /** Every event of one site's conversations: agents' inboxes. */
  site: (siteId: string) => `site:${siteId}`,
};
