import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, messageProblem } from '../../../shared/limits';
import { checkPrechat, inputFrom, prechatAnswers, type PrechatInput, type PrechatSettings } from './prechat';
import { needsPrechat } from './lazy';

const settings: PrechatSettings = {
  enabled: true,
  name: 'required',
  email: 'optional',
  queues: [
    { id: 'q1', name: 'Vendas' },
    { id: 'q2', name: 'Suporte' },
  ],
  consent: 'Aceito a política de privacidade.',
};
const input: PrechatInput = { name: 'Ana', email: '', queue: 'q1', consent: true, message: 'Olá!' };

describe('checkPrechat: the widget mirrors the server (SPEC W5)', () => {
  it.each<[string, Partial<PrechatSettings>, Partial<PrechatInput>, ReturnType<typeof checkPrechat>]>([
    ['all answered', {}, {}, {}],
    ['required name blank', {}, { name: '  ' }, { name: 'field_required' }],
    ['optional name blank', { name: 'optional' }, { name: '' }, {}],
    ['name off', { name: 'off' }, { name: '' }, {}],
    ['required e-mail missing', { email: 'required' }, { email: '' }, { email: 'field_required' }],
    ['optional e-mail malformed', {}, { email: 'ana@' }, { email: 'invalid_email' }],
    ['optional e-mail fine', {}, { email: ' Ana@Example.com ' }, {}],
    ['e-mail off ignores what is there', { email: 'off' }, { email: 'nonsense' }, {}],
    ['e-mail over 254', {}, { email: `${'a'.repeat(250)}@x.com` }, { email: 'invalid_email' }],
    ['consent not ticked', {}, { consent: false }, { consent: 'field_required' }],
    ['no consent text, nothing to tick', { consent: null }, { consent: false }, {}],
    ['blank consent text is none', { consent: '  ' }, { consent: false }, {}],
    ['message blank', {}, { message: ' \n ' }, { message: 'field_required' }],
    ['message too long', {}, { message: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }, { message: 'message_too_long' }],
    ['several at once', { email: 'required' }, { name: '', email: '', consent: false }, { name: 'field_required', email: 'field_required', consent: 'field_required' }],
  ])('%s', (_, s, i, problems) => {
    expect(checkPrechat({ ...settings, ...s }, { ...input, ...i }, messageProblem)).toEqual(problems);
  });
});

describe('prechatAnswers: only what the form asked, blanks left out', () => {
  it('name, e-mail (lower case), queue and consent', () => {
    expect(prechatAnswers(settings, { ...input, name: ' Ana ', email: ' Ana@Example.COM ' })).toEqual({ name: 'Ana', email: 'ana@example.com', queue: 'q1', consent: true });
  });
  it('fields turned off and blank ones are not sent; a queue not offered neither', () => {
    expect(prechatAnswers({ ...settings, name: 'off', consent: null }, { ...input, email: '', queue: 'elsewhere' })).toEqual({});
  });
});

describe('inputFrom: a refused submission comes back as the visitor left it', () => {
  it('with its answers and message', () => {
    expect(inputFrom(settings, { name: 'Ana', email: 'a@b.co', queue: 'q2', consent: true }, 'oi')).toEqual({ name: 'Ana', email: 'a@b.co', queue: 'q2', consent: true, message: 'oi' });
  });
  it('an empty form starts on the first queue offered', () => {
    expect(inputFrom(settings, undefined, '')).toEqual({ name: '', email: '', queue: 'q1', consent: false, message: '' });
    expect(inputFrom({ ...settings, queues: [] }, undefined, '').queue).toBe('');
  });
});

describe('needsPrechat: the form comes before the first message of a conversation', () => {
  const site = { online: true, offlineFields: [], widget: { prechat: settings } } as never;
  const base = { site, conversationId: null, status: null, outbox: [] };
  const item = (failed: string | null) => ({ clientId: 'c', text: 'oi', conversationId: null, at: 1, failed });
  it.each<[string, Record<string, unknown>, boolean]>([
    ['a new visitor', {}, true],
    ['after an ended conversation ("New conversation")', { conversationId: 'k1', status: 'ended' }, true],
    ['an open conversation', { conversationId: 'k1', status: 'open' }, false],
    ['the first message on its way', { outbox: [item(null)] }, false],
    ['the first message refused', { outbox: [item('field_required')] }, true],
    ['an identified visitor', { identity: { userId: 'u1', name: null, email: null } }, false],
    ['the site turned it off', { site: { online: true, offlineFields: [], widget: { prechat: { ...settings, enabled: false } } } }, false],
    ['an older server without widget settings', { site: { online: true, offlineFields: [] } }, false],
    ['before the welcome', { site: null }, false],
  ])('%s: %s', (_, patch, shown) => {
    expect(needsPrechat({ ...base, ...patch } as never)).toBe(shown);
  });
});
