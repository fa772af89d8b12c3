/**
 * @module What of a visitor's input is free text, which masking covers, and what is an identifier that must
 * stay exact (issue 11 F4/F5, SPEC M1, M2). Pure.
 *
 * Frames: every string in a visitor's frame is free text except the identifiers listed per frame type in
 * VISITOR_IDENTIFIERS. So a field added to a visitor frame is masked until someone lists it as an identifier,
 * and a frame type added to the protocol does not compile until it is listed. Identifiers are ids, tokens and
 * identity proofs (a masked one would not verify), the queue a site's tag names (looked up, never stored),
 * and the requester's e-mail address: mail is sent to it (SPEC T8) and data-rights requests match it, so a
 * masked address would be a broken one. A name is free text: it is shown, never matched. The claims inside a
 * JWT proof stay as the site's own server signed them (masking them would break the signature).
 *
 * Events: the data fields holding what a visitor typed, or what an agent typed about the visitor, are listed
 * in VISITOR_TEXT_DATA; the rest of an event's data is the product's own (ids, queue and agent names, reasons).
 */
import type { ClientFrame } from '../../shared/protocol';

/** Per visitor frame type, the paths of strings that stay exact (`a.b` a nested key, `a.*` any array item). */
export const VISITOR_IDENTIFIERS: { readonly [T in ClientFrame['type']]: readonly string[] } = {
  hello: ['type', 'token', 'resume.conversationId', 'queue', 'identity.jwt', 'identity.userId', 'identity.userHash', 'identity.email'],
  'message.send': ['type', 'clientId', 'conversationId', 'attachments.*', 'prechat.email', 'prechat.queue'],
  'conversation.end': ['type', 'conversationId'],
  'ticket.create': ['type', 'clientId', 'fields.email'],
  'conversation.rate': ['type', 'clientId', 'conversationId'],
  'transcript.email': ['type', 'clientId', 'conversationId', 'email'],
  typing: ['type', 'conversationId'],
  seen: ['type', 'conversationId'],
  'conversations.list': ['type', 'clientId'],
  watch: ['type', 'conversationId'],
  unwatch: ['type', 'conversationId'],
  ping: ['type'],
  // Issue 15 (visitor promises and tickets): the address its ticket's replies go to.
  'ticket.email': ['type', 'clientId', 'conversationId', 'email'],
  // Issue 15 (internal chat): agents' frames, refused on a visitor's socket; listed so the map stays total.
  'internal.send': ['type', 'clientId', 'channelId'],
  'internal.seen': ['type', 'channelId'],
  'internal.load': ['type', 'clientId', 'channelId'],
  'internal.list': ['type', 'clientId'],
};

const EXACT: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(VISITOR_IDENTIFIERS).map(([type, paths]) => [type, new Set(paths)]),
);

/**
 * The frame with every free-text string passed through `mask` (identifiers stay as they are). A frame with
 * nothing to mask comes back as it was; otherwise a copy (keys are copied as data, never as `__proto__`).
 *
 * @example redactFrame({ type: 'conversation.rate', clientId, conversationId, score: 1, comment: 'CPF 529.982.247-25' }, mask)
 *   // { ..., comment: 'CPF ***.***.***-25' }
 */
export function redactFrame<F extends ClientFrame>(frame: F, mask: (text: string) => string): F {
  return redact(frame, '', EXACT[frame.type] ?? new Set(['type']), mask) as F;
}

function redact(value: unknown, path: string, exact: ReadonlySet<string>, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return exact.has(path) ? value : mask(value);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const masked = redact(item, `${path}.*`, exact, mask);
      changed ||= masked !== item;
      return masked;
    });
    return changed ? out : value;
  }
  if (value === null || typeof value !== 'object') return value;
  let changed = false;
  const entries = Object.entries(value).map(([key, item]) => {
    const masked = redact(item, path === '' ? key : `${path}.${key}`, exact, mask);
    changed ||= masked !== item;
    return [key, masked] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}

/**
 * Event data fields that hold a visitor's own text, or what an agent typed about the visitor, by event kind:
 * masked in agent views in `mask` mode (SPEC M2). Message and note text, and attachment names, are the other
 * free text of an event.
 */
export const VISITOR_TEXT_DATA: Readonly<Record<string, readonly string[]>> = {
  requester_edited: ['name', 'email'],
  rated: ['comment'],
  // Issue 15: the requester's address, as the visitor gave it or as the ticket had it.
  ticket_created: ['email'],
  ticket_email: ['email'],
};
