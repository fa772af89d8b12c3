/**
 * @module The Store port: every read and write services make, as async functions. The SQLite implementation
 * lives in ./sqlite; a PostgreSQL one will live beside it and pass the same contract suite
 * (store.case.test.ts). No SQL outside this folder.
 */
import type { AgentProfile, ConversationEvent, ConversationSummary } from '../../shared/protocol';
import type { ErrorCode } from '../../shared/errors';
import type { ConversationState, Decision } from '../domain/conversation';

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

/**
 * One write to a conversation. The rule that decides it runs inside the write transaction, on the
 * conversation as committed at that moment (SPEC C4), so no decision is ever made on stale state.
 */
export interface WriteRequest {
  /** The conversation; null means the visitor's open conversation, started when it has none (SPEC C3). */
  conversationId: string | null;
  /** Required when conversationId is null: whose open conversation. */
  visitor: { siteId: string; visitorId: string } | null;
  /** Idempotency key (SPEC D3): when already stored in the conversation, nothing is written. */
  clientId: string | null;
  at: number;
  /** May the writer see this conversation at all? When not, the answer is `not_found` (SPEC D11). */
  authorize: (state: ConversationState) => boolean;
  /** The domain rule: pure and synchronous. */
  decide: (state: ConversationState) => Decision;
}

export type WriteOutcome =
  | { kind: 'appended'; events: ConversationEvent[]; conversation: ConversationSummary }
  | { kind: 'duplicate'; seq: number; conversation: ConversationSummary }
  | { kind: 'refused'; code: ErrorCode }
  | { kind: 'not_found' };

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
    byId(id: string): Promise<ConversationSummary | null>;
    openForVisitor(visitorId: string): Promise<ConversationSummary | null>;
    /** Newest activity first. */
    list(filter: { status?: 'open' | 'closed'; limit: number }): Promise<ConversationSummary[]>;
  };
  events: {
    /** Events with seq > afterSeq, oldest first. */
    after(conversationId: string, afterSeq: number, query: EventQuery): Promise<ConversationEvent[]>;
    /** The newest events with seq < beforeSeq (all when null), oldest first. */
    before(conversationId: string, beforeSeq: number | null, query: EventQuery): Promise<ConversationEvent[]>;
  };
  /**
   * Decides and appends in one transaction; events take the next sequence numbers (SPEC D1); resolves after
   * commit (SPEC D4). Writes are applied in the order they are submitted (SPEC D2); the SQLite store
   * group-commits them.
   */
  write(request: WriteRequest): Promise<WriteOutcome>;
  /** Commits what is queued; resolves when every write submitted before the call is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
