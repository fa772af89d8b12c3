/**
 * @module The Papo wire protocol: every WebSocket frame either side may send, as runtime schemas with the
 * TypeScript types inferred from them. Server, widget and console import these; nothing re-declares a frame.
 *
 * Rules about ordering, acks and resume are in SPEC.md (D1..D12); the rule ids appear in comments here.
 */
import * as v from 'valibot';
import { ERRORS, isErrorCode, type ErrorCode } from './errors';
import { countChars, MAX_MESSAGE_CHARS } from './limits';
import { fits, shapeOf, type Shape } from './frame-shape';
import { mayHoldLoneSurrogate, wellFormed } from './well-formed';

/** Bumped on any change an older peer would misread. A peer with another version gets `unsupported_version`. */
export const PROTOCOL_VERSION = 1;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Millis = v.pipe(v.number(), v.safeInteger());

/** Message text: not blank, at most MAX_MESSAGE_CHARS code points. The check names are error codes. */
export const MessageText = v.pipe(
  v.string(),
  v.check((t) => t.trim() !== '', 'message_empty' satisfies ErrorCode),
  v.check((t) => countChars(t) <= MAX_MESSAGE_CHARS, 'message_too_long' satisfies ErrorCode),
);

/** Where a client stands in one conversation: the highest sequence it holds (0 for none). SPEC D5. */
export const ResumePoint = v.object({ conversationId: Id, afterSeq: Seq });

// ---------------------------------------------------------------------------------------------------------
// Client -> server

/**
 * The host page's identity proof (SPEC W6): a short-lived HS256 JWT signed with the site's identity secret,
 * whose claims are `sub` (the user id), `email`, `name`, `exp` (preferred); or the user's fields with
 * `userHash`, the hex HMAC-SHA256 of `userId` keyed by that secret.
 */
export const IdentityProof = v.union([
  v.object({ jwt: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)) }),
  v.object({
    userId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    userHash: v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/)),
    email: v.optional(v.pipe(v.string(), v.maxLength(254))),
    name: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
]);
export type IdentityProof = v.InferOutput<typeof IdentityProof>;

/** Most attachments on one message (SPEC W3). */
export const MAX_ATTACHMENTS = 10;

/** The pre-chat form's answers (SPEC W5), sent with the message that starts a conversation. */
export const PrechatAnswers = v.object({
  name: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  email: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254, 'invalid_email' satisfies ErrorCode), v.email('invalid_email' satisfies ErrorCode))),
  /** A queue id among those the site's pre-chat form offers. */
  queue: v.optional(v.pipe(v.string(), v.maxLength(64))),
  /** The visitor ticked the site's consent text. */
  consent: v.optional(v.boolean()),
});
export type PrechatAnswers = v.InferOutput<typeof PrechatAnswers>;

export const HelloFrame = v.object({
  type: v.literal('hello'),
  v: v.number(),
  /** Visitor token from an earlier `welcome`; absent or null asks for a new visitor. Agents use the cookie. */
  token: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1024)))),
  resume: v.optional(v.nullable(ResumePoint)),
  /** Visitors: the page the widget runs on, for the agents' live-visitor list and visitor panel (SPEC R11). */
  page: v.optional(
    v.object({
      url: v.pipe(v.string(), v.maxLength(2048)),
      title: v.optional(v.pipe(v.string(), v.maxLength(300))),
      referrer: v.optional(v.pipe(v.string(), v.maxLength(2048))),
    }),
  ),
  /** Visitors: the queue the site's tag names (`data-queue`), by name or id (SPEC R3). */
  queue: v.optional(v.pipe(v.string(), v.maxLength(100))),
  /**
   * Visitors: who the host page says this visitor is, with its proof (SPEC W6). Sent while the widget holds
   * no token for this identity; the server checks the proof with the site's identity secret.
   */
  identity: v.optional(IdentityProof),
});

export const SendMessageFrame = v.object({
  type: v.literal('message.send'),
  /** UUID the client made for this message; resending it has one effect (SPEC D3). */
  clientId: v.pipe(v.string(), v.uuid()),
  /** The visitor may leave it out: the message goes to its open conversation, or starts one. */
  conversationId: v.optional(v.nullable(Id)),
  /** May be empty ('') when the message carries attachments; else not blank (message_empty). */
  text: v.pipe(v.string(), v.check((t) => countChars(t) <= MAX_MESSAGE_CHARS, 'message_too_long' satisfies ErrorCode)),
  /** Agents only: a private note, stored as a `note` event that visitors never receive (SPEC R9). */
  note: v.optional(v.boolean()),
  /** Ids of files this sender uploaded to this conversation (POST /api/v1/files) and not sent yet (SPEC W3). */
  attachments: v.optional(v.pipe(v.array(Id), v.maxLength(MAX_ATTACHMENTS))),
  /** Visitors: the pre-chat form's answers, read when this message starts a conversation (SPEC W5). */
  prechat: v.optional(PrechatAnswers),
});
/** message.send as the protocol takes it: text or attachments, never neither. */
const SendMessage = v.pipe(
  SendMessageFrame,
  v.check((f) => f.text.trim() !== '' || (f.attachments?.length ?? 0) > 0, 'message_empty' satisfies ErrorCode),
);

/** Visitor only: ends its open conversation ("End chat"); the agent still wraps it up (SPEC R8). */
export const EndConversationFrame = v.object({ type: v.literal('conversation.end'), conversationId: Id });

/** A request id the client makes; the answer (`ticket`, `done`) or an `error` names it. Resending is harmless. */
const RequestId = v.pipe(v.string(), v.uuid());

/**
 * Someone is writing in a conversation (SPEC W1): sent when typing starts and every few seconds while it
 * goes on (`on: true`), and `on: false` when it stops or the draft is sent. Relayed, never stored.
 */
export const TypingFrame = v.object({ type: v.literal('typing'), conversationId: Id, on: v.boolean() });

/** The sender has seen the conversation up to `seq` (SPEC W2). Kept per side; only ever moves forward. */
export const SeenFrame = v.object({ type: v.literal('seen'), conversationId: Id, seq: Seq });

/** Visitor only: its conversations, newest first (SPEC W7); answered by a `conversations` frame. */
export const ListConversationsFrame = v.object({ type: v.literal('conversations.list'), clientId: RequestId });
const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254, 'invalid_email' satisfies ErrorCode), v.email('invalid_email' satisfies ErrorCode));

/** Visitor only: the leave-a-message form (SPEC T1). `fields` are the site's form fields by key. */
export const CreateTicketFrame = v.object({
  type: v.literal('ticket.create'),
  clientId: RequestId,
  fields: v.pipe(v.record(v.pipe(v.string(), v.maxLength(40)), v.pipe(v.string(), v.maxLength(4000))), v.check((f) => Object.keys(f).length <= 20, 'invalid_request' satisfies ErrorCode)),
});

/** Visitor only: rates a conversation it ended or that was closed (SPEC T5). */
export const RateFrame = v.object({
  type: v.literal('conversation.rate'),
  clientId: RequestId,
  conversationId: Id,
  score: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
  comment: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(1000))),
});

/** Visitor only: e-mails the conversation's transcript (SPEC T6). */
export const EmailTranscriptFrame = v.object({
  type: v.literal('transcript.email'),
  clientId: RequestId,
  conversationId: Id,
  email: Email,
});

/** Issue 15: visitor only: the address its chat's ticket (T2, T3) is answered at; answered by `done`. */
export const TicketEmailFrame = v.object({
  type: v.literal('ticket.email'),
  clientId: RequestId,
  conversationId: Id,
  email: Email,
});

export const WatchFrame = v.object({ type: v.literal('watch'), conversationId: Id, afterSeq: Seq });
export const UnwatchFrame = v.object({ type: v.literal('unwatch'), conversationId: Id });
/** `id` is echoed in the pong, so it must survive JSON: 1e999 parses to Infinity, which would go back as null. */
export const PingFrame = v.object({ type: v.literal('ping'), id: v.optional(v.pipe(v.number(), v.finite())) });

// Issue 15 (internal chat): the agents' team channel and direct messages; agents only, visitors are refused.
const ChannelId = v.pipe(v.string(), v.minLength(1), v.maxLength(160));
/** Sends to a channel ('team' or shared/internal-chat.ts directChannelId); answered `internal.ack`, or an error naming `clientId`. */
export const InternalSendFrame = v.object({ type: v.literal('internal.send'), clientId: v.pipe(v.string(), v.uuid()), channelId: ChannelId, text: MessageText });
/** The agent has read the channel up to `seq`; its read mark is only ever raised. */
export const InternalSeenFrame = v.object({ type: v.literal('internal.seen'), channelId: ChannelId, seq: Seq });
/** A page of a channel: after `afterSeq` (catch-up), or before `beforeSeq` (older; neither: the newest). Answered `internal.history`. */
export const InternalLoadFrame = v.object({ type: v.literal('internal.load'), clientId: RequestId, channelId: ChannelId, afterSeq: v.optional(Seq), beforeSeq: v.optional(Seq) });
/** The agent's channels with their unread marks, and the agents it may write to. Answered `internal.channels`. */
export const InternalListFrame = v.object({ type: v.literal('internal.list'), clientId: RequestId });

export const ClientFrame = v.variant('type', [
  HelloFrame,
  SendMessage,
  EndConversationFrame,
  CreateTicketFrame,
  RateFrame,
  EmailTranscriptFrame,
  WatchFrame,
  UnwatchFrame,
  PingFrame,
  TypingFrame,
  SeenFrame,
  ListConversationsFrame,
  // Issue 15 (visitor promises and tickets)
  TicketEmailFrame,
  // Issue 15 (internal chat)
  InternalSendFrame,
  InternalSeenFrame,
  InternalLoadFrame,
  InternalListFrame,
]);
export type ClientFrame = v.InferOutput<typeof ClientFrame>;
export type HelloFrame = v.InferOutput<typeof HelloFrame>;
export type SendMessageFrame = v.InferOutput<typeof SendMessageFrame>;

const CLIENT_FRAME_TYPES: ReadonlySet<string> = new Set([
  'hello',
  'message.send',
  'conversation.end',
  'ticket.create',
  'conversation.rate',
  'transcript.email',
  'watch',
  'unwatch',
  'ping',
  'typing',
  'seen',
  'conversations.list',
  // Issue 15 (visitor promises and tickets)
  'ticket.email',
  // Issue 15 (internal chat)
  'internal.send',
  'internal.seen',
  'internal.load',
  'internal.list',
]);

// ---------------------------------------------------------------------------------------------------------
// Shapes inside server frames

export const AUTHOR_KINDS = ['visitor', 'agent', 'bot', 'system'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

/**
 * Event kinds this version writes. On the wire `kind` is any string so an older client skips a kind it does
 * not know instead of dropping the frame.
 */
export const EVENT_KINDS = [
  'created',
  'queued',
  'message',
  'note',
  'offered',
  'accepted',
  'no_answer',
  'assigned',
  'transfer_requested',
  'transfer_accepted',
  'transfer_abandoned',
  'conference_requested',
  'conference_joined',
  'conference_abandoned',
  'conference_left',
  'priority_changed',
  'requester_edited',
  'labels_changed',
  'ended_by_visitor',
  'closed',
  'archived',
  'unarchived',
  'bot_handoff',
  'returned_to_bot',
  'ticket_created',
  'rated',
  // Issue 15 (visitor promises and tickets): the address a visitor gave for its ticket's replies.
  'ticket_email',
  // Issue 15, conversation screen: a closed conversation opened again (SPEC R8b).
  'reopened',
  // Issue 15 (flow): a request or an offer declined by its target; an agent's wrap-up after a hand-over.
  'transfer_declined',
  'conference_declined',
  'wrapped_up',
  'offer_declined',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Structured detail of an event (who was offered, the wrap-up reason, the new priority...). */
export const EventData = v.record(
  v.string(),
  v.union([v.string(), v.number(), v.boolean(), v.null(), v.array(v.string())]),
);
export type EventData = v.InferOutput<typeof EventData>;

export const Author = v.object({
  kind: v.picklist(AUTHOR_KINDS),
  id: v.nullable(v.string()),
  name: v.nullable(v.string()),
});
export type Author = v.InferOutput<typeof Author>;

/** A file sent with a message (SPEC W3). Fetched at `/api/v1/files/{id}` by the conversation's participants. */
export const Attachment = v.object({
  id: v.string(),
  /** The sender's file name, cleaned (no path, no control characters). */
  name: v.string(),
  /** The type detected from the file's bytes, never the name's or the browser's claim. */
  mime: v.string(),
  size: v.number(),
  /** Images are shown inline; documents are offered as downloads. */
  kind: v.picklist(['image', 'document']),
});
export type Attachment = v.InferOutput<typeof Attachment>;

/** One entry of a conversation's event log. `seq` is gap-free per conversation (SPEC D1). */
export const ConversationEvent = v.object({
  conversationId: v.string(),
  seq: Seq,
  kind: v.string(),
  author: Author,
  clientId: v.nullable(v.string()),
  text: v.nullable(v.string()),
  /** Absent on messages (the hot path); set on workflow events. */
  data: v.optional(EventData),
  /** Files sent with this message; absent when there are none (SPEC W3). */
  attachments: v.optional(v.array(Attachment)),
  at: Millis,
});
export type ConversationEvent = v.InferOutput<typeof ConversationEvent>;

/** open: visitor and agents write; ended: the visitor ended it, the agent still wraps up; closed: wrapped up. */
export const CONVERSATION_STATUSES = ['open', 'ended', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** 0 low, 1 normal, 2 high, 3 urgent. Routing serves higher priority first (SPEC R2). */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PriorityValue = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3));

/** An offer to one agent, open until `expiresAt` (SPEC R4). */
export const Offer = v.object({ agentId: v.string(), agentName: v.string(), expiresAt: Millis });
export type Offer = v.InferOutput<typeof Offer>;

/** A transfer or conference invitation waiting for its target (SPEC R6, R7). */
export const PendingRequest = v.object({
  kind: v.picklist(['transfer', 'conference']),
  fromAgentId: v.string(),
  /** Who asked, for the target's request card (plain agents do not receive others' presence). */
  fromName: v.optional(v.string()),
  toAgentId: v.nullable(v.string()),
  toQueueId: v.nullable(v.string()),
  /** Agent or queue name, for the lists. */
  toName: v.string(),
  expiresAt: Millis,
  /** Issue 15: the sender's hand-off note, for agents only (never the visitor). */
  note: v.optional(v.string()),
});
export type PendingRequest = v.InferOutput<typeof PendingRequest>;

export const Participant = v.object({ id: v.string(), name: v.string() });
export type Participant = v.InferOutput<typeof Participant>;

/** What an agent's lists show of a conversation. */
export const ConversationSummary = v.object({
  id: v.string(),
  siteId: v.string(),
  visitorId: v.string(),
  /** Null until the visitor gives a name; the console shows a label made from the visitor id. */
  visitorName: v.nullable(v.string()),
  status: v.picklist(CONVERSATION_STATUSES),
  assignedAgentId: v.nullable(v.string()),
  assignedAgentName: v.nullable(v.string()),
  lastSeq: Seq,
  lastMessage: v.nullable(v.object({ text: v.string(), authorKind: v.picklist(AUTHOR_KINDS), at: Millis })),
  createdAt: Millis,
  updatedAt: Millis,
  queueId: v.nullable(v.string()),
  /** When it last entered a queue: waiting time, the second routing key after priority (SPEC R2). */
  queuedAt: v.nullable(Millis),
  priority: PriorityValue,
  /** True while the site's bot holds it (SPEC R12). */
  bot: v.boolean(),
  offer: v.nullable(Offer),
  request: v.nullable(PendingRequest),
  /** Conference guests besides the assigned agent. */
  participants: v.array(Participant),
  labels: v.array(v.string()),
  requesterEmail: v.nullable(v.string()),
  wrapUpReason: v.nullable(v.string()),
  archived: v.boolean(),
  /** The visitor's first message: the offer popover shows it. */
  firstMessage: v.nullable(v.string()),
  /** What the agents / the visitor have seen of it (SPEC W2); absent: 0 (nothing seen yet, or an older server). */
  agentSeenSeq: v.optional(Seq),
  visitorSeenSeq: v.optional(Seq),
  /** Issue 15, proactive chats: an agent started it (R11); every list marks it. */
  proactive: v.boolean(),
});
export type ConversationSummary = v.InferOutput<typeof ConversationSummary>;

export const AGENT_ROLES = ['agent', 'supervisor', 'admin'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const AgentProfile = v.object({
  id: v.string(),
  name: v.string(),
  email: v.string(),
  role: v.picklist(AGENT_ROLES),
});
export type AgentProfile = v.InferOutput<typeof AgentProfile>;

/** Available, Unavailable (away) and No-answer are chosen or entered; Offline means no console is connected. */
export const AGENT_STATES = ['available', 'unavailable', 'rona', 'offline'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** One agent as supervisors see it live (SPEC R1). */
export const AgentPresence = v.object({
  id: v.string(),
  name: v.string(),
  role: v.picklist(AGENT_ROLES),
  state: v.picklist(AGENT_STATES),
  capacity: v.number(),
  queueIds: v.array(v.string()),
  /** When the state last changed; 0 when it never did: an agent who never signed in (issue 15). */
  since: Millis,
});
export type AgentPresence = v.InferOutput<typeof AgentPresence>;

export const ROUTING_STRATEGIES = ['broadcast', 'round_robin', 'least_busy'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export const QueueInfo = v.object({
  id: v.string(),
  siteId: v.string(),
  name: v.string(),
  strategy: v.picklist(ROUTING_STRATEGIES),
  offerTimeoutMs: v.number(),
});
export type QueueInfo = v.InferOutput<typeof QueueInfo>;

// ---------------------------------------------------------------------------------------------------------
// Server -> client

/** One field of the site's leave-a-message form (SPEC T1). `email` and `message` are always there. */
export const OfflineField = v.object({
  key: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,39}$/)),
  label: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
  type: v.picklist(['text', 'email', 'tel', 'textarea']),
  required: v.boolean(),
});
export type OfflineField = v.InferOutput<typeof OfflineField>;

/** The site's widget settings as the widget reads them (SPEC W4, W5, W6, W8); the admin API edits them. */
export const WidgetSettings = v.object({
  /** The accent colour, `#rrggbb`; the widget picks black or white text on it, whichever contrasts more. */
  color: v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/)),
  position: v.picklist(['right', 'left']),
  /** Text beside the launcher icon; null: the icon alone. */
  launcherText: v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(40))),
  /** The first bubble of every conversation; null: the widget's own greeting in the visitor's language. */
  greeting: v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(300))),
  /** How agents appear to visitors: name and initials avatar, name only, or a generic "Agent". */
  agentDisplay: v.picklist(['name_avatar', 'name', 'anonymous']),
  /** The site's language for its widget; null: from the page (`data-lang`, `<html lang>`) or the browser. */
  locale: v.nullable(v.picklist(['pt-BR', 'en', 'es'])),
  /** Shown before a visitor's first message of a conversation, unless the host page identified them (SPEC W5). */
  prechat: v.object({
    enabled: v.boolean(),
    name: v.picklist(['off', 'optional', 'required']),
    email: v.picklist(['off', 'optional', 'required']),
    /** Queues the visitor may choose among (ids with names); empty: no choice. */
    queues: v.pipe(v.array(v.object({ id: v.string(), name: v.string() })), v.maxLength(20)),
    /** A text the visitor must accept (a checkbox) to start; null: none. */
    consent: v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500))),
  }),
  /** Files (SPEC W3): whether visitors may send them, and the largest size in bytes. */
  uploads: v.object({ enabled: v.boolean(), maxBytes: v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(50 * 1024 * 1024)) }),
  /** Strict identity (SPEC W6): anonymous visitors may not chat; the launcher waits for `Papo.identify`. */
  strictIdentity: v.boolean(),
});
export type WidgetSettings = v.InferOutput<typeof WidgetSettings>;

/** What the widget needs to know about its site before the visitor writes (SPEC T1). */
export const SiteStatus = v.object({
  /** Someone can answer now: an agent of the visitor's queue is Available with room, within business hours. */
  online: v.boolean(),
  offlineFields: v.array(OfflineField),
  /** Absent from older servers' welcomes: the defaults. */
  widget: v.optional(WidgetSettings),
  /** Issue 15: whether the server sends e-mail (SMTP configured); off, the widget promises none. Absent: on. */
  email: v.optional(v.boolean()),
});
export type SiteStatus = v.InferOutput<typeof SiteStatus>;

const VisitorSession = v.object({
  role: v.literal('visitor'),
  visitorId: v.string(),
  /** A fresh token (rolling expiry); the widget stores it in place of the old one. */
  token: v.string(),
  tokenExpiresAt: Millis,
  /**
   * The visitor's open conversation, or the one it resumed; null before its first message. `agentSeenSeq`:
   * what the agents have seen of it; `visitorSeenSeq`: what the visitor has (any tab, any device) (SPEC W2).
   */
  conversation: v.nullable(
    v.object({
      id: v.string(),
      status: v.picklist(CONVERSATION_STATUSES),
      lastSeq: Seq,
      agentSeenSeq: v.optional(Seq),
      visitorSeenSeq: v.optional(Seq),
    }),
  ),
  site: SiteStatus,
  /** The identified user behind this visitor (SPEC W6); null for an anonymous visitor. */
  identity: v.optional(v.nullable(v.object({ userId: v.string(), name: v.nullable(v.string()), email: v.nullable(v.string()) }))),
});

const AgentSession = v.object({
  role: v.literal('agent'),
  agent: AgentProfile,
  /** The inbox: open conversations this agent may see, newest activity first. */
  conversations: v.array(ConversationSummary),
  /** Supervisors and admins: every agent; agents: only themselves. */
  presence: v.array(AgentPresence),
  queues: v.array(QueueInfo),
});

export const WelcomeFrame = v.object({
  type: v.literal('welcome'),
  v: v.number(),
  session: v.variant('role', [VisitorSession, AgentSession]),
});

/** Replay (SPEC D5) or, with `reset`, a snapshot that replaces what the client holds (SPEC D6). */
export const HistoryFrame = v.object({
  type: v.literal('history'),
  conversationId: v.string(),
  events: v.array(ConversationEvent),
  reset: v.boolean(),
  /** The conversation's newest sequence when this frame was made. */
  lastSeq: Seq,
  /** With `reset`: older events exist before the first one sent. */
  hasMore: v.boolean(),
});

/** A live event of a conversation the client watches; agents also get the conversation's new summary. */
export const EventFrame = v.object({
  type: v.literal('event'),
  event: ConversationEvent,
  conversation: v.optional(ConversationSummary),
});

/** An agent's inbox entry changed (a conversation it does not watch). */
export const ConversationFrame = v.object({ type: v.literal('conversation'), conversation: ConversationSummary });

/** The message with this client id is committed at `seq` (SPEC D4). */
export const AckFrame = v.object({
  type: v.literal('ack'),
  clientId: v.string(),
  conversationId: v.string(),
  seq: Seq,
});

export const ErrorFrame = v.object({
  type: v.literal('error'),
  code: v.string(),
  message: v.string(),
  /** With `rate_limited` and `storage_unavailable` (SPEC D15): when to try again. */
  retryAfterMs: v.optional(v.number()),
  /** Set when the error answers a frame with a clientId (a message, a form, a rating, a transcript request): nothing was stored for it. */
  clientId: v.optional(v.string()),
});

export const PongFrame = v.object({ type: v.literal('pong'), id: v.optional(v.number()) });

/** An agent's state changed (SPEC R1): to supervisors and admins, and to the agent itself. */
export const PresenceFrame = v.object({ type: v.literal('presence'), agent: AgentPresence });

/** Visitors: whether someone can answer changed (SPEC T1). */
export const AvailabilityFrame = v.object({ type: v.literal('availability'), online: v.boolean() });

/** Visitors: the ticket a `ticket.create` made (or had made, when resent): its number (SPEC T1). */
export const TicketFrame = v.object({ type: v.literal('ticket'), clientId: v.string(), number: v.number() });

/** Visitors: a rating or a transcript e-mail request is done. */
export const DoneFrame = v.object({ type: v.literal('done'), clientId: v.string() });

/** Agents: a conversation left this agent's sight (deleted, or now someone else's); drop it from the lists. */
export const GoneFrame = v.object({ type: v.literal('gone'), conversationId: v.string() });

/**
 * Someone else is writing in a conversation the client is part of (SPEC W1). `on: false`, or no news for
 * TYPING_TTL_MS, ends it. Visitors see agents and bots by name; agents see the visitor.
 */
export const TypingServerFrame = v.object({ type: v.literal('typing'), conversationId: v.string(), author: Author, on: v.boolean() });
/** How long a `typing` with `on: true` lasts without another. */
export const TYPING_TTL_MS = 6000;

/** One side has seen the conversation up to `seq` (SPEC W2): agents' reads go to the visitor, and both to their own other tabs. */
export const SeenServerFrame = v.object({ type: v.literal('seen'), conversationId: v.string(), by: v.picklist(['agent', 'visitor']), seq: Seq });

/** One of a visitor's conversations, as its list shows it (SPEC W7). */
export const VisitorConversation = v.object({
  id: v.string(),
  status: v.picklist(CONVERSATION_STATUSES),
  createdAt: Millis,
  updatedAt: Millis,
  lastSeq: Seq,
  lastMessage: v.nullable(v.object({ text: v.string(), authorKind: v.picklist(AUTHOR_KINDS), at: Millis })),
  /** Agent messages after what the visitor has seen. */
  unread: v.number(),
});
export type VisitorConversation = v.InferOutput<typeof VisitorConversation>;

/** Visitors: the answer to `conversations.list`, newest activity first (at most 50). */
export const ConversationsFrame = v.object({ type: v.literal('conversations'), clientId: v.string(), conversations: v.array(VisitorConversation) });

// Issue 15 (widget feedback): what a waiting visitor is told.
/**
 * Visitors, while their conversation waits for an agent: its place in its queue (1 = next; null when not
 * known, e.g. while an agent is being offered it) and the site's usual first-response time in ms (the
 * median of its recent first responses; null before there are any). Sent when either changes.
 */
export const WaitFrame = v.object({ type: v.literal('wait'), conversationId: v.string(), position: v.nullable(v.number()), typicalMs: v.nullable(v.number()) });
export type WaitFrame = v.InferOutput<typeof WaitFrame>;
/**
 * Issue 15 (flow), agents only: how this agent's transfer or invitation ended (accepted, declined and by whom,
 * expired), or that its part in a conversation ended (a transfer it handed over, a conference it left) and a
 * wrap-up reason is asked. Sent even when the conversation left the agent's sight with that event.
 */
export const WorkflowNoticeFrame = v.object({
  type: v.literal('workflow.notice'),
  conversationId: v.string(),
  visitorId: v.string(),
  visitorName: v.nullable(v.string()),
  kind: v.picklist(['transfer', 'conference']),
  outcome: v.picklist(['accepted', 'declined', 'expired', 'left']),
  by: v.nullable(v.string()),
  to: v.nullable(v.string()),
  wrapUp: v.boolean(),
});
export type WorkflowNoticeFrame = v.InferOutput<typeof WorkflowNoticeFrame>;
// Issue 15 (internal chat): agents only; a visitor's socket is never sent any of these.
/** One message of a channel; `seq` is gap-free per channel. */
export const InternalMessage = v.object({
  channelId: v.string(),
  seq: Seq,
  authorId: v.string(),
  authorName: v.string(),
  clientId: v.string(),
  text: v.string(),
  at: Millis,
});
export type InternalMessage = v.InferOutput<typeof InternalMessage>;
/** A channel as one agent sees it: `seenSeq` its read mark; `peer` the other agent of a direct channel. */
export const InternalChannelInfo = v.object({
  id: v.string(),
  kind: v.picklist(['team', 'direct']),
  peer: v.nullable(Participant),
  lastSeq: Seq,
  seenSeq: Seq,
  lastMessageAt: v.nullable(Millis),
});
export type InternalChannelInfo = v.InferOutput<typeof InternalChannelInfo>;
/** A new message in a channel the agent is in (its own too, from any of its consoles). */
export const InternalMessageFrame = v.object({ type: v.literal('internal.message'), message: InternalMessage });
/** The `internal.send` with this client id is stored at `seq`. */
export const InternalAckFrame = v.object({ type: v.literal('internal.ack'), clientId: v.string(), channelId: v.string(), seq: Seq });
/** The answer to `internal.load`: messages oldest first; `hasMore`: more exist beyond the page in the direction asked. */
export const InternalHistoryFrame = v.object({
  type: v.literal('internal.history'),
  clientId: v.string(),
  channelId: v.string(),
  messages: v.array(InternalMessage),
  hasMore: v.boolean(),
  lastSeq: Seq,
});
/** The answer to `internal.list`: the agent's channels, and every enabled agent but itself (to start a direct chat). */
export const InternalChannelsFrame = v.object({ type: v.literal('internal.channels'), clientId: v.string(), channels: v.array(InternalChannelInfo), agents: v.array(Participant) });
/** This agent's read mark of a channel moved (in another of its consoles): its unread count follows. */
export const InternalSeenServerFrame = v.object({ type: v.literal('internal.seen'), channelId: v.string(), seq: Seq });

export const ServerFrame = v.variant('type', [
  WelcomeFrame,
  HistoryFrame,
  EventFrame,
  ConversationFrame,
  AckFrame,
  ErrorFrame,
  PongFrame,
  PresenceFrame,
  GoneFrame,
  AvailabilityFrame,
  TicketFrame,
  DoneFrame,
  TypingServerFrame,
  SeenServerFrame,
  ConversationsFrame,
  WaitFrame,
  // Issue 15 (flow).
  WorkflowNoticeFrame,
  // Issue 15 (internal chat)
  InternalMessageFrame,
  InternalAckFrame,
  InternalHistoryFrame,
  InternalChannelsFrame,
  InternalSeenServerFrame,
]);
export type ServerFrame = v.InferOutput<typeof ServerFrame>;
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrame>;
export type HistoryFrame = v.InferOutput<typeof HistoryFrame>;
export type EventFrame = v.InferOutput<typeof EventFrame>;
export type AckFrame = v.InferOutput<typeof AckFrame>;
export type ErrorFrame = v.InferOutput<typeof ErrorFrame>;
export type PresenceFrame = v.InferOutput<typeof PresenceFrame>;

// ---------------------------------------------------------------------------------------------------------
// Parsing

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/**
 * Parses one frame from a client. Never throws: bad JSON, an unknown type and a shape that does not match
 * each get their own error code (SPEC D9). `raw` is the frame's text decoded from UTF-8; its strings come out
 * well-formed (SPEC D14).
 *
 * @example parseClientFrame('{"type":"ping"}') // { ok: true, value: { type: 'ping' } }
 */
/**
 * Issue 12: each frame type's own schema, for a frame whose type is already known. The variant tries every
 * option's discriminator on every frame (an object and a dataset each: about 0.7 KB per message.send);
 * the option it would pick reports the same issues.
 */
let clientFrameSchemas: ReadonlyMap<string, v.GenericSchema<unknown, ClientFrame>> | null = null;
/** Made on first use, not at import: a top-level call would keep every client frame's schema in the widget's bundle (3 KB gzip). */
function clientFrameSchema(type: string): v.GenericSchema<unknown, ClientFrame> | undefined {
  clientFrameSchemas ??= new Map(ClientFrame.options.map((schema) => [schema.entries.type.literal, schema as v.GenericSchema<unknown, ClientFrame>]));
  return clientFrameSchemas.get(type);
}

export function parseClientFrame(raw: string): Parsed<ClientFrame> & { clientId?: string } {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'The frame is not valid JSON.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'invalid_frame', message: 'A frame is a JSON object with a "type".' };
  }
  // SPEC D14: lone surrogates become U+FFFD before any check (lengths count the text that is stored). The
  // test on the raw text skips the walk for almost every frame.
  if (mayHoldLoneSurrogate(raw)) wellFormed(data);
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || !CLIENT_FRAME_TYPES.has(type)) {
    // Only a string or a scalar is quoted back: JSON.stringify of a deeply nested array throws RangeError,
    // and a throw here leaves the socket's message handler and stops the process (issue 6, fuzz.test.ts).
    const shown =
      typeof type === 'object' && type !== null
        ? Array.isArray(type) ? 'array' : 'object'
        : JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : (type ?? null)).slice(0, 40);
    return { ok: false, code: 'unknown_frame_type', message: `Unknown frame type ${shown}.` };
  }
  const result = fromResult(v.safeParse(clientFrameSchema(type) ?? ClientFrame, data));
  if (result.ok) return result;
  // A refused message.send names its client id, so the sender knows which message was not stored.
  const clientId = (data as { clientId?: unknown }).clientId;
  return typeof clientId === 'string' && clientId.length <= 64 ? { ...result, clientId } : result;
}

/** Parses one frame from the server (the widget and console trust nothing they have not checked). */
export function parseServerFrame(raw: string): Parsed<ServerFrame> {
  const json = readJson(raw);
  return json.ok ? fromResult(v.safeParse(ServerFrame, json.value)) : json;
}

function readJson(raw: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, code: 'invalid_json', message: 'The frame is not valid JSON.' };
  }
}

/**
 * Validates a request body (or a query) against a schema; the first failing check names the error code when
 * it can. Its strings are first made well-formed, in place (SPEC D14).
 */
export function parseBody<S extends v.GenericSchema>(schema: S, data: unknown): Parsed<v.InferOutput<S>> {
  return fromResult(v.safeParse(schema, wellFormed(data)), 'invalid_request');
}

function fromResult<T>(
  result: v.SafeParseResult<v.GenericSchema<unknown, T>>,
  fallback: ErrorCode = 'invalid_frame',
): Parsed<T> {
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  if (isErrorCode(issue.message)) {
    return { ok: false, code: issue.message, message: ERRORS[issue.message].message };
  }
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return { ok: false, code: fallback, message: path ? `${path}: ${issue.message}` : issue.message };
}


// ---------------------------------------------------------------------------------------------------------
// The visitor's side

/**
 * The frames a visitor's socket receives: `ServerFrame` without the agent-only ones (inbox summaries,
 * presence, gone, the agent welcome). The widget parses with this, so its bundle leaves the agent schemas
 * out (DESIGN.md size budget). Every value is also a `ServerFrame`.
 */
export const VisitorServerFrame = v.variant('type', [
  v.object({ type: v.literal('welcome'), v: v.number(), session: VisitorSession }),
  HistoryFrame,
  /** Visitors never get the agents' conversation summary with an event. */
  v.object({ type: v.literal('event'), event: ConversationEvent }),
  AckFrame,
  ErrorFrame,
  PongFrame,
  AvailabilityFrame,
  TicketFrame,
  DoneFrame,
  TypingServerFrame,
  SeenServerFrame,
  ConversationsFrame,
  WaitFrame,
]);
export type VisitorServerFrame = v.InferOutput<typeof VisitorServerFrame>;

/** Set by the widget's build to `shapeOf(VisitorServerFrame)` (vite.config.ts); absent elsewhere. */
declare const __PAPO_VISITOR_FRAME_SHAPE__: Shape | undefined;
let visitorShape: Shape | undefined;

/**
 * Parses one frame from the server on a visitor's socket; an agent-only frame is `invalid_frame`. It checks
 * the frame against the plain-data shape of `VisitorServerFrame` (shared/frame-shape.ts), which the widget's
 * build derives ahead of time: the widget carries neither valibot nor the table of every error message.
 */
export function parseVisitorServerFrame(raw: string): Parsed<VisitorServerFrame> {
  const json = readJson(raw);
  if (!json.ok) return json;
  visitorShape ??= typeof __PAPO_VISITOR_FRAME_SHAPE__ === 'undefined' ? shapeOf(VisitorServerFrame) : __PAPO_VISITOR_FRAME_SHAPE__;
  return fits(visitorShape, json.value)
    ? { ok: true, value: json.value as VisitorServerFrame }
    : { ok: false, code: 'invalid_frame', message: 'Not a frame for visitors.' };
}
