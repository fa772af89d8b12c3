/**
 * @module The admin screens' HTTP calls: same-origin fetch to /api/v1 with the session cookie, JSON in and
 * out. A refused call throws an AdminApiError carrying the `{ error: { code, message } }` of the answer.
 */
import type { InferInput } from 'valibot';
import type {
  AgentBody,
  AgentPatchBody,
  AgentsAnswer,
  BlockBody,
  BlockInfo,
  BlocksAnswer,
  BotSettingsAnswer,
  CannedRepliesAnswer,
  CannedReplyBody,
  ConversationAnswer,
  ErrorAnswer,
  IdentitySecretAnswer,
  LiveVisitorsAnswer,
  MaskingBody,
  QueueBody,
  QueuesAnswer,
  RefusedOriginsAnswer,
  SiteAnswer,
  SiteDeletedAnswer,
  SiteInfo,
  SiteOrigins,
  SitesAnswer,
  SiteWidget,
  WrapUpReasonsAnswer,
} from '../../shared/api';

export class AdminApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export type { SiteInfo, SitesAnswer };

export type CannedReply = CannedRepliesAnswer['cannedReplies'][number];
export type WrapUpReason = WrapUpReasonsAnswer['reasons'][number];
export type QueueWithMembers = QueuesAnswer['queues'][number];
/**
 * `disabled` (issue 6): AgentsAnswer does not carry it yet (reported); the console reads it when the server
 * sends it and otherwise knows only what it changed itself.
 */
export type AgentWithLoad = AgentsAnswer['agents'][number] & { disabled?: boolean };
export type MaskingMode = InferInput<typeof MaskingBody>['mode'];
export type BlockInput = InferInput<typeof BlockBody>;
export type { BlockInfo };
export type LiveVisitor = LiveVisitorsAnswer['visitors'][number];
export type CannedReplyInput = InferInput<typeof CannedReplyBody>;
export type QueueInput = InferInput<typeof QueueBody>;
export type AgentInput = InferInput<typeof AgentBody>;
export type AgentPatch = InferInput<typeof AgentPatchBody>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new AdminApiError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  const parsed: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = isErrorAnswer(parsed) ? parsed.error : null;
    throw new AdminApiError(res.status, error?.code ?? 'internal', error?.message ?? (res.statusText || `HTTP ${res.status}`));
  }
  return parsed as T;
}

function isErrorAnswer(body: unknown): body is ErrorAnswer {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** `?a=1&b=2` without the empty values, or '' when nothing is left. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value.trim() !== '') search.set(key, value.trim());
  const text = search.toString();
  return text ? `?${text}` : '';
}

const id = (value: string) => encodeURIComponent(value);

export const adminApi = {
  cannedReplies: (filter: { q?: string; category?: string; language?: string } = {}) =>
    call<CannedRepliesAnswer>('GET', `/canned-replies${query(filter)}`).then((a) => a.cannedReplies),
  createCannedReply: (body: CannedReplyInput) => call<unknown>('POST', '/canned-replies', body),
  updateCannedReply: (replyId: string, body: CannedReplyInput) => call<unknown>('PUT', `/canned-replies/${id(replyId)}`, body),
  deleteCannedReply: (replyId: string) => call<void>('DELETE', `/canned-replies/${id(replyId)}`),

  wrapUpReasons: (q = '') => call<WrapUpReasonsAnswer>('GET', `/wrap-up-reasons${query({ q })}`).then((a) => a.reasons),
  createWrapUpReason: (label: string) => call<unknown>('POST', '/wrap-up-reasons', { label }),
  renameWrapUpReason: (reasonId: string, label: string) => call<unknown>('PUT', `/wrap-up-reasons/${id(reasonId)}`, { label }),
  deleteWrapUpReason: (reasonId: string) => call<void>('DELETE', `/wrap-up-reasons/${id(reasonId)}`),

  queues: () => call<QueuesAnswer>('GET', '/queues').then((a) => a.queues),
  createQueue: (body: QueueInput) => call<unknown>('POST', '/queues', body),
  updateQueue: (queueId: string, patch: Partial<QueueInput>) => call<unknown>('PATCH', `/queues/${id(queueId)}`, patch),
  deleteQueue: (queueId: string) => call<void>('DELETE', `/queues/${id(queueId)}`),

  agents: () => call<AgentsAnswer>('GET', '/agents').then((a) => a.agents),
  createAgent: (body: AgentInput) => call<unknown>('POST', '/agents', body),
  updateAgent: (agentId: string, patch: AgentPatch) => call<unknown>('PATCH', `/agents/${id(agentId)}`, patch),
  setAgentState: (agentId: string, state: 'available' | 'unavailable') =>
    call<unknown>('PUT', `/agents/${id(agentId)}/availability`, { state }),
  /** Issue 6: a disabled agent cannot sign in and its sessions end (not for oneself). */
  setAgentDisabled: (agentId: string, disabled: boolean) => call<void>('PUT', `/agents/${id(agentId)}/disabled`, { disabled }),

  blocks: () => call<BlocksAnswer>('GET', '/blocks').then((a) => a.blocks),
  addBlock: (body: BlockInput) => call<{ block: BlockInfo }>('POST', '/blocks', body).then((a) => a.block),
  liftBlock: (blockId: string) => call<void>('DELETE', `/blocks/${id(blockId)}`),

  sites: () => call<SitesAnswer>('GET', '/sites').then((a) => a.sites),
  setSiteBot: (siteId: string, botWebhookUrl: string | null) =>
    call<BotSettingsAnswer>('PUT', `/sites/${id(siteId)}/bot`, { botWebhookUrl }),
  /** Issue 6: off, mask in agent views, or redact before storing. */
  siteMasking: (siteId: string) => call<{ mode: MaskingMode }>('GET', `/sites/${id(siteId)}/masking`).then((a) => a.mode),
  setSiteMasking: (siteId: string, mode: MaskingMode) => call<{ mode: MaskingMode }>('PUT', `/sites/${id(siteId)}/masking`, { mode }).then((a) => a.mode),
  /** Issue 5: the site's widget settings (SPEC W4-W6) and the identity secret its backend signs with. */
  siteWidget: (siteId: string) => call<SiteWidget>('GET', `/sites/${id(siteId)}/widget`),
  setSiteWidget: (siteId: string, widget: SiteWidget) => call<SiteWidget>('PUT', `/sites/${id(siteId)}/widget`, widget),
  identitySecret: (siteId: string) => call<IdentitySecretAnswer>('GET', `/sites/${id(siteId)}/identity-secret`).then((a) => a.identitySecret),
  newIdentitySecret: (siteId: string) => call<IdentitySecretAnswer>('POST', `/sites/${id(siteId)}/identity-secret`).then((a) => a.identitySecret),
  removeIdentitySecret: (siteId: string) => call<IdentitySecretAnswer>('DELETE', `/sites/${id(siteId)}/identity-secret`).then((a) => a.identitySecret),
  siteOrigins: (siteId: string) => call<SiteOrigins>('GET', `/sites/${id(siteId)}/origins`).then((a) => a.allowedOrigins),
  setSiteOrigins: (siteId: string, allowedOrigins: string[]) => call<SiteOrigins>('PUT', `/sites/${id(siteId)}/origins`, { allowedOrigins }).then((a) => a.allowedOrigins),
  // Issue 15 (site owners): sites created, renamed, deleted; refused origins and their one-click allow.
  sitesPage: () => call<SitesAnswer>('GET', '/sites'),
  createSite: (name: string) => call<SiteAnswer>('POST', '/sites', { name }).then((a) => a.site),
  renameSite: (siteId: string, name: string) => call<SiteAnswer>('PATCH', `/sites/${id(siteId)}`, { name }).then((a) => a.site),
  deleteSite: (siteId: string) => call<SiteDeletedAnswer>('DELETE', `/sites/${id(siteId)}`).then((a) => a.deleted),
  refusedOrigins: (siteId: string) => call<RefusedOriginsAnswer>('GET', `/sites/${id(siteId)}/refused-origins`).then((a) => a.refused),
  allowRefusedOrigin: (siteId: string, origin: string) =>
    call<SiteOrigins>('POST', `/sites/${id(siteId)}/refused-origins/allow`, { origin }).then((a) => a.allowedOrigins),

  liveVisitors: () => call<LiveVisitorsAnswer>('GET', '/visitors/live').then((a) => a.visitors),
  startChat: (visitorId: string, clientId: string, text: string) =>
    call<ConversationAnswer>('POST', `/visitors/${id(visitorId)}/conversations`, { clientId, text }).then((a) => a.conversation),
};
