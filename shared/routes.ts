/**
 * @module Every route of the HTTP API under /api/v1, declared once: method, path, who may call it, the body
 * and query schemas of shared/api.ts, and the success answer (status, and its type under a name). The
 * server registers each route and validates its input from its entry (server/http/routes.ts), so what is
 * declared is what is checked; the console's hand-typed paths are tested against it (routes.test.ts), and
 * an OpenAPI document can be written from it later (answers are TypeScript types for now, named for that).
 *
 * Paths are Hono's (`:id`), under /api/v1. `access`: who is let in: anyone (`public`), a bot by its
 * site's token (`bot`; the bot service checks the token, after the body is read, so a malformed body is a
 * 400 before a missing token is a 401), a visitor by its token or a signed-in agent (`visitor-or-agent`),
 * a signed-in agent (`agent`, checked before the handler runs). `privilege` (SPEC R10, server/domain/roles.ts) is
 * checked before the body is read; the other role rules are the services'.
 */
import type * as v from 'valibot';
import * as api from './api';
import type { AgentPresence, Attachment, ConversationSummary } from './protocol';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Access = 'public' | 'bot' | 'visitor-or-agent' | 'agent';

/** A success answer: its status and, as a phantom, its type. A 204 has no body (`null`). */
export interface Answer<T> {
  status: 200 | 201 | 204;
  /** Its name among a future OpenAPI document's components. */
  name: string;
  /** Never set: carries T for the type checker. */
  readonly type?: T;
}

export interface RouteSpec {
  method: Method;
  path: string;
  access: Access;
  privilege?: string;
  body?: v.GenericSchema;
  query?: v.GenericSchema;
  answer: Answer<unknown>;
}

/** The type of a route's success answer. */
export type AnswerOf<R extends RouteSpec> = R['answer'] extends Answer<infer T> ? T : never;

const answer = <T>(name: string, status: 200 | 201 = 200): Answer<T> => ({ status, name });
const created = <T>(name: string): Answer<T> => answer<T>(name, 201);
const noContent: Answer<null> = { status: 204, name: 'NoContent' };

type CannedReply = api.CannedRepliesAnswer['cannedReplies'][number];
type WrapUpReason = api.WrapUpReasonsAnswer['reasons'][number];
type QueueView = api.QueuesAnswer['queues'][number];
type AgentView = api.AgentsAnswer['agents'][number];
type MaskingMode = v.InferOutput<typeof api.MaskingBody>['mode'];
const conversation = answer<api.ConversationAnswer>('ConversationAnswer');
const ticket = answer<api.TicketAnswer>('TicketAnswer');

export const ROUTES = {
  // Sign-in (SPEC L1-L6).
  login: { method: 'POST', path: '/auth/login', access: 'public', body: api.LoginBody, answer: answer<api.LoginAnswer>('LoginAnswer') },
  logout: { method: 'POST', path: '/auth/logout', access: 'public', answer: noContent },
  changePassword: { method: 'PUT', path: '/auth/password', access: 'agent', body: api.PasswordBody, answer: noContent },
  session: { method: 'GET', path: '/auth/me', access: 'agent', answer: answer<api.LoginAnswer>('LoginAnswer') },

  // The bot (SPEC R12).
  botMessage: {
    method: 'POST',
    path: '/bot/conversations/:id/messages',
    access: 'bot',
    body: api.BotMessageBody,
    answer: answer<{ conversationId: string; seq: number }>('BotMessageAnswer'),
  },
  botHandoff: { method: 'POST', path: '/bot/conversations/:id/handoff', access: 'bot', body: api.BotHandoffBody, answer: conversation },

  // The widget's settings (SPEC W4) and files (SPEC W3).
  widgetSettings: { method: 'GET', path: '/widget/settings', access: 'public', query: api.WidgetSettingsQuery, answer: answer<api.WidgetSettingsAnswer>('WidgetSettingsAnswer') },
  uploadFile: { method: 'POST', path: '/files', access: 'visitor-or-agent', query: api.FileUploadQuery, answer: created<{ attachment: Attachment }>('AttachmentAnswer') },
  /** The file's bytes, with its own type (server/domain/attachments.ts fileHeaders). */
  file: { method: 'GET', path: '/files/:id', access: 'visitor-or-agent', query: api.FileQuery, answer: answer<Blob>('File') },

  // The agent and its workflow (issue 3).
  me: { method: 'GET', path: '/me', access: 'agent', answer: answer<api.MeAnswer>('MeAnswer') },
  setAvailability: { method: 'PUT', path: '/me/availability', access: 'agent', body: api.AvailabilityBody, answer: answer<api.MeAnswer>('MeAnswer') },
  setPrefs: { method: 'PUT', path: '/me/prefs', access: 'agent', body: api.PrefsBody, answer: answer<api.MeAnswer>('MeAnswer') },
  conversations: { method: 'GET', path: '/conversations', access: 'agent', query: api.ConversationListQuery, answer: answer<api.ConversationListAnswer>('ConversationListAnswer') },
  conversation: { method: 'GET', path: '/conversations/:id', access: 'agent', answer: answer<api.ConversationDetailAnswer>('ConversationDetailAnswer') },
  events: { method: 'GET', path: '/conversations/:id/events', access: 'agent', query: api.EventPageQuery, answer: answer<api.EventPageAnswer>('EventPageAnswer') },
  targets: { method: 'GET', path: '/conversations/:id/targets', access: 'agent', answer: answer<api.TargetsAnswer>('TargetsAnswer') },
  accept: { method: 'POST', path: '/conversations/:id/accept', access: 'agent', answer: conversation },
  take: { method: 'POST', path: '/conversations/:id/take', access: 'agent', answer: conversation },
  transfer: { method: 'POST', path: '/conversations/:id/transfer', access: 'agent', body: api.RequestBody, answer: conversation },
  conference: { method: 'POST', path: '/conversations/:id/conference', access: 'agent', body: api.RequestBody, answer: conversation },
  acceptRequest: { method: 'POST', path: '/conversations/:id/request/accept', access: 'agent', answer: conversation },
  leave: { method: 'POST', path: '/conversations/:id/leave', access: 'agent', answer: conversation },
  close: { method: 'POST', path: '/conversations/:id/close', access: 'agent', body: api.CloseBody, answer: conversation },
  // Issue 15 (flow): decline a transfer, an invitation or an offer; the wrap-up after a transfer or a conference.
  declineRequest: { method: 'POST', path: '/conversations/:id/request/decline', access: 'agent', answer: noContent },
  declineOffer: { method: 'POST', path: '/conversations/:id/decline', access: 'agent', answer: noContent },
  wrapUp: { method: 'POST', path: '/conversations/:id/wrap-up', access: 'agent', body: api.WrapUpBody, answer: noContent },
  setPriority: { method: 'PUT', path: '/conversations/:id/priority', access: 'agent', body: api.PriorityBody, answer: conversation },
  setRequester: { method: 'PUT', path: '/conversations/:id/requester', access: 'agent', body: api.RequesterBody, answer: conversation },
  setLabels: { method: 'PUT', path: '/conversations/:id/labels', access: 'agent', body: api.LabelsBody, answer: conversation },
  archive: { method: 'POST', path: '/conversations/:id/archive', access: 'agent', answer: conversation },
  unarchive: { method: 'POST', path: '/conversations/:id/unarchive', access: 'agent', answer: conversation },
  returnToBot: { method: 'POST', path: '/conversations/:id/return-to-bot', access: 'agent', answer: conversation },
  deleteConversation: { method: 'DELETE', path: '/conversations/:id', access: 'agent', answer: noContent },
  blockVisitor: { method: 'POST', path: '/conversations/:id/block', access: 'agent', body: api.BlockVisitorBody, answer: conversation },
  endWithTicket: {
    method: 'POST',
    path: '/conversations/:id/end-with-ticket',
    access: 'agent',
    body: api.EndWithTicketBody,
    answer: answer<{ conversation: ConversationSummary; ticket: api.Ticket }>('EndWithTicketAnswer'),
  },
  liveVisitors: { method: 'GET', path: '/visitors/live', access: 'agent', answer: answer<api.LiveVisitorsAnswer>('LiveVisitorsAnswer') },
  proactive: { method: 'POST', path: '/visitors/:id/conversations', access: 'agent', body: api.ProactiveBody, answer: conversation },

  // Canned replies (SPEC R11) and wrap-up reasons (SPEC R8).
  cannedReplies: { method: 'GET', path: '/canned-replies', access: 'agent', query: api.CannedReplyQuery, answer: answer<api.CannedRepliesAnswer>('CannedRepliesAnswer') },
  createCannedReply: {
    method: 'POST',
    path: '/canned-replies',
    access: 'agent',
    privilege: 'manageCannedReplies',
    body: api.CannedReplyBody,
    answer: created<{ cannedReply: CannedReply }>('CannedReplyAnswer'),
  },
  updateCannedReply: {
    method: 'PUT',
    path: '/canned-replies/:id',
    access: 'agent',
    privilege: 'manageCannedReplies',
    body: api.CannedReplyBody,
    answer: answer<{ cannedReply: CannedReply }>('CannedReplyAnswer'),
  },
  deleteCannedReply: { method: 'DELETE', path: '/canned-replies/:id', access: 'agent', privilege: 'manageCannedReplies', answer: noContent },
  wrapUpReasons: { method: 'GET', path: '/wrap-up-reasons', access: 'agent', query: api.CannedReplyQuery, answer: answer<api.WrapUpReasonsAnswer>('WrapUpReasonsAnswer') },
  createWrapUpReason: {
    method: 'POST',
    path: '/wrap-up-reasons',
    access: 'agent',
    privilege: 'manageWrapUpReasons',
    body: api.WrapUpReasonBody,
    answer: created<{ reason: WrapUpReason }>('WrapUpReasonAnswer'),
  },
  renameWrapUpReason: {
    method: 'PUT',
    path: '/wrap-up-reasons/:id',
    access: 'agent',
    privilege: 'manageWrapUpReasons',
    body: api.WrapUpReasonBody,
    answer: answer<{ reason: WrapUpReason }>('WrapUpReasonAnswer'),
  },
  deleteWrapUpReason: { method: 'DELETE', path: '/wrap-up-reasons/:id', access: 'agent', privilege: 'manageWrapUpReasons', answer: noContent },

  // Queues (SPEC R3) and agents (SPEC R1, R10).
  queues: { method: 'GET', path: '/queues', access: 'agent', answer: answer<api.QueuesAnswer>('QueuesAnswer') },
  createQueue: { method: 'POST', path: '/queues', access: 'agent', privilege: 'manageQueues', body: api.QueueBody, answer: created<{ queue: QueueView }>('QueueAnswer') },
  updateQueue: { method: 'PATCH', path: '/queues/:id', access: 'agent', privilege: 'manageQueues', body: api.QueuePatchBody, answer: answer<{ queue: QueueView }>('QueueAnswer') },
  deleteQueue: { method: 'DELETE', path: '/queues/:id', access: 'agent', privilege: 'manageQueues', answer: noContent },
  agents: { method: 'GET', path: '/agents', access: 'agent', privilege: 'supervise', answer: answer<api.AgentsAnswer>('AgentsAnswer') },
  createAgent: { method: 'POST', path: '/agents', access: 'agent', privilege: 'manageAgents', body: api.AgentBody, answer: created<{ agent: AgentView }>('AgentAnswer') },
  updateAgent: { method: 'PATCH', path: '/agents/:id', access: 'agent', privilege: 'manageAgents', body: api.AgentPatchBody, answer: answer<{ agent: AgentView }>('AgentAnswer') },
  setAgentAvailability: {
    method: 'PUT',
    path: '/agents/:id/availability',
    access: 'agent',
    privilege: 'supervise',
    body: api.AvailabilityBody,
    answer: answer<{ agent: AgentPresence }>('AgentPresenceAnswer'),
  },
  setAgentDisabled: { method: 'PUT', path: '/agents/:id/disabled', access: 'agent', privilege: 'manageAgents', body: api.DisabledBody, answer: noContent },

  // Safety and data rights (issue 6).
  blocks: { method: 'GET', path: '/blocks', access: 'agent', privilege: 'manageBlocks', answer: answer<api.BlocksAnswer>('BlocksAnswer') },
  addBlock: { method: 'POST', path: '/blocks', access: 'agent', privilege: 'manageBlocks', body: api.BlockBody, answer: created<{ block: api.BlockInfo }>('BlockAnswer') },
  liftBlock: { method: 'DELETE', path: '/blocks/:id', access: 'agent', privilege: 'manageBlocks', answer: noContent },
  /** A JSON download (Content-Disposition: attachment) of everything held about the subject. */
  exportData: { method: 'GET', path: '/data/export', access: 'agent', privilege: 'manageDataRights', query: api.DataSubjectQuery, answer: answer<object>('DataExport') },
  eraseData: {
    method: 'DELETE',
    path: '/data',
    access: 'agent',
    privilege: 'manageDataRights',
    query: api.DataSubjectQuery,
    answer: answer<{ deleted: { visitors: number; conversations: number; tickets: number } }>('ErasedAnswer'),
  },

  // Tickets (issue 4, SPEC T3-T4).
  tickets: { method: 'GET', path: '/tickets', access: 'agent', query: api.TicketListQuery, answer: answer<api.TicketsAnswer>('TicketsAnswer') },
  createTicket: { method: 'POST', path: '/tickets', access: 'agent', body: api.TicketCreateBody, answer: created<api.TicketAnswer>('TicketAnswer') },
  ticket: { method: 'GET', path: '/tickets/:id', access: 'agent', answer: answer<api.TicketDetailAnswer>('TicketDetailAnswer') },
  updateTicket: { method: 'PATCH', path: '/tickets/:id', access: 'agent', body: api.TicketPatchBody, answer: ticket },
  addTicketNote: { method: 'POST', path: '/tickets/:id/notes', access: 'agent', body: api.TicketTextBody, answer: ticket },
  replyToTicket: { method: 'POST', path: '/tickets/:id/replies', access: 'agent', body: api.TicketTextBody, answer: ticket },

  // Search (issue 12, SPEC S1-S3).
  search: { method: 'GET', path: '/search', access: 'agent', query: api.SearchQuery, answer: answer<api.SearchAnswer>('SearchAnswer') },

  // Sites: the bot webhook (SPEC R12), masking (issue 6), offline settings (SPEC T1-T3), the widget (SPEC W4-W6, D10).
  sites: { method: 'GET', path: '/sites', access: 'agent', privilege: 'manageSites', answer: answer<api.SitesAnswer>('SitesAnswer') },
  setSiteBot: { method: 'PUT', path: '/sites/:id/bot', access: 'agent', privilege: 'manageSites', body: api.SiteBotBody, answer: answer<api.BotSettingsAnswer>('BotSettingsAnswer') },
  siteMasking: { method: 'GET', path: '/sites/:id/masking', access: 'agent', answer: answer<{ mode: MaskingMode }>('MaskingAnswer') },
  setSiteMasking: { method: 'PUT', path: '/sites/:id/masking', access: 'agent', privilege: 'manageSites', body: api.MaskingBody, answer: answer<{ mode: MaskingMode }>('MaskingAnswer') },
  siteTicketing: { method: 'GET', path: '/sites/:id/ticketing', access: 'agent', answer: answer<api.SiteTicketing>('SiteTicketing') },
  setSiteTicketing: {
    method: 'PUT',
    path: '/sites/:id/ticketing',
    access: 'agent',
    privilege: 'manageSites',
    body: api.SiteTicketingBody,
    answer: answer<api.SiteTicketing>('SiteTicketing'),
  },
  siteWidget: { method: 'GET', path: '/sites/:id/widget', access: 'agent', privilege: 'manageSites', answer: answer<api.SiteWidget>('SiteWidget') },
  setSiteWidget: { method: 'PUT', path: '/sites/:id/widget', access: 'agent', privilege: 'manageSites', body: api.SiteWidgetBody, answer: answer<api.SiteWidget>('SiteWidget') },
  identitySecret: { method: 'GET', path: '/sites/:id/identity-secret', access: 'agent', privilege: 'manageSites', answer: answer<api.IdentitySecretAnswer>('IdentitySecretAnswer') },
  newIdentitySecret: { method: 'POST', path: '/sites/:id/identity-secret', access: 'agent', privilege: 'manageSites', answer: answer<api.IdentitySecretAnswer>('IdentitySecretAnswer') },
  removeIdentitySecret: {
    method: 'DELETE',
    path: '/sites/:id/identity-secret',
    access: 'agent',
    privilege: 'manageSites',
    answer: answer<api.IdentitySecretAnswer>('IdentitySecretAnswer'),
  },
  siteOrigins: { method: 'GET', path: '/sites/:id/origins', access: 'agent', privilege: 'manageSites', answer: answer<api.SiteOrigins>('SiteOrigins') },
  setSiteOrigins: { method: 'PUT', path: '/sites/:id/origins', access: 'agent', privilege: 'manageSites', body: api.SiteOriginsBody, answer: answer<api.SiteOrigins>('SiteOrigins') },
  // Issue 15 (site owners): sites created, renamed and deleted; refused origins seen and allowed in one click.
  createSite: { method: 'POST', path: '/sites', access: 'agent', privilege: 'manageSites', body: api.SiteNameBody, answer: answer<api.SiteAnswer>('SiteAnswer') },
  renameSite: { method: 'PATCH', path: '/sites/:id', access: 'agent', privilege: 'manageSites', body: api.SiteNameBody, answer: answer<api.SiteAnswer>('SiteAnswer') },
  deleteSite: { method: 'DELETE', path: '/sites/:id', access: 'agent', privilege: 'manageSites', answer: answer<api.SiteDeletedAnswer>('SiteDeletedAnswer') },
  refusedOrigins: { method: 'GET', path: '/sites/:id/refused-origins', access: 'agent', privilege: 'manageSites', answer: answer<api.RefusedOriginsAnswer>('RefusedOriginsAnswer') },
  allowRefusedOrigin: {
    method: 'POST',
    path: '/sites/:id/refused-origins/allow',
    access: 'agent',
    privilege: 'manageSites',
    body: api.AllowRefusedBody,
    answer: answer<api.SiteOrigins>('SiteOrigins'),
  },
  // Issue 15, conversation screen: resolve (close and archive in one write, SPEC R8a) and reopen (R8b).
  resolve: { method: 'POST', path: '/conversations/:id/resolve', access: 'agent', body: api.ResolveBody, answer: conversation },
  reopen: { method: 'POST', path: '/conversations/:id/reopen', access: 'agent', answer: conversation },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The route a request to `path` (under /api/v1, query string allowed) with `method` reaches, or null. */
export function routeOf(method: string, path: string): RouteName | null {
  const bare = path.split('?')[0]!;
  for (const [name, spec] of Object.entries(ROUTES) as Array<[RouteName, RouteSpec]>) {
    if (spec.method !== method.toUpperCase()) continue;
    const pattern = new RegExp(`^${spec.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
    if (pattern.test(bare)) return name;
  }
  return null;
}
