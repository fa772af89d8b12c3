/**
 * @module What the session keeps in the site's storage between pages: who the visitor is (token, id, user)
 * and their conversation, and a leave-a-message form not answered yet; read back defensively (another
 * version of the widget, or the visitor's own hands, may have written them).
 */
import type { ClientFrame } from '../../../shared/protocol';
import type { IdentityInput } from '../../contract';

export interface StoredSession {
  token: string;
  visitorId: string;
  conversationId: string | null;
  /** The identified user this visitor is (SPEC W6); null: anonymous. */
  userId: string | null;
}

/** The user id an identity proof names: the JWT's `sub` (read, not checked: the server checks), or `userId`. */
export function userOf(identity: IdentityInput): string | null {
  try {
    if ('jwt' in identity) return (JSON.parse(atob(identity.jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string }).sub ?? null;
    return identity.userId;
  } catch {
    return null;
  }
}

/** JSON from storage, or null when it is not JSON (or not there): one guard for every reader (outbox.ts too). */
export function parseStored(raw: string | null): unknown {
  try {
    return JSON.parse(raw ?? 'null');
  } catch {
    return null;
  }
}

export function readTicket(raw: string | null): Extract<ClientFrame, { type: 'ticket.create' }> | null {
  const f = parseStored(raw) as { clientId?: unknown; fields?: unknown } | null;
  return f && typeof f.clientId === 'string' && typeof f.fields === 'object' && f.fields !== null
    ? { type: 'ticket.create', clientId: f.clientId, fields: f.fields as Record<string, string> }
    : null;
}

export function readSession(raw: string | null): StoredSession | null {
  const s = parseStored(raw) as Partial<StoredSession> | null;
  if (typeof s?.token !== 'string' || typeof s.visitorId !== 'string') return null;
  return {
    token: s.token,
    visitorId: s.visitorId,
    conversationId: typeof s.conversationId === 'string' ? s.conversationId : null,
    userId: typeof s.userId === 'string' ? s.userId : null,
  };
}
