/**
 * @module Ticket rules as pure functions (SPEC T1-T8): the leave-a-message form's fields checked against
 * the site's form and turned into a ticket's requester, subject and description; the defaults a site has.
 */
import type { SiteTicketing } from '../../shared/api';
import type { ErrorCode } from '../../shared/errors';
import type { OfflineField } from '../../shared/protocol';

/** E-mail and message are always asked; a site adds or drops the rest (name by default). */
export const ALWAYS_FIELDS: readonly OfflineField[] = [
  { key: 'email', label: 'E-mail', type: 'email', required: true },
  { key: 'message', label: 'Message', type: 'textarea', required: true },
];

export const DEFAULT_TICKETING: SiteTicketing = {
  businessHours: null,
  ticketWhenNoAgents: true,
  maxWaitMs: null,
  offlineFields: [{ key: 'name', label: 'Name', type: 'text', required: false }],
};

/** The form the widget shows: the site's fields, then e-mail and message. */
export function formFields(ticketing: SiteTicketing | null): OfflineField[] {
  const own = (ticketing ?? DEFAULT_TICKETING).offlineFields.filter((f) => !ALWAYS_FIELDS.some((a) => a.key === f.key));
  return [...own, ...ALWAYS_FIELDS];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type FormResult =
  | { ok: true; requesterName: string | null; email: string; subject: string; description: string }
  | { ok: false; code: ErrorCode; field: string };

/**
 * SPEC T1/T7: checks a submitted form against the site's fields: required ones filled, the e-mail valid,
 * unknown keys refused. The subject is the message's first line (at most 80 characters); the description
 * is the message, then the other fields as "Label: value" lines.
 */
export function readForm(fields: readonly OfflineField[], values: Readonly<Record<string, string>>): FormResult {
  for (const key of Object.keys(values)) {
    if (!fields.some((f) => f.key === key)) return { ok: false, code: 'invalid_request', field: key };
  }
  const clean: Record<string, string> = {};
  for (const field of fields) {
    const value = (values[field.key] ?? '').trim();
    if (value === '' && field.required) return { ok: false, code: 'field_required', field: field.key };
    if (value !== '' && (field.type === 'email' || field.key === 'email') && !EMAIL.test(value)) return { ok: false, code: 'invalid_email', field: field.key };
    clean[field.key] = value;
  }
  const message = clean.message!;
  const firstLine = message.split('\n')[0]!.trim();
  const subject = firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
  const extra = fields.filter((f) => !['name', 'email', 'message'].includes(f.key) && clean[f.key] !== '').map((f) => `${f.label}: ${clean[f.key]}`);
  return {
    ok: true,
    requesterName: clean.name ? clean.name : null,
    email: clean.email!.toLowerCase(),
    subject,
    description: extra.length > 0 ? `${message}\n\n${extra.join('\n')}` : message,
  };
}
