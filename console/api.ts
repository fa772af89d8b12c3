/**
 * @module The console's HTTP calls (same origin; the session cookie travels by itself).
 */
import type { ErrorAnswer, EventPageAnswer, LoginAnswer } from '../shared/api';
import type { AgentProfile } from '../shared/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    ...init,
    credentials: 'same-origin',
    headers: init?.body ? { 'content-type': 'application/json' } : undefined,
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as T | ErrorAnswer | null;
  if (!res.ok) {
    const error = (body as ErrorAnswer | null)?.error;
    throw new ApiError(res.status, error?.code ?? 'internal', error?.message ?? res.statusText);
  }
  return body as T;
}

export const api = {
  me: () => call<LoginAnswer>('/auth/me').then((a) => a.agent),
  login: (email: string, password: string): Promise<AgentProfile> =>
    call<LoginAnswer>('/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) }).then((a) => a.agent),
  logout: () => call<void>('/auth/logout', { method: 'POST' }),
  /** One page of a conversation's events older than `beforeSeq`, oldest first. */
  eventsBefore: (conversationId: string, beforeSeq: number) =>
    call<EventPageAnswer>(`/conversations/${encodeURIComponent(conversationId)}/events?before=${beforeSeq}`),
};
