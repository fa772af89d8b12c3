/**
 * @module The Store port: every read and write services make, as async functions. The SQLite implementation
 * lives in ./sqlite, the PostgreSQL one (several nodes on one database, issue 14) in ./pg; both pass the same
 * contract suites (store.case.test.ts and the other *.case.test.ts). No SQL outside this folder.
 *
 * SPEC D15: when the storage cannot take a write (a full or failing disk), a method rejects with AppError
 * `storage_unavailable` (see ./storage-health.ts), never with the driver's own error.
 */
import type {
  AgentProfile,
  AgentState,
  ConversationEvent,
  ConversationStatus,
  ConversationSummary,
  QueueInfo,
  VisitorConversation,
} from '../../shared/protocol';
import type { ErrorCode } from '../../shared/errors';
import type { BlockRecord, SiteTicketing, SiteWidget, Ticket, TicketEntry, TicketStatus, TicketType } from '../../shared/api';
import type { ConversationState, Decision } from '../domain/conversation';
import type { AttachmentRecord } from '../domain/attachments';
import type { RefusedOriginRow } from '../domain/refused-origins';
import type { ListPosition } from '../domain/list-cursor';
import type { StoreSearch } from './search';
import type { StoreInternalChat } from './internal-chat';

export type { RefusedOriginRow };

export interface Site {
  id: string;
  key: string;
  name: string;
  allowedOrigins: string[];
  createdAt: number;
  /** Where a conversation goes when the widget names no queue (SPEC R3); null: no queue, every agent's. */
  defaultQueueId: string | null;
  /** SPEC R12: visitor messages of bot-held conversations are POSTed here; null: no bot. */
  botWebhookUrl: string | null;
  /** SHA-256 of the bot's bearer token; the token is shown once when set. */
  botTokenHash: string | null;
  /** Business hours, offline tickets and the leave-a-message form (SPEC T1, T2); null: the defaults. */
  ticketing: SiteTicketing | null;
  /** Issue 6: sensitive numbers and addresses off, masked in agent views, or redacted before storing. */
  masking: 'off' | 'mask' | 'redact';
  /** Issue 5: appearance, pre-chat, uploads, strict identity (SPEC W3-W6); null: DEFAULT_WIDGET. */
  widget: SiteWidget | null;
  /** The key host pages sign identities with (SPEC W6); null: the site never set identity up. */
  identitySecret: string | null;
}

/** The agent's chosen state; `offline` is never stored, it is the absence of a connected console. */
export type ChosenState = Exclude<AgentState, 'offline'>;

export interface AgentPrefs {
  /** Play a sound on a new offer or message. */
  sound: boolean;
  /** Show message text in desktop notifications. */
  preview: boolean;
}

export interface AgentRecord extends AgentProfile {
  passwordHash: string;
  createdAt: number;
  /** Maximum concurrent open conversations (SPEC R1). */
  capacity: number;
  availability: ChosenState;
  availabilitySince: number;
  prefs: AgentPrefs;
  /** Cannot sign in; its sessions are gone (issue 6). */
  disabled: boolean;
}

/** A block (issue 6): the shape the admin API answers with, less `active`. */
export type { BlockRecord };

export type SitePatch = Partial<Pick<Site, 'name' | 'allowedOrigins' | 'defaultQueueId' | 'botWebhookUrl' | 'botTokenHash' | 'ticketing' | 'masking' | 'widget' | 'identitySecret'>>;

export type AgentPatch = Partial<Pick<AgentRecord, 'name' | 'role' | 'capacity' | 'availability' | 'availabilitySince' | 'prefs' | 'passwordHash' | 'disabled'>>;

export interface QueueRecord extends QueueInfo {
  createdAt: number;
}

export interface VisitorRecord {
  id: string;
  siteId: string;
  name: string | null;
  email: string | null;
  lastPageUrl: string | null;
  lastPageTitle: string | null;
  referrer: string | null;
  userAgent: string | null;
  /** Null until the visitor's first hello with page details. */
  lastSeenAt: number | null;
  createdAt: number;
  /** The host page's user id once a verified identity named this visitor (SPEC W6); null: anonymous. */
  externalId: string | null;
}

export interface CannedReply {
  id: string;
  title: string;
  text: string;
  category: string;
  /** BCP 47 tag such as pt-BR, en, es. */
  language: string;
  createdAt: number;
  updatedAt: number;
}

export interface WrapUpReason {
  id: string;
  label: string;
  createdAt: number;
}

export interface NewTicket {
  id: string;
  siteId: string;
  status: TicketStatus;
  type: TicketType;
  priority: number;
  subject: string;
  description: string;
  requester: Ticket['requester'];
  assigneeId: string | null;
  assigneeName: string | null;
  conversationId: string | null;
  source: Ticket['source'];
  /** The widget form's request id (SPEC T7); null for agents' tickets. */
  clientId: string | null;
  createdAt: number;
}

export type TicketPatch = Partial<Pick<Ticket, 'status' | 'type' | 'priority' | 'subject' | 'assigneeId' | 'assigneeName'>> & {
  requesterName?: string | null;
  requesterEmail?: string | null;
};

export interface TicketFilter {
  siteIds?: readonly string[];
  status?: TicketStatus | readonly TicketStatus[];
  type?: TicketType;
  priority?: number;
  assigneeId?: string;
  conversationId?: string;
  visitorId?: string;
  /** Exact requester e-mail, case-insensitive. */
  requesterEmail?: string;
  text?: string;
  limit: number;
}

export interface ConversationFilter {
  status?: ConversationStatus | readonly ConversationStatus[];
  archived?: boolean;
  siteId?: string;
  visitorId?: string;
  /** Assigned to this agent. */
  agentId?: string;
  queueId?: string;
  priority?: number;
  /** Carries this label (labels are stored lower-case). */
  label?: string;
  /**
   * SPEC R10 for a plain agent's closed lists: only those this agent holds (assigned) or joined as a
   * conference guest, which is what it may see of a closed conversation.
   */
  heldBy?: string;
  /** Only rows after this one in the list's order (issue 12): the next page. */
  after?: ListPosition;
  limit: number;
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
  /**
   * SPEC W3: files the message names; their records (those that exist) are read inside the transaction and
   * handed to `decide`, and the events' attachments are marked sent in it.
   */
  attachmentIds?: readonly string[];
  /** The domain rule: pure and synchronous. */
  decide: (state: ConversationState, attachments: readonly AttachmentRecord[], reads: WriteReads) => Decision;
}

/** What a write's rule may read besides its conversation, inside the same transaction (SPEC C4). */
export interface WriteReads {
  /**
   * SPEC R1: the open conversations assigned to this agent, as committed, counting the writes decided before
   * this one in the same transaction: so concurrent claims cannot each see the same room.
   */
  loadOf(agentId: string): number;
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
    create(site: Omit<Site, 'defaultQueueId' | 'botWebhookUrl' | 'botTokenHash' | 'ticketing' | 'masking' | 'widget' | 'identitySecret'> & Partial<Site>): Promise<void>;
    update(id: string, patch: SitePatch): Promise<Site | null>;
    count(): Promise<number>;
    /**
     * Issue 15 (site owners): removes the site and everything that belongs to it (its conversations with their
     * events and files, tickets, visitors, queues and their memberships, refused origins) in one transaction,
     * ordered with the writes. False when there is no such site.
     */
    delete(id: string): Promise<boolean>;
  };
  agents: {
    byEmail(email: string): Promise<AgentRecord | null>;
    byId(id: string): Promise<AgentRecord | null>;
    /** Oldest first. */
    list(): Promise<AgentRecord[]>;
    /** `capacity`, `availability`, `availabilitySince` and `prefs` take defaults when left out. */
    create(agent: Omit<AgentRecord, 'capacity' | 'availability' | 'availabilitySince' | 'prefs' | 'disabled'> & Partial<AgentRecord>): Promise<void>;
    update(id: string, patch: AgentPatch): Promise<AgentRecord | null>;
    count(): Promise<number>;
  };
  queues: {
    /** Every queue, or one site's, oldest first. */
    list(siteId?: string): Promise<QueueRecord[]>;
    byId(id: string): Promise<QueueRecord | null>;
    /** Refuses a name another queue of the site has (case-insensitive) with AppError `conflict`. */
    create(queue: QueueRecord): Promise<void>;
    /** Refuses a name another queue of the site has (case-insensitive) with AppError `conflict`. */
    update(id: string, patch: Partial<Pick<QueueRecord, 'name' | 'strategy' | 'offerTimeoutMs'>>): Promise<QueueRecord | null>;
    /**
     * Also removes its memberships and unsets it as a site's default queue; conversations in it keep the id
     * (they show as "no queue").
     */
    delete(id: string): Promise<boolean>;
    /** Every membership: agent id -> queue ids (oldest queue first); agents in no queue are absent. */
    memberships(): Promise<Map<string, string[]>>;
    /** Replaces the queue's members. */
    setMembers(queueId: string, agentIds: readonly string[]): Promise<void>;
    /** Replaces the agent's queues. */
    setQueuesOf(agentId: string, queueIds: readonly string[]): Promise<void>;
  };
  visitors: {
    byId(id: string): Promise<VisitorRecord | null>;
    /** Visitors who gave this e-mail address (case-insensitive). */
    byEmail(email: string): Promise<VisitorRecord[]>;
    /** Data rights (issue 6): removes the visitor's record. Its conversations and tickets are removed apart. */
    delete(id: string): Promise<boolean>;
    /**
     * Creates the visitor (created at `at`) or updates the fields given (page, referrer, user agent, last
     * seen): a field left undefined keeps its value, null clears it. A known visitor keeps its site.
     */
    touch(visitor: Pick<VisitorRecord, 'id' | 'siteId'> & Partial<Omit<VisitorRecord, 'id' | 'siteId' | 'createdAt' | 'externalId'>>, at: number): Promise<void>;
    /** SPEC W6: the one visitor a verified user id names on a site, or null before its first sight. */
    byExternalId(siteId: string, externalId: string): Promise<VisitorRecord | null>;
    /**
     * SPEC W6: the visitor of (site, user id), created as `candidateId` (at `at`) on first sight; name and
     * e-mail given (not null) replace the stored ones. Two first sights at once still make one visitor.
     */
    identify(siteId: string, externalId: string, candidateId: string, fields: { name: string | null; email: string | null }, at: number): Promise<VisitorRecord>;
  };
  cannedReplies: {
    /**
     * Matching all given filters; `text` matches title or text, case-insensitively; category and language
     * compare case-insensitively too. Title order (case and accents aside).
     */
    list(query: { text?: string; category?: string; language?: string }): Promise<CannedReply[]>;
    byId(id: string): Promise<CannedReply | null>;
    create(reply: CannedReply): Promise<void>;
    update(id: string, patch: Partial<Pick<CannedReply, 'title' | 'text' | 'category' | 'language'>>, at: number): Promise<CannedReply | null>;
    delete(id: string): Promise<boolean>;
  };
  blocks: {
    /** Every block, expired ones included (the caller decides what counts), newest first. */
    list(): Promise<BlockRecord[]>;
    create(block: BlockRecord): Promise<void>;
    delete(id: string): Promise<boolean>;
  };
  tickets: {
    /**
     * Creates a ticket with the next number (1, 2, 3... across the server, taken inside the transaction).
     * With a `clientId` the write is idempotent per site (SPEC T7): the same id answers the ticket it made
     * first, with `created: false`.
     */
    create(ticket: NewTicket): Promise<{ ticket: Ticket; created: boolean }>;
    byId(id: string): Promise<Ticket | null>;
    byNumber(number: number): Promise<Ticket | null>;
    /** Newest update first. `text` matches subject, description, requester name or e-mail, or the number. */
    list(filter: TicketFilter): Promise<Ticket[]>;
    update(id: string, patch: TicketPatch, at: number): Promise<Ticket | null>;
    addEntry(entry: TicketEntry): Promise<void>;
    /** Data rights (issue 6): removes the ticket and its entries. */
    delete(id: string): Promise<boolean>;
    /** Oldest first. */
    entries(ticketId: string): Promise<TicketEntry[]>;
  };
  wrapUpReasons: {
    /** Label order (case and accents aside). */
    list(): Promise<WrapUpReason[]>;
    byId(id: string): Promise<WrapUpReason | null>;
    /** Refuses a duplicate label (case-insensitive) with AppError `conflict`. */
    create(reason: WrapUpReason): Promise<void>;
    /** Refuses another reason's label (case-insensitive) with AppError `conflict`. */
    update(id: string, label: string): Promise<WrapUpReason | null>;
    delete(id: string): Promise<boolean>;
  };
  sessions: {
    create(session: { tokenHash: string; agentId: string; createdAt: number; expiresAt: number }): Promise<void>;
    /** The agent behind an unexpired session. */
    find(tokenHash: string, now: number): Promise<AgentRecord | null>;
    delete(tokenHash: string): Promise<void>;
    deleteExpired(now: number): Promise<number>;
    /** Ends every session of an agent (password change, disabled); answers how many. */
    deleteForAgent(agentId: string): Promise<number>;
  };
  conversations: {
    byId(id: string): Promise<ConversationSummary | null>;
    openForVisitor(visitorId: string): Promise<ConversationSummary | null>;
    /**
     * Newest activity first (updatedAt, then id, both descending), at most `limit`, after `filter.after`.
     * The closed lists (status closed, archived or not, with any of queue, agent, priority, label, heldBy) are
     * read on an index in this order: their cost does not grow with history (issue 12). A label filter reads
     * only that label's closed conversations, a priority filter only that priority's.
     */
    list(filter: ConversationFilter): Promise<ConversationSummary[]>;
    /**
     * Open, unassigned, not with the bot, no offer waiting: what routing may offer (SPEC R2). Higher priority
     * first, then the longest waiting (since queuedAt, or createdAt when never queued).
     */
    waiting(): Promise<ConversationSummary[]>;
    /** With an offer or a transfer/conference request waiting: their timers are re-armed at start. */
    withTimers(): Promise<ConversationSummary[]>;
    /**
     * Open conversations each agent holds as the assigned agent: agent id -> count (SPEC R1). One the visitor
     * ended waits only for the wrap-up and takes no room: otherwise ended chats would make a site look
     * offline to new visitors (T1).
     */
    loads(): Promise<Map<string, number>>;
    /**
     * SPEC R8: the agent of the visitor's newest (by creation) conversation that was taken and not resolved
     * (ended by the visitor and not wrapped up yet), other than `exceptId`.
     */
    stickyAgentFor(visitorId: string, exceptId: string): Promise<string | null>;
    /** Removes the conversation and its events; ordered with writes (SPEC D2) like a write. */
    delete(id: string): Promise<boolean>;
    /**
     * SPEC W2: raises what one side has seen to `seq`, clamped to the conversation's last sequence; never
     * lowers it. Answers the new value when it rose, null when nothing changed (lower or equal, or no such
     * conversation). Ordered with writes (SPEC D2), so it commits with the group and survives a restart.
     */
    markSeen(id: string, by: 'agent' | 'visitor', seq: number): Promise<{ seq: number; conversation: ConversationSummary } | null>;
    /**
     * SPEC W7: one visitor's conversations on one site, newest activity first, at most `limit`, each with its
     * last message (never a note) and unread count: agent and bot messages after `visitorSeenSeq`.
     */
    forVisitor(siteId: string, visitorId: string, limit: number): Promise<VisitorConversation[]>;
  };
  events: {
    /** Events with seq > afterSeq, oldest first. */
    after(conversationId: string, afterSeq: number, query: EventQuery): Promise<ConversationEvent[]>;
    /** The newest events with seq < beforeSeq (all when null), oldest first. */
    before(conversationId: string, beforeSeq: number | null, query: EventQuery): Promise<ConversationEvent[]>;
  };
  /** Uploaded files (SPEC W3); a conversation's go with it (foreign key). */
  attachments: {
    create(record: AttachmentRecord): Promise<void>;
    byId(id: string): Promise<AttachmentRecord | null>;
    /** A conversation's files, oldest first. */
    list(conversationId: string): Promise<AttachmentRecord[]>;
    /** Uploaded before `before` and never sent, oldest first. */
    unsent(before: number, limit: number): Promise<AttachmentRecord[]>;
    /** Only while unsent: a sent file goes with its conversation. */
    deleteUnsent(id: string): Promise<boolean>;
    /**
     * Present on stores that keep the files' bytes themselves, so every node serves them (PostgreSQL, issue
     * 14): the row and its bytes in one transaction. Without it, the bytes live on this node's disk.
     */
    createWithBytes?(record: AttachmentRecord, bytes: Uint8Array): Promise<void>;
    /** The bytes `createWithBytes` stored; null when there is no such file. */
    bytes?(id: string): Promise<Uint8Array | null>;
  };
  // Issue 15 (site owners): pages on an origin the site does not allow that asked for the widget.
  refusedOrigins: {
    /**
     * Adds `count` refusals of `origin` (well-formed, checked by the caller) at `at` to its UTC day's row. A new
     * origin is recorded only while the site's day holds fewer than `cap` origins, so a flood of made-up
     * origins writes at most `cap` rows per site and day. Answers whether it was counted.
     */
    record(siteId: string, origin: string, at: number, options: { count: number; cap: number }): Promise<boolean>;
    /** The site's rows from the UTC day of `since` on: newest first (last refusal, then origin). */
    list(siteId: string, since: number): Promise<RefusedOriginRow[]>;
    /** Forgets the origin on every day (it was allowed, or dismissed). */
    clear(siteId: string, origin: string): Promise<void>;
  };
  /** Full-text search over messages, notes, visitors, labels and tickets (issue 12, SPEC S1-S3; ./search.ts). */
  search: StoreSearch;
  /** Issue 15 (internal chat): the agents' team channel and direct messages (./internal-chat.ts). */
  internalChat: StoreInternalChat;
  /**
   * Decides and appends in one transaction; events take the next sequence numbers (SPEC D1); resolves after
   * commit (SPEC D4). Writes are applied in the order they are submitted (SPEC D2); the SQLite store
   * group-commits them.
   */
  write(request: WriteRequest): Promise<WriteOutcome>;
  /**
   * What several nodes on one database share (issue 14). On SQLite there is one node: `exclusive` just runs
   * the work and `lead` makes this node the leader at once; PostgreSQL uses advisory locks.
   */
  cluster: {
    /** Runs `work` while no other node runs work under the same name (migrations, the first-start seed). */
    exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
    /**
     * Campaigns for the one leadership of `name` (the routing timers and sweeps): `gained` is called when this
     * node becomes the leader, `lost` when it stops being one (its database session ended, or `stop`).
     * Resolves once the campaign runs; the answer's `stop` resigns and ends the campaign.
     */
    lead(name: string, on: { gained(): void; lost(): void }): Promise<{ stop(): Promise<void> }>;
    /** Resolves when the database answers a trivial query now (`/readyz`); rejects when it does not. */
    ping(): Promise<void>;
  };
  /** Commits what is queued; resolves when every write submitted before the call is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
