import { describe, expect, it } from 'vitest';
import type { OfflineField } from '../../shared/protocol';
import en from './locales/en';
import es from './locales/es';
import ptBR from './locales/pt-BR';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS } from '../../shared/limits';
import { checkForm, errorField, fieldLabel, formFields, MAX_FIELD_CHARS, maxChars, problemText } from './offline-form';

const STRINGS = { 'pt-BR': ptBR, en, es };
const NAME: OfflineField = { key: 'name', label: 'Name', type: 'text', required: false };
const EMAIL: OfflineField = { key: 'email', label: 'E-mail', type: 'email', required: true };
const MESSAGE: OfflineField = { key: 'message', label: 'Message', type: 'textarea', required: true };
const ORDER: OfflineField = { key: 'order', label: 'Número do pedido', type: 'text', required: true };
const FIELDS = [NAME, ORDER, EMAIL, MESSAGE];

describe('T1: the form\'s fields', () => {
  it('e-mail and message are always there, after the site\'s own', () => {
    expect(formFields([NAME])).toEqual([NAME, EMAIL, MESSAGE]);
    expect(formFields([])).toEqual([EMAIL, MESSAGE]);
    expect(formFields(FIELDS)).toEqual(FIELDS);
  });

  it.each(['pt-BR', 'en', 'es'] as const)('labels in %s: e-mail, message and the default name translated; a site\'s own label as written', (locale) => {
    const t = STRINGS[locale];
    expect(fieldLabel(EMAIL, t)).toBe(t.fieldEmail);
    expect(fieldLabel(MESSAGE, t)).toBe(t.fieldMessage);
    expect(fieldLabel(NAME, t)).toBe(t.fieldName);
    expect(fieldLabel({ ...NAME, label: 'Seu nome completo' }, t)).toBe('Seu nome completo');
    expect(fieldLabel(ORDER, t)).toBe('Número do pedido');
  });
});

describe('T7: checks before sending', () => {
  it('each input stops at the server\'s limit for its field', () => {
    expect(FIELDS.map(maxChars)).toEqual([MAX_NAME_CHARS, MAX_FIELD_CHARS, MAX_EMAIL_CHARS, MAX_FIELD_CHARS]);
  });

  it('required fields must be filled (blank counts as empty); optional ones may be left out', () => {
    expect(checkForm(FIELDS, { email: 'ana@example.com', message: '  ' })).toEqual({ order: 'field_required', message: 'field_required' });
  });

  it('the e-mail must look like one', () => {
    expect(checkForm(FIELDS, { order: '7', email: 'ana@', message: 'Oi' })).toEqual({ email: 'invalid_email' });
    expect(checkForm(FIELDS, { order: '7', email: ' ana@example.com ', message: 'Oi' })).toEqual({});
  });
});

describe('T7: which field a server error is about', () => {
  it.each([
    ['email: The e-mail address is not valid.', 'invalid_email', 'email'],
    ['fields.order: Invalid length', 'invalid_frame', 'order'],
    ['Field "message" is required.', 'field_required', 'message'],
    ['The e-mail address is not valid.', 'invalid_email', 'email'],
    ['A required field is empty.', 'field_required', null],
    ['The message is empty.', 'field_required', null],
    ['Something went wrong on the server.', 'internal', null],
  ])('%s (%s) -> %s', (message, code, field) => {
    expect(errorField(FIELDS, code, message)).toBe(field);
  });

  it.each(['pt-BR', 'en', 'es'] as const)('every code reads as a sentence in %s', (locale) => {
    const t = STRINGS[locale];
    expect(problemText('field_required', t)).toBe(t.required);
    expect(problemText('invalid_email', t)).toBe(t.badEmail);
    expect(problemText('invalid_frame', t)).toBe(t.failedTry);
    // SPEC L3/L4: a limit counted in hours: asking again at once would not help.
    expect(problemText('rate_limited', t)).toBe(t.tryLater);
  });
});
