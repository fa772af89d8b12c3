/**
 * @module The Bus port: how a committed event reaches every connection that should see it. In-process on
 * one node (memory.ts); Redis pub/sub across nodes later, behind the same interface and contract suite.
 */
import type { ConversationEvent, ConversationSummary } from '../../shared/protocol';

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

export type BusMessage = EventMessage | RemovedMessage;

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
