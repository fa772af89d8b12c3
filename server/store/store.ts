/**
 * @module The Store port: every read and write services make, as async functions. The SQLite implementation
 * lives in ./sqlite; a PostgreSQL one will live beside it and pass the same contract suite
 * (store.case.test.ts). No SQL outside this folder.
 */
import type { AgentProfile, AgentRole, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import type { ConversationState, NewEvent, StatePatch } from '../domain/conversation';

export interface Site {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  createdAt: number;
}

export interface AgentRecord extends AgentProfile {
  passwordHash: string;
  createdAt: number;
}

/** A conversation as services see it: the summary agents get, plus the concurrency version. */
export type ConversationRecord = ConversationSummary & Pick<ConversationState, 'version'>;

export interface StartInput {
  siteId: string;
  visitorId: string;
  at: number;
  /** Appended after the `created` event when the conversation is new. */
  events: NewEvent[];
}

export interface AppendInput {
  conversationId: string;
  /** The version the caller decided on; a different stored version answers `conflict` (SPEC C4). */
  expectedVersion: number;
  /** When set and already stored in this conversation, nothing is written (SPEC D3). */
  clientId: string | null;
  events: NewEvent[];
  patch: StatePatch | null;
  at: number;
}

export type AppendOutcome =
  | { kind: 'appended'; events: ConversationEvent[]; conversation: ConversationRecord }
  | { kind: 'duplicate'; seq: number; conversation: ConversationRecord }
  | { kind: 'conflict'; conversation: ConversationRecord }
  | { kind: 'not_found' };

export type StartOutcome =
  | { kind: 'appended'; events: ConversationEvent[]; conversation: ConversationRecord }
  /** The visitor already had an open conversation (another tab started it): nothing was written. */
  | { kind: 'exists'; conversation: ConversationRecord };

export interface EventQuery {
  /** Only these kinds (an audience's view); all kinds when absent. */
  kinds?: readonly string[];
  limit: number;
}

export interface Store {
  settings: {
    get(key: string): Promise<string | null>;
    /** Stores `value` unless the key has one; answers the value that is stored. */
    getOrSet(key: string, value: string): Promise<string>;
  };
  sites: {
    byKey(key: string): Promise<Site | null>;
    byId(id: string): Promise<Site | null>;
    list(): Promise<Site[]>;
    create(site: Site): Promise<void>;
    count(): Promise<number>;
  };
  agents: {
    byEmail(email: string): Promise<AgentRecord | null>;
    byId(id: string): Promise<AgentRecord | null>;
    create(agent: AgentRecord): Promise<void>;
    count(): Promise<number>;
  };
  sessions: {
    create(session: { tokenHash: string; agentId: string; createdAt: number; expiresAt: number }): Promise<void>;
    /** The agent behind an unexpired session. */
    find(tokenHash: string, now: number): Promise<AgentRecord | null>;
    delete(tokenHash: string): Promise<void>;
    deleteExpired(now: number): Promise<number>;
  };
  conversations: {
    byId(id: string): Promise<ConversationRecord | null>;
    openForVisitor(visitorId: string): Promise<ConversationRecord | null>;
    /** Newest activity first. */
    list(filter: { status?: 'open' | 'closed'; limit: number }): Promise<ConversationRecord[]>;
  };
  events: {
    /** Events with seq > afterSeq, oldest first. */
    after(conversationId: string, afterSeq: number, query: EventQuery): Promise<ConversationEvent[]>;
    /** The sequence a message with this client id was stored at, or null. */
    seqOfClientId(conversationId: string, clientId: string): Promise<number | null>;
    /** The newest events with seq < beforeSeq (all when null), oldest first. */
    before(conversationId: string, beforeSeq: number | null, query: EventQuery): Promise<ConversationEvent[]>;
  };
  /** Find-or-create the visitor's open conversation; a new one starts with `created` (SPEC C3). */
  start(input: StartInput): Promise<StartOutcome>;
  /** Appends events with the next sequence numbers, after commit (SPEC D1, D4). Group-committed. */
  append(input: AppendInput): Promise<AppendOutcome>;
  /** Commits what is queued; resolves when every write submitted before the call is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
