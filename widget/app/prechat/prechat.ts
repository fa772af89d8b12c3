/**
 * @module The pre-chat form's rules on the widget's side (SPEC W5), mirroring the server's checkPrechat so
 * the visitor sees what is missing before anything is sent (the server checks again): which fields are
 * asked, which are missing or malformed, and the `prechat` answers a message.send carries. Pure.
 */
import type { PrechatAnswers, WidgetSettings } from '../../../shared/protocol';

export type PrechatSettings = WidgetSettings['prechat'];

/** What the visitor typed and chose; `message` is the conversation's first message. */
export interface PrechatInput {
  name: string;
  email: string;
  queue: string;
  consent: boolean;
  message: string;
}

export type PrechatField = keyof PrechatInput;
export type PrechatProblem = 'field_required' | 'invalid_email' | 'message_too_long';

/**
 * The composer's rule for a message's text (shared/limits' messageProblem), handed in by the app chunk
 * that already holds it: importing it here would split shared/limits into a chunk of its own.
 */
export type MessageRule = (text: string) => 'message_empty' | 'message_too_long' | null;

/** The form's fields in the order they are shown (and focused on a problem). */
export const PRECHAT_FIELDS: readonly PrechatField[] = ['name', 'email', 'queue', 'message', 'consent'];

/** The same test as the server's (server/domain/prechat.ts). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Problems by field; empty when the form may be sent. A field the site turned off is never a problem; a
 * queue is chosen from the offered ones (the select always holds one), so it is never one either.
 *
 * @example checkPrechat({ ...settings, name: 'required' }, { ...input, name: ' ' }, messageProblem) // { name: 'field_required' }
 */
export function checkPrechat(settings: PrechatSettings, input: PrechatInput, messageRule: MessageRule): Partial<Record<PrechatField, PrechatProblem>> {
  const problems: Partial<Record<PrechatField, PrechatProblem>> = {};
  const name = input.name.trim();
  const email = input.email.trim();
  if (settings.name === 'required' && !name) problems.name = 'field_required';
  if (settings.email !== 'off') {
    if (!email) {
      if (settings.email === 'required') problems.email = 'field_required';
    } else if (email.length > 254 || !EMAIL.test(email)) {
      problems.email = 'invalid_email';
    }
  }
  const message = messageRule(input.message);
  if (message) problems.message = message === 'message_empty' ? 'field_required' : message;
  if (consentText(settings) && !input.consent) problems.consent = 'field_required';
  return problems;
}

/** The site's consent text, or null when it asks for none. */
export function consentText(settings: PrechatSettings): string | null {
  return settings.consent?.trim() || null;
}

/** The answers sent with the first message: only what the form asked, blanks left out. */
export function prechatAnswers(settings: PrechatSettings, input: PrechatInput): PrechatAnswers {
  const answers: PrechatAnswers = {};
  const name = input.name.trim();
  const email = input.email.trim().toLowerCase();
  if (settings.name !== 'off' && name) answers.name = name.slice(0, 200);
  if (settings.email !== 'off' && email) answers.email = email;
  if (settings.queues.some((q) => q.id === input.queue)) answers.queue = input.queue;
  if (consentText(settings)) answers.consent = input.consent;
  return answers;
}

/** The form as the visitor left it when a refused submission comes back (the answers it carried). */
export function inputFrom(settings: PrechatSettings, answers: PrechatAnswers | undefined, message: string): PrechatInput {
  return {
    name: answers?.name ?? '',
    email: answers?.email ?? '',
    queue: answers?.queue ?? settings.queues[0]?.id ?? '',
    consent: answers?.consent ?? false,
    message,
  };
}
