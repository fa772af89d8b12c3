/**
 * @module The pre-chat form's rules (SPEC W5): what a visitor must answer before its first message of a
 * conversation, and what the answers become (the visitor's name, the requester e-mail, the queue, consent).
 * Pure: the conversation service runs it only when the message starts a conversation.
 */
import type { ErrorCode } from '../../shared/errors';
import type { PrechatAnswers, WidgetSettings } from '../../shared/protocol';
import type { SiteWidget } from '../../shared/api';
import { refuse, type ConversationState, type Decision, type Entry, type StatePatch } from './conversation';
import { EMAIL } from './tickets';

/** The site's pre-chat settings with the queues it offers that still exist (ids). */
export type PrechatSettings = Pick<SiteWidget['prechat'], 'enabled' | 'name' | 'email' | 'consent'> & { queues: readonly string[] };

/** What valid answers set; null where the form did not ask or the visitor left it empty. */
export interface PrechatOutcome {
  name: string | null;
  email: string | null;
  /** One of the offered queues; null: the site's usual entry (data-queue, the default queue). */
  queueId: string | null;
  /** The consent text the visitor accepted; null when the site asks for none. */
  consent: string | null;
}

export type PrechatCheck = { ok: true; answers: PrechatOutcome } | { ok: false; code: ErrorCode; field: string; message: string };

/**
 * SPEC W5: required name or e-mail missing (or blank) and consent not accepted are `field_required`; a queue
 * the form does not offer is `invalid_request`; a malformed e-mail `invalid_email`. A field the site turned
 * off is ignored, not refused (an older widget may still send it). Missing `answers` is an empty form.
 *
 * @example checkPrechat({ enabled: true, name: 'required', email: 'off', queues: [], consent: null }, {}) // field_required (name)
 */
export function checkPrechat(settings: PrechatSettings, answers: PrechatAnswers | undefined): PrechatCheck {
  const none: PrechatOutcome = { name: null, email: null, queueId: null, consent: null };
  if (!settings.enabled) return { ok: true, answers: none };
  const given = answers ?? {};
  const name = settings.name === 'off' ? null : blankToNull(given.name);
  const email = settings.email === 'off' ? null : blankToNull(given.email)?.toLowerCase() ?? null;
  if (settings.name === 'required' && name === null) return missing('name');
  if (settings.email === 'required' && email === null) return missing('email');
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) {
    return { ok: false, code: 'invalid_email', field: 'email', message: 'email: The e-mail address is not valid.' };
  }
  const queue = blankToNull(given.queue);
  if (queue !== null && !settings.queues.includes(queue)) {
    return { ok: false, code: 'invalid_request', field: 'queue', message: 'queue: this form does not offer that queue.' };
  }
  const consentText = settings.consent === null ? null : blankToNull(settings.consent);
  if (consentText !== null && given.consent !== true) return missing('consent');
  return { ok: true, answers: { name, email, queueId: queue, consent: consentText } };
}

function missing(field: 'name' | 'email' | 'consent'): PrechatCheck {
  return { ok: false, code: 'field_required', field, message: `${field}: this site asks for it before the chat starts.` };
}

function blankToNull(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** The site's form as the widget reads it (queues with names) to what checkPrechat takes. */
export function prechatSettings(form: WidgetSettings['prechat']): PrechatSettings {
  return { enabled: form.enabled, name: form.name, email: form.email, consent: form.consent, queues: form.queues.map((q) => q.id) };
}

/** Where the new conversation goes: the chosen queue, unless the site's bot takes every new conversation. */
export function prechatEntry(entry: Entry | undefined, answers: PrechatOutcome, offered: WidgetSettings['prechat']['queues']): Entry | undefined {
  if (answers.queueId === null || entry?.bot) return entry;
  const queue = offered.find((q) => q.id === answers.queueId);
  return queue ? { bot: false, queueId: queue.id, queueName: queue.name } : entry;
}

/**
 * SPEC W5: wraps a message rule so that, when the message starts a conversation (lastSeq 0), a refused form
 * refuses it (nothing is stored) and valid answers name the conversation's visitor and requester e-mail; the
 * accepted consent text goes on the visitor's first message as `data.consent` (the record of what was agreed
 * to, and when, sits in the conversation's own log). Later messages are decided by `decide` alone.
 */
export function decideWithPrechat<A extends unknown[]>(
  form: PrechatCheck | null,
  decide: (state: ConversationState, ...rest: A) => Decision,
): (state: ConversationState, ...rest: A) => Decision {
  if (form === null) return decide;
  return (state, ...rest) => {
    if (state.lastSeq !== 0) return decide(state, ...rest);
    if (!form.ok) return refuse(form.code);
    const decision = decide(state, ...rest);
    if (!decision.ok) return decision;
    const { name, email, consent } = form.answers;
    const patch: StatePatch = { ...decision.patch, ...(name !== null ? { visitorName: name } : {}), ...(email !== null ? { requesterEmail: email } : {}) };
    const events =
      consent === null
        ? decision.events
        : decision.events.map((e) => (e.kind === 'message' && e.author.kind === 'visitor' ? { ...e, data: { ...e.data, consent } } : e));
    return { ok: true, events, patch };
  };
}
