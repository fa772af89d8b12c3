/**
 * @module Request bodies of Papo's HTTP API, as runtime schemas. Answers are typed here too so the console
 * and the server cannot drift.
 */
import * as v from 'valibot';
import { MAX_EMAIL_CHARS, MAX_MESSAGE_CHARS, MAX_NAME_CHARS, MAX_PASSWORD_CHARS } from './limits';
import {
  AGENT_ROLES,
  MessageText,
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

export interface LoginAnswer {
  agent: AgentProfile;
}

export interface ConversationListAnswer {
  conversations: ConversationSummary[];
}

export interface EventPageAnswer {
  events: ConversationEvent[];
  /** Older events exist before the first one in this page. */
  hasMore: boolean;
}

export interface ErrorAnswer {
  error: { code: string; message: string };
}

// ---------------------------------------------------------------------------------------------------------
// Agent workflow (issue 3). Routes are under /api/v1; every one needs the session cookie and checks the
// caller's role on the server (SPEC R10). Answers that change a conversation return its new summary; the
// same change also reaches every console live over the socket.

const Text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(MAX_EMAIL_CHARS), v.email());
const IdField = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const AvailabilityBody = v.object({ state: v.picklist(['available', 'unavailable']) });
export type AvailabilityBody = v.InferOutput<typeof AvailabilityBody>;

export const PrefsBody = v.object({ sound: v.optional(v.boolean()), preview: v.optional(v.boolean()) });

/** Transfer (SPEC R6) or conference invitation (SPEC R7): exactly one of agentId and queueId. */
export const RequestBody = v.pipe(
  v.object({ agentId: v.optional(IdField), queueId: v.optional(IdField) }),
  v.check((b) => (b.agentId === undefined) !== (b.queueId === undefined), 'Name exactly one of agentId and queueId.'),
);

export const CloseBody = v.object({ reasonId: IdField });
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

export const WrapUpReasonBody = v.object({ label: Text(80) });

export const QueueBody = v.object({
  name: Text(60),
  strategy: v.picklist(ROUTING_STRATEGIES),
  /** At most 10 min. The console offers 5 s and up; the floor of 50 ms lets tests run an offer timer quickly. */
  offerTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(50), v.maxValue(600_000)), 30_000),
  siteId: v.optional(IdField),
  agentIds: v.optional(v.array(IdField)),
});

export const AgentBody = v.object({
  email: Email,
  name: Text(MAX_NAME_CHARS),
  password: v.pipe(v.string(), v.minLength(10), v.maxLength(MAX_PASSWORD_CHARS)),
  role: v.picklist(AGENT_ROLES),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)), 3),
  queueIds: v.optional(v.array(IdField), []),
});

export const AgentPatchBody = v.object({
  name: v.optional(Text(MAX_NAME_CHARS)),
  role: v.optional(v.picklist(AGENT_ROLES)),
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50))),
  queueIds: v.optional(v.array(IdField)),
});

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
export const BotHandoffBody = v.object({ queue: v.optional(v.pipe(v.string(), v.maxLength(100))) });

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
  agents: Array<AgentPresence & { email: string; load: number }>;
}

export interface MeAnswer {
  agent: AgentProfile;
  presence: AgentPresence;
  prefs: { sound: boolean; preview: boolean };
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
  sites: Array<{ id: string; name: string; key: string; defaultQueueId: string | null; botWebhookUrl: string | null }>;
}

export interface BotSettingsAnswer {
  siteId: string;
  botWebhookUrl: string | null;
  /** Set only in the answer that created it: shown once. */
  botToken: string | null;
}
