/**
 * @module The console's HTTP calls (same origin; the session cookie travels by itself). Bodies and answers
 * are the types of shared/api.ts; every refusal becomes an ApiError with the server's code and message.
 */
import type { InferInput, InferOutput } from 'valibot';
import type {
  AgentsAnswer,
  AvailabilityBody,
  BlockVisitorBody,
  CannedRepliesAnswer,
  ConversationAnswer,
  ConversationDetailAnswer,
  ConversationListAnswer,
  EndWithTicketBody,
  ErrorAnswer,
  EventPageAnswer,
  LoginAnswer,
  MeAnswer,
  PasswordBody,
  PrefsBody,
  RequesterBody,
  SearchAnswer,
  SiteTicketing,
  TargetsAnswer,
  Ticket,
  TicketAnswer,
  TicketCreateBody,
  TicketDetailAnswer,
  TicketPatchBody,
  TicketsAnswer,
  WrapUpReasonsAnswer,
} from '../../shared/api';
import type { AgentProfile, ConversationSummary } from '../../shared/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** With `rate_limited` (issue 6): how long to wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The answer's pause for a `rate_limited` refusal: `error.retryAfterMs`, else the Retry-After header (seconds). */
export function retryAfterOf(error: { retryAfterMs?: unknown } | undefined, header: string | null): number | undefined {
  if (typeof error?.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs)) return error.retryAfterMs;
  const seconds = header === null || header.trim() === '' ? Number.NaN : Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      ...init,
      credentials: 'same-origin',
      headers: init?.body ? { 'content-type': 'application/json' } : undefined,
    });
  } catch {
    // No answer at all (offline, server restarting): a code the console can name, not a TypeError.
    throw new ApiError(0, 'network', 'The server could not be reached.');
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as T | ErrorAnswer | null;
  if (!res.ok) {
    const error = (body as ErrorAnswer | null)?.error as (ErrorAnswer['error'] & { retryAfterMs?: unknown }) | undefined;
    throw new ApiError(res.status, error?.code ?? 'internal', error?.message ?? res.statusText, retryAfterOf(error, res.headers.get('retry-after')));
  }
  return body as T;
}

const json = (method: string, body?: unknown): RequestInit => ({ method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const conv = (id: string, rest = '') => `/conversations/${encodeURIComponent(id)}${rest}`;

/** The query string of the defined values, `?a=1&b=x`, or ''. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') q.set(k, String(value));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type ListView = 'open' | 'closed' | 'archived';
export interface ListQuery {
  view: ListView;
  queue?: string | null;
  agent?: string | null;
  label?: string | null;
  priority?: number | null;
  limit?: number;
  /** Issue 12: the previous page's nextCursor; absent or null: the first page. */
  cursor?: string | null;
}

/** Transfer or conference target: exactly one of the two. */
export type RequestTarget = { agentId: string } | { queueId: string };
export type Prefs = MeAnswer['prefs'];
export type CannedReply = CannedRepliesAnswer['cannedReplies'][number];
export type WrapUpReason = WrapUpReasonsAnswer['reasons'][number];

const summaryOf = (a: ConversationAnswer) => a.conversation;
const ticketPath = (id: string, rest = '') => `/tickets/${encodeURIComponent(id)}${rest}`;
const ticketOf = (a: TicketAnswer) => a.ticket;
export type AgentListItem = AgentsAnswer['agents'][number];
/** POST /conversations/:id/end-with-ticket answers both (SPEC T3). */
export interface EndWithTicketAnswer {
  conversation: ConversationSummary;
  ticket: Ticket;
}

/**
 * A password change in flight. Its answer carries this browser's new session cookie, while the server
 * ends the old session's sockets (4006) at once: a session check waits for the answer, or it would ask
 * with the old cookie and sign the agent out.
 */
let authChange: Promise<unknown> = Promise.resolve();

export const api = {
  me: () => authChange.then(() => call<LoginAnswer>('/auth/me')).then((a) => a.agent),
  login: (email: string, password: string): Promise<AgentProfile> =>
    call<LoginAnswer>('/auth/login', json('POST', { email, password })).then((a) => a.agent),
  logout: () => call<void>('/auth/logout', { method: 'POST' }),
  /** Issue 6: ends the agent's other sessions; this browser keeps signed in with a new cookie. */
  changePassword: (currentPassword: string, newPassword: string): Promise<void> => {
    const done = call<void>('/auth/password', json('PUT', { currentPassword, newPassword } satisfies InferInput<typeof PasswordBody>));
    authChange = done.catch(() => undefined);
    return done;
  },

  profile: () => call<MeAnswer>('/me'),
  setAvailability: (state: InferOutput<typeof AvailabilityBody>['state']) => call<MeAnswer>('/me/availability', json('PUT', { state })),
  /** Supervisors and admins steer another agent's state (the supervisor board). */
  setAgentAvailability: (agentId: string, state: InferOutput<typeof AvailabilityBody>['state']) =>
    call<unknown>(`/agents/${encodeURIComponent(agentId)}/availability`, json('PUT', { state })),
  setPrefs: (prefs: InferOutput<typeof PrefsBody>) => call<MeAnswer>('/me/prefs', json('PUT', prefs)),

  conversations: (q: ListQuery) => api.conversationPage(q).then((a) => a.conversations),
  /** One page of a list, with the cursor of the next (null: the last page). */
  conversationPage: (q: ListQuery) =>
    call<ConversationListAnswer>(
      `/conversations${query({ view: q.view, queue: q.queue, agent: q.agent, label: q.label, priority: q.priority, limit: q.limit, cursor: q.cursor })}`,
    ),
  detail: (id: string) => call<ConversationDetailAnswer>(conv(id)),
  /** One page of a conversation's events older than `beforeSeq`, oldest first. */
  eventsBefore: (conversationId: string, beforeSeq: number) => call<EventPageAnswer>(conv(conversationId, `/events?before=${beforeSeq}`)),
  targets: (id: string) => call<TargetsAnswer>(conv(id, '/targets')),
  accept: (id: string) => call<ConversationAnswer>(conv(id, '/accept'), json('POST')).then(summaryOf),
  take: (id: string) => call<ConversationAnswer>(conv(id, '/take'), json('POST')).then(summaryOf),
  /** Issue 15: `note`, the hand-off note the target reads (agents only). */
  transfer: (id: string, target: RequestTarget, note = '') => call<ConversationAnswer>(conv(id, '/transfer'), json('POST', withNote(target, note))).then(summaryOf),
  invite: (id: string, target: RequestTarget, note = '') => call<ConversationAnswer>(conv(id, '/conference'), json('POST', withNote(target, note))).then(summaryOf),
  acceptRequest: (id: string) => call<ConversationAnswer>(conv(id, '/request/accept'), json('POST')).then(summaryOf),
  leave: (id: string) => call<ConversationAnswer>(conv(id, '/leave'), json('POST')).then(summaryOf),
  close: (id: string, reasonId: string) => call<ConversationAnswer>(conv(id, '/close'), json('POST', { reasonId })).then(summaryOf),
  setPriority: (id: string, priority: number) => call<ConversationAnswer>(conv(id, '/priority'), json('PUT', { priority })).then(summaryOf),
  setRequester: (id: string, body: InferOutput<typeof RequesterBody>) => call<ConversationAnswer>(conv(id, '/requester'), json('PUT', body)).then(summaryOf),
  setLabels: (id: string, labels: string[]) => call<ConversationAnswer>(conv(id, '/labels'), json('PUT', { labels })).then(summaryOf),
  archive: (id: string) => call<ConversationAnswer>(conv(id, '/archive'), json('POST')).then(summaryOf),
  unarchive: (id: string) => call<ConversationAnswer>(conv(id, '/unarchive'), json('POST')).then(summaryOf),
  /** Issue 6 "block and end": closes the chat and blocks the visitor, its address and (admins) a range. */
  block: (id: string, body: InferInput<typeof BlockVisitorBody>) => call<ConversationAnswer>(conv(id, '/block'), json('POST', body)).then(summaryOf),
  returnToBot: (id: string) => call<ConversationAnswer>(conv(id, '/return-to-bot'), json('POST')).then(summaryOf),
  remove: (id: string) => call<void>(conv(id), { method: 'DELETE' }),

  cannedReplies: (q: { q?: string; category?: string; language?: string }) =>
    call<CannedRepliesAnswer>(`/canned-replies${query(q)}`).then((a) => a.cannedReplies),
  wrapUpReasons: (q = '') => call<WrapUpReasonsAnswer>(`/wrap-up-reasons${query({ q })}`).then((a) => a.reasons),
  /** Supervisors and admins: every agent (the ticket assignee picker). */
  agents: () => call<AgentsAnswer>('/agents').then((a) => a.agents),

  // Tickets (SPEC T3, T4). `search` is a query string, e.g. from tickets-model.ts ticketQuery().
  tickets: (search: string) => call<TicketsAnswer>(`/tickets${search}`).then((a) => a.tickets),
  ticket: (id: string) => call<TicketDetailAnswer>(ticketPath(id)),
  createTicket: (body: InferInput<typeof TicketCreateBody>) => call<TicketAnswer>('/tickets', json('POST', body)).then(ticketOf),
  updateTicket: (id: string, patch: InferInput<typeof TicketPatchBody>) => call<TicketAnswer>(ticketPath(id), json('PATCH', patch)).then(ticketOf),
  addTicketNote: (id: string, text: string) => call<TicketAnswer>(ticketPath(id, '/notes'), json('POST', { text })).then(ticketOf),
  replyToTicket: (id: string, text: string) => call<TicketAnswer>(ticketPath(id, '/replies'), json('POST', { text })).then(ticketOf),
  endWithTicket: (conversationId: string, body: InferInput<typeof EndWithTicketBody>) => call<EndWithTicketAnswer>(conv(conversationId, '/end-with-ticket'), json('POST', body)),
  /** Issue 12: conversations and tickets matching `q` (accents and case ignored), best first; `cursor` for the next page. */
  search: (q: string, cursor: string | null = null, limit?: number) => call<SearchAnswer>(`/search${query({ q, cursor, limit })}`),
  /** A site's offline hours, tickets and form (SPEC T1, T2); saving is for admins. */
  siteTicketing: (siteId: string) => call<SiteTicketing>(`/sites/${encodeURIComponent(siteId)}/ticketing`),
  setSiteTicketing: (siteId: string, body: SiteTicketing) => call<SiteTicketing>(`/sites/${encodeURIComponent(siteId)}/ticketing`, json('PUT', body)),
  // Issue 15, conversation screen: resolve (SPEC R8a: close and archive in one write) and reopen (R8b).
  resolve: (id: string, reasonId?: string) => call<ConversationAnswer>(conv(id, '/resolve'), json('POST', reasonId === undefined ? {} : { reasonId })).then(summaryOf),
  reopen: (id: string) => call<ConversationAnswer>(conv(id, '/reopen'), json('POST')).then(summaryOf),
  // Issue 15 (flow): decline a transfer or an invitation; the wrap-up after a transfer or a conference.
  declineRequest: (id: string) => call<void>(conv(id, '/request/decline'), json('POST')),
  declineOffer: (id: string) => call<void>(conv(id, '/decline'), json('POST')),
  wrapUp: (id: string, reasonId: string) => call<void>(conv(id, '/wrap-up'), json('POST', { reasonId })),
};

const withNote = (target: RequestTarget, note: string) => (note.trim() === '' ? target : { ...target, note: note.trim() });
