/**
 * @module The leave-a-message form's rules without any UI (SPEC T1, T7): labels in the visitor's language
 * for the fields every site has, the checks made before sending, and which field a server error is about.
 */
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS } from '../../shared/limits';
import type { OfflineField } from '../../shared/protocol';
import type { Strings } from './i18n';

/** The protocol's limit for one field's value (`ticket.create`). */
export const MAX_FIELD_CHARS = 4000;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The site's fields with e-mail and message, which every form has, even if the list lacks them. */
export function formFields(fields: readonly OfflineField[]): OfflineField[] {
  const all = [...fields];
  if (!all.some((f) => f.key === 'email')) all.push({ key: 'email', label: 'E-mail', type: 'email', required: true });
  if (!all.some((f) => f.key === 'message')) all.push({ key: 'message', label: 'Message', type: 'textarea', required: true });
  return all;
}

/** E-mail and message are always asked: the server names them in English, the widget in the visitor's language. */
export function fieldLabel(field: OfflineField, t: Strings): string {
  if (field.key === 'email') return t.fieldEmail;
  if (field.key === 'message') return t.fieldMessage;
  // "Name" is the server's default label; a site's own label is shown as the site wrote it.
  if (field.key === 'name' && field.label === 'Name') return t.fieldName;
  return field.label;
}

export const isEmailField = (field: OfflineField) => field.type === 'email' || field.key === 'email';

export const isEmail = (value: string) => EMAIL.test(value.trim());

/** The most a field takes (the input stops there): the server's limits for names and addresses. */
export const maxChars = (field: OfflineField) => (isEmailField(field) ? MAX_EMAIL_CHARS : field.key === 'name' ? MAX_NAME_CHARS : MAX_FIELD_CHARS);

/** The first problem per field, as an error code, before anything is sent (inputs stop at MAX_FIELD_CHARS). */
export function checkForm(fields: readonly OfflineField[], values: Readonly<Record<string, string>>): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const f of fields) {
    const value = (values[f.key] ?? '').trim();
    if (value === '') {
      if (f.required) problems[f.key] = 'field_required';
    } else if (isEmailField(f) && !isEmail(value)) problems[f.key] = 'invalid_email';
  }
  return problems;
}

/**
 * The field a server error is about, or null to show it for the whole form. The error frame has no field
 * of its own, so its message is read for a field key (`email: ...`, `fields.email: ...`, `"email"`);
 * `invalid_email` without one means the e-mail field.
 */
export function errorField(fields: readonly OfflineField[], code: string, message: string | null): string | null {
  const text = message ?? '';
  const named = fields.find((f) => new RegExp(`(^|fields\\.|["'\`])${f.key}(["'\`:]|$)`).test(text));
  if (named) return named.key;
  if (code === 'invalid_email') return fields.find(isEmailField)?.key ?? null;
  return null;
}

/** What the visitor reads for an error code. */
export function problemText(code: string, t: Strings): string {
  return code === 'field_required' ? t.required : code === 'invalid_email' ? t.badEmail : code === 'rate_limited' ? t.tryLater : t.failedTry;
}
