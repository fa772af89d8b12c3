/**
 * @module Request bodies and queries of Papo's HTTP API, as runtime schemas (shared/routes.ts says which
 * route takes which). Answers are typed here too so the console and the server cannot drift.
 */
import * as v from 'valibot';
import { HISTORY_PAGE_EVENTS, MAX_EMAIL_CHARS, MAX_MESSAGE_CHARS, MAX_NAME_CHARS, MAX_PASSWORD_CHARS } from './limits';
import {
  AGENT_ROLES,
  MessageText,
  OfflineField,
  WidgetSettings,
  PriorityValue,
  ROUTING_STRATEGIES,
  type AgentPresence,
  type AgentProfile,
  type ConversationEvent,
  type ConversationSummary,
  type QueueInfo,
} from './protocol';

export const LoginBody = v.object({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(MAX_EMAIL_CHARS), v.email()),
  password: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PASSWORD_CHARS)),
});
export type LoginBody = v.InferOutput<typeof LoginBody>;

/** Issue 6: a password change ends every session of the agent. */
export const PasswordBody = v.object({
  currentPassword: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PASSWORD_CHARS)),
  newPassword: v.pipe(v.string(), v.minLength(10, 'newPassword: at least 10 characters'), v.maxLength(MAX_PASSWORD_CHARS)),
});

export interface LoginAnswer {
  agent: AgentProfile;
}

/** GET /conversations: one view of the list, filtered (issue 3), a page at a time (issue 12). */
export const ConversationListQuery = v.object({
  view: v.optional(v.picklist(['open', 'closed', 'archived']), 'open'),
  queue: v.optional(v.pipe(v.string(), v.maxLength(64))),
  agent: v.optional(v.pipe(v.string(), v.maxLength(64))),
  label: v.optional(v.pipe(v.string(), v.maxLength(40))),
  priority: v.optional(v.pipe(v.string(), v.regex(/^[0-3]$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(500)), '200'),
  /** Issue 12: the previous page's nextCursor. */
  cursor: v.optional(v.string()),
});
export type ConversationListQuery = v.InferOutput<typeof ConversationListQuery>;

/** GET /conversations/{id}/events: the page of events before `before`. */
export const EventPageQuery = v.object({
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(HISTORY_PAGE_EVENTS))),
});

export interface ConversationListAnswer {
  conversations: ConversationSummary[];
  /**
   * Issue 12: hand this back as `cursor` for the next page (newest activity first); null on the last page.
   * Opaque: only the server reads it.
   */
  nextCursor: string | null;
}

export interface EventPageAnswer {
  events: ConversationEvent[];
  /** Older events exist before the first one in this page. */
  hasMore: boolean;
}

export interface ErrorAnswer {
  /** `retryAfterMs` comes with `rate_limited` (and a Retry-After header). */
  error: { code: string; message: string; retryAfterMs?: number };
}

// ---------------------------------------------------------------------------------------------------------
// Agent workflow (issue 3). Routes are under /api/v1; every one needs the session cookie and checks the
// caller's role on the server (SPEC R10). Answers that change a conversation return its new summary; the
// same change also reaches every console live over the socket.

/** Issue 15: a transfer's or an invitation's hand-off note. */
export const MAX_HANDOFF_NOTE_CHARS = 500;

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(MAX_EMAIL_CHARS, 'invalid_email'), v.email('invalid_email'));
const IdField = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const AvailabilityBody = v.object({ state: v.picklist(['available', 'unavailable']) });
export type AvailabilityBody = v.InferOutput<typeof AvailabilityBody>;

export const PrefsBody = v.object({ sound: v.optional(v.boolean()), preview: v.optional(v.boolean()) });

/** Transfer (SPEC R6) or conference invitation (SPEC R7): exactly one of agentId and queueId. */
export const RequestBody = v.pipe(
  v.object({
    agentId: v.optional(IdField),
    queueId: v.optional(IdField),
    /** Issue 15: the hand-off note the target reads (agents only, never the visitor). */
    note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_HANDOFF_NOTE_CHARS))),
  }),
  v.check((b) => (b.agentId === undefined) !== (b.queueId === undefined), 'Name exactly one of agentId and queueId.'),
);

export const CloseBody = v.object({ reasonId: IdField });
/** Issue 15 (SPEC R8a): the wrap-up reason, needed unless the conversation is already closed. */
export const ResolveBody = v.object({ reasonId: v.optional(IdField) });
/** Issue 15: the wrap-up reason after a transfer or after leaving a conference. */
export const WrapUpBody = v.object({ reasonId: IdField });
export const PriorityBody = v.object({ priority: PriorityValue });
export const RequesterBody = v.object({
  name: v.nullable(Text(MAX_NAME_CHARS)),
  email: v.nullable(Email),
});
export const LabelsBody = v.object({
  labels: v.pipe(v.array(v.pipe(Text(40), v.toLowerCase())), v.maxLength(20)),
});

export const CannedReplyBody = v.object({
  title: Text(120),
  text: Text(MAX_MESSAGE_CHARS),
  category: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(60)), ''),
  language: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'language: a tag such as pt-BR')), 'pt-BR'),
});
export type CannedReplyBody = v.InferOutput<typeof CannedReplyBody>;

/** GET /canned-replies: text in the title or text, category and language (any case). */
export const CannedReplyQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(100))),
  category: v.optional(v.pipe(v.string(), v.maxLength(60))),
  language: v.optional(v.pipe(v.string(), v.maxLength(20))),
});

export const WrapUpReasonBody = v.object({ label: Text(80) });

export const QueueBody = v.object({
  name: Text(60),
  strategy: v.picklist(ROUTING_STRATEGIES),
  /** At most 10 min. The console offers 5 s and up; the floor of 50 ms lets tests run an offer timer quickly. */
  offerTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(50), v.maxValue(600_000)), 30_000),
  siteId: v.optional(IdField),
  agentIds: v.optional(v.array(IdField)),
});
export type QueueBody = v.InferOutput<typeof QueueBody>;
export const QueuePatchBody = v.partial(v.omit(QueueBody, ['siteId']));

export const AgentBody = v.object({
  email: Email,
  name: Text(MAX_NAME_CHARS),
  password: v.pipe(v.string(), v.minLength(10), v.maxLength(MAX_PASSWORD_CHARS)),
  role: v.picklist(AGENT_ROLES),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)), 3),
  queueIds: v.optional(v.array(IdField), []),
});
export type AgentBody = v.InferOutput<typeof AgentBody>;

export const AgentPatchBody = v.object({
  name: v.optional(Text(MAX_NAME_CHARS)),
  role: v.optional(v.picklist(AGENT_ROLES)),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50))),
  queueIds: v.optional(v.array(IdField)),
});

/** Issue 6: a disabled agent cannot sign in; its sessions and sockets end. */
export const DisabledBody = v.object({ disabled: v.boolean() });

export const SiteBotBody = v.object({
  /** http(s) URL the visitor's messages are POSTed to, or null to turn the bot off. */
  botWebhookUrl: v.nullable(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'botWebhookUrl: http or https'))),
});

export const ProactiveBody = v.object({
  clientId: v.pipe(v.string(), v.uuid()),
  text: MessageText,
});

/** The bot's own API (bearer token of its site): a reply, and the hand-off to a queue. */
export const BotMessageBody = v.object({ clientId: v.pipe(v.string(), v.uuid()), text: MessageText });
export const BotHandoffBody = v.object({
  queue: v.optional(v.pipe(v.string(), v.maxLength(100))),
  /** Issue 15: a named agent (id or e-mail) offered it first; the queue is the fallback. */
  agent: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(320))),
});

export interface ConversationAnswer {
  conversation: ConversationSummary;
}

/** The visitor panel (SPEC R11). */
export interface VisitorPanel {
  id: string;
  name: string | null;
  email: string | null;
  currentPage: { url: string; title: string | null } | null;
  referrer: string | null;
  browser: string | null;
  online: boolean;
  firstSeenAt: number;
  lastSeenAt: number | null;
  /** The visitor's other conversations, newest first. */
  previous: ConversationSummary[];
}

export interface ConversationDetailAnswer {
  conversation: ConversationSummary;
  visitor: VisitorPanel;
}

/** Who can take a transfer or an invitation right now (SPEC R6). */
export interface TargetsAnswer {
  agents: Array<{ id: string; name: string; load: number; capacity: number }>;
  queues: Array<{ id: string; name: string; available: number }>;
}

export interface CannedRepliesAnswer {
  cannedReplies: Array<{ id: string; title: string; text: string; category: string; language: string }>;
}

export interface WrapUpReasonsAnswer {
  reasons: Array<{ id: string; label: string }>;
}

export interface QueuesAnswer {
  queues: Array<QueueInfo & { agentIds: string[] }>;
}

export interface AgentsAnswer {
  agents: Array<AgentPresence & { email: string; load: number; disabled: boolean }>;
}

export interface MeAnswer {
  agent: AgentProfile;
  presence: AgentPresence;
  prefs: { sound: boolean; preview: boolean };
  /**
   * Issue 15, conversation screen: what the console offers depends on. `mail`: this server sends e-mail
   * (SMTP set). `sites`: per site, whether it has a bot (R12: "Return to bot") and its widget's language
   * (null: the page's or the browser's), the visitor's language as far as Papo knows it.
   */
  facts: { mail: boolean; sites: Array<{ id: string; bot: boolean; language: string | null }> };
}

/** Visitors with a widget connected now (SPEC R11). */
export interface LiveVisitorsAnswer {
  visitors: Array<{
    id: string;
    siteId: string;
    name: string | null;
    page: { url: string; title: string | null } | null;
    /** When its current visit began (first socket of this run). */
    since: number;
    returning: boolean;
    conversationId: string | null;
  }>;
}

export interface SitesAnswer {
  sites: SiteInfo[];
  /** Issue 15: where pages load the widget from (PUBLIC_URL, else the address the console used): the install snippet's. */
  serverUrl: string;
}

/** One site as the admin API answers it. */
export interface SiteInfo {
  id: string;
  name: string;
  key: string;
  defaultQueueId: string | null;
  botWebhookUrl: string | null;
}

export interface BotSettingsAnswer {
  siteId: string;
  botWebhookUrl: string | null;
  /** Set only in the answer that created it: shown once. */
  botToken: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Tickets (issue 4; SPEC T1-T8).

export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_TYPES = ['question', 'problem', 'incident', 'task'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
/** Where a ticket came from: the widget's form, a waiting chat turned into one, an agent. */
export const TICKET_SOURCES = ['offline_form', 'auto', 'agent'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export interface Ticket {
  id: string;
  /** Shown to people: 1, 2, 3... across the server. */
  number: number;
  siteId: string;
  status: TicketStatus;
  type: TicketType;
  priority: number;
  subject: string;
  description: string;
  requester: { name: string | null; email: string | null; visitorId: string | null };
  assigneeId: string | null;
  assigneeName: string | null;
  /** The conversation it came from or is about; its transcript is the ticket's. */
  conversationId: string | null;
  source: TicketSource;
  createdAt: number;
  updatedAt: number;
}

/** One line of a ticket's history: an internal note, a reply e-mailed to the requester, or a change. */
export interface TicketEntry {
  id: string;
  ticketId: string;
  kind: 'note' | 'reply' | 'change';
  authorId: string | null;
  authorName: string | null;
  text: string | null;
  /** For changes: the fields and their new values. */
  data: Record<string, string | number | null> | null;
  /** For replies: whether the e-mail went out. */
  emailed: boolean | null;
  at: number;
}

export const TicketCreateBody = v.object({
  subject: Text(200),
  description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(10_000)), ''),
  type: v.optional(v.picklist(TICKET_TYPES), 'question'),
  priority: v.optional(PriorityValue, 1),
  status: v.optional(v.picklist(TICKET_STATUSES), 'open'),
  /** A ticket about a conversation (the Cosmo Desk "chamado"): linked, with its transcript. */
  conversationId: v.optional(IdField),
  requesterName: v.optional(v.nullable(Text(MAX_NAME_CHARS))),
  requesterEmail: v.optional(v.nullable(Email)),
});

export const TicketPatchBody = v.object({
  status: v.optional(v.picklist(TICKET_STATUSES)),
  type: v.optional(v.picklist(TICKET_TYPES)),
  priority: v.optional(PriorityValue),
  subject: v.optional(Text(200)),
  assigneeId: v.optional(v.nullable(IdField)),
  requesterName: v.optional(v.nullable(Text(MAX_NAME_CHARS))),
  requesterEmail: v.optional(v.nullable(Email)),
});

export const TicketTextBody = v.object({ text: Text(10_000) });

/** "End conversation and create ticket" (SPEC T3). */
export const EndWithTicketBody = v.object({
  subject: v.optional(Text(200)),
  type: v.optional(v.picklist(TICKET_TYPES), 'question'),
  priority: v.optional(PriorityValue),
});

export interface TicketsAnswer {
  tickets: Ticket[];
}

export interface TicketDetailAnswer {
  ticket: Ticket;
  entries: TicketEntry[];
  /** The linked conversation's events (agents' view), oldest first; empty without one. */
  transcript: ConversationEvent[];
}

export interface TicketAnswer {
  ticket: Ticket;
}

/** Business hours in the site's time zone: per weekday (0 Sunday .. 6 Saturday) a list of [from, to) "HH:MM". */
export const BusinessHours = v.object({
  timeZone: v.pipe(v.string(), v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'timeZone: an IANA zone such as America/Sao_Paulo')),
  days: v.record(
    v.picklist(['0', '1', '2', '3', '4', '5', '6']),
    v.array(v.tuple([v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/)), v.pipe(v.string(), v.regex(/^([01]\d|2[0-4]):[0-5]\d$/))])),
  ),
});
export type BusinessHours = v.InferOutput<typeof BusinessHours>;

/** A site's offline behaviour (SPEC T1, T2). */
export const SiteTicketingBody = v.object({
  /** null: always open. */
  businessHours: v.nullable(BusinessHours),
  /** Turn a waiting conversation into a ticket when its queue has nobody left to take it. */
  ticketWhenNoAgents: v.boolean(),
  /** Turn a conversation waiting longer than this into a ticket; null: never. */
  maxWaitMs: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(86_400_000))),
  /** The leave-a-message form's fields besides e-mail and message, which are always there. */
  offlineFields: v.pipe(v.array(OfflineField), v.maxLength(10)),
});
export type SiteTicketing = v.InferOutput<typeof SiteTicketingBody>;

// ---------------------------------------------------------------------------------------------------------
// The widget (issue 5).

/**
 * A site's widget settings as stored and as PUT /api/v1/sites/{id}/widget takes them (SPEC W3-W8): the
 * protocol's WidgetSettings with the pre-chat queues as ids (names are looked up when the widget reads them).
 */
export const SiteWidgetBody = v.object({
  ...v.omit(WidgetSettings, ['prechat']).entries,
  prechat: v.object({
    ...v.omit(WidgetSettings.entries.prechat, ['queues']).entries,
    queues: v.pipe(v.array(IdField), v.maxLength(20)),
  }),
});
export type SiteWidget = v.InferOutput<typeof SiteWidgetBody>;

export const DEFAULT_WIDGET: SiteWidget = {
  color: '#047857',
  position: 'right',
  launcherText: null,
  greeting: null,
  agentDisplay: 'name_avatar',
  locale: null,
  prechat: { enabled: false, name: 'optional', email: 'optional', queues: [], consent: null },
  uploads: { enabled: true, maxBytes: 10 * 1024 * 1024 },
  strictIdentity: false,
};

/** POST /files?conversation=ID (SPEC W3): the body is the file's bytes, not JSON. */
const FILE_CONVERSATION = 'the id of the conversation the file goes to.';
// The object's own message too: a missing `conversation` is reported by the object, not by v.string.
export const FileUploadQuery = v.object({ conversation: v.pipe(v.string(FILE_CONVERSATION), v.minLength(1, FILE_CONVERSATION), v.maxLength(64, FILE_CONVERSATION)) }, FILE_CONVERSATION);
/** GET /files/{id}?download=1: as an attachment rather than inline. */
export const FileQuery = v.object({ download: v.optional(v.string()) });

/** GET /widget/settings?site=KEY (public, SPEC W4). */
export const WidgetSettingsQuery = v.object({ site: v.pipe(v.string(), v.minLength(1), v.maxLength(100)) });

/** GET /api/v1/widget/settings?site=KEY (public, SPEC W4): what the loader reads at load. */
export interface WidgetSettingsAnswer {
  settings: WidgetSettings;
  /**
   * Issue 15: present when the asking page's origin may not use this site: the loader prints `message` (what
   * to add, and where) once to the browser console, shows no chat and opens no socket.
   */
  refused?: { code: 'origin_not_allowed'; origin: string; message: string };
  /** Issue 15 (widget weight): the text colour on `settings.color` (shared/contrast.ts), so the loader need not compute it. */
  onAccent?: '#000' | '#fff';
}

/**
 * GET/POST /api/v1/sites/{id}/identity-secret (admins, SPEC W6): the key the site's backend signs identities
 * with; null when identity is off. POST makes a new one (the old stops verifying at once).
 */
export interface IdentitySecretAnswer {
  identitySecret: string | null;
}

/**
 * GET/PUT /api/v1/sites/{id}/origins (admins, SPEC D10): the pages that may use the site key. Each entry is
 * `self` (the Papo server's own origin), `*` (any page), an origin (`https://shop.example.com`) or a
 * wildcard subdomain (`https://*.example.com`); nothing else (no paths).
 */
export const SiteOriginsBody = v.object({
  allowedOrigins: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.trim(),
        v.maxLength(200),
        v.check(
          (o) =>
            o === 'self' ||
            o === '*' ||
            /^https?:\/\/\*\.[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i.test(o) ||
            /^https?:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i.test(o) ||
            /^https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(o),
          'An allowed origin is self, *, or scheme://host[:port] (a host may start with *.), without a path.',
        ),
      ),
    ),
    v.maxLength(50),
  ),
});
export type SiteOrigins = v.InferOutput<typeof SiteOriginsBody>;

/** GET /tickets query. Without `status`: open and pending. */
export const TicketListQuery = v.object({
  status: v.optional(v.picklist(TICKET_STATUSES)),
  type: v.optional(v.picklist(TICKET_TYPES)),
  priority: v.optional(v.pipe(v.string(), v.regex(/^[0-3]$/), v.transform(Number))),
  assignee: v.optional(IdField),
  conversation: v.optional(IdField),
  q: v.optional(v.pipe(v.string(), v.maxLength(200))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(500))),
});
export type TicketFilterQuery = v.InferOutput<typeof TicketListQuery>;

// ---------------------------------------------------------------------------------------------------------
// Safety (issue 6).

/** "Block and end": the agent holding a conversation ends it and blocks its visitor. */
export const BlockVisitorBody = v.object({
  reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(300))),
  /** Minutes until the block lifts by itself; absent: until an admin lifts it. */
  expiresInMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(525_600))),
  /** Also block this range (admins only), e.g. 203.0.113.0/24. */
  cidr: v.optional(v.pipe(v.string(), v.maxLength(50))),
});

export const BLOCK_KINDS = ['ip', 'cidr', 'visitor'] as const;

/** A block (issue 6): an IP address, a CIDR range or a visitor id. The store keeps this shape; domain/blocklist.ts matches on part of it. */
export interface BlockRecord {
  id: string;
  kind: (typeof BLOCK_KINDS)[number];
  value: string;
  reason: string | null;
  /** null: until an admin lifts it. */
  expiresAt: number | null;
  createdBy: string | null;
  createdAt: number;
}

export const BlockBody = v.object({
  kind: v.picklist(BLOCK_KINDS),
  value: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64)),
  reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(300))),
  expiresAt: v.optional(v.nullable(v.pipe(v.number(), v.integer()))),
});

export interface BlockInfo extends BlockRecord {
  /** False once its expiry has passed (kept in the list until lifted). */
  active: boolean;
  /** Issue 15 (lists, names): a visitor block's visitor as agents see it (masked, M2); absent: not a visitor block, or erased. */
  visitor?: { name: string | null; email: string | null; page: string | null };
}

export interface BlocksAnswer {
  blocks: BlockInfo[];
}

/** Issue 6: off, mask in agent views, or redact before storing. */
export const MaskingBody = v.object({ mode: v.picklist(['off', 'mask', 'redact']) });

/** Issue 6: GET /data/export and DELETE /data name their subject by exactly one of these. */
export const DataSubjectQuery = v.pipe(
  v.object({
    visitorId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
    email: v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254), v.email('invalid_email'))),
  }),
  v.check((q) => (q.visitorId === undefined) !== (q.email === undefined), 'Name exactly one of visitorId and email.'),
  v.transform((q): { visitorId: string } | { email: string } => (q.visitorId !== undefined ? { visitorId: q.visitorId } : { email: q.email! })),
);

// ---------------------------------------------------------------------------------------------------------
// Search (issue 12). GET /api/v1/search?q=<text>&limit=<1..50, default 20>&cursor=<opaque>. Every hit is
// something the caller may see (SPEC R-rules, D11) and goes through the site's masking (SPEC M2), exactly as
// the lists do. Matching ignores case and accents ("acao" finds "ação"); hits come best first.

export const SearchQuery = v.object({
  q: v.pipe(v.string(), v.trim(), v.minLength(1, 'q: type something to search for'), v.maxLength(200, 'q: at most 200 characters')),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,2}$/), v.transform(Number), v.minValue(1), v.maxValue(50)), '20'),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(200))),
});
export type SearchQuery = v.InferOutput<typeof SearchQuery>;

/** A piece of the matching text with the matched words marked: `marks` are [start, end) offsets into `text`. */
export interface SearchSnippet {
  text: string;
  marks: Array<[number, number]>;
}

/** What matched in a conversation: a message (open the conversation at `seq`), or the visitor's name, e-mail or a label. */
export interface ConversationSearchHit {
  kind: 'conversation';
  conversation: ConversationSummary;
  field: 'message' | 'visitor' | 'label';
  /** The matching event's `seq` when `field` is 'message'; null otherwise. */
  seq: number | null;
  snippet: SearchSnippet;
  at: number;
}

/** What matched in a ticket: its subject, requester or one of its entries. */
export interface TicketSearchHit {
  kind: 'ticket';
  ticket: Ticket;
  field: 'subject' | 'requester' | 'entry';
  /** The matching entry's id when `field` is 'entry'; null otherwise. */
  entryId: string | null;
  snippet: SearchSnippet;
  at: number;
}

export type SearchHit = ConversationSearchHit | TicketSearchHit;

export interface SearchAnswer {
  hits: SearchHit[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Issue 15 (site owners): sites created, renamed and deleted; refused origins.

/** POST /sites, PATCH /sites/{id} (admins): a site's name, 1 to 80 characters. */
export const SiteNameBody = v.object({
  name: v.pipe(v.string('name: the site\'s name.'), v.trim(), v.minLength(1, 'name: the site needs a name.'), v.maxLength(80, 'name: at most 80 characters.')),
});

/** POST /sites and PATCH /sites/{id}: the site. */
export interface SiteAnswer {
  site: SiteInfo;
}

/** DELETE /sites/{id}: what went with it. */
export interface SiteDeletedAnswer {
  deleted: { conversations: number; tickets: number };
}

/** GET /sites/{id}/refused-origins: pages refused in the last 7 days, the most recent first. */
export interface RefusedOriginsAnswer {
  refused: Array<{ origin: string; today: number; total: number; lastAt: number }>;
}

/** POST /sites/{id}/refused-origins/allow: the refused origin to add to the allowed ones (one click). */
export const AllowRefusedBody = v.object({ origin: v.pipe(v.string('origin: scheme://host[:port].'), v.maxLength(200)) });
