import { describe, expect, it } from 'vitest';
import { checkPrechat, type PrechatCheck, type PrechatSettings } from './prechat';
import type { PrechatAnswers } from '../../shared/protocol';

const base: PrechatSettings = { enabled: true, name: 'optional', email: 'optional', queues: [], consent: null };
const nothing = { name: null, email: null, queueId: null, consent: null };

describe('checkPrechat (SPEC W5)', () => {
  const cases: Array<[string, PrechatSettings, PrechatAnswers | undefined, Partial<PrechatCheck> & { ok: boolean }]> = [
    ['disabled: nothing asked, answers ignored', { ...base, enabled: false, name: 'required' }, { name: 'Ana' }, { ok: true, answers: nothing } as PrechatCheck],
    ['all optional and nothing given', base, undefined, { ok: true, answers: nothing } as PrechatCheck],
    ['name and e-mail given are kept (e-mail lower-cased)', base, { name: ' Ana ', email: 'Ana@Example.com' }, { ok: true, answers: { ...nothing, name: 'Ana', email: 'ana@example.com' } } as PrechatCheck],
    ['required name missing', { ...base, name: 'required' }, {}, { ok: false, code: 'field_required', field: 'name' }],
    ['required name blank', { ...base, name: 'required' }, { name: '   ' }, { ok: false, code: 'field_required', field: 'name' }],
    ['required e-mail missing, no answers at all', { ...base, email: 'required' }, undefined, { ok: false, code: 'field_required', field: 'email' }],
    ['a malformed e-mail', base, { email: 'ana@' }, { ok: false, code: 'invalid_email', field: 'email' }],
    ['a field turned off is ignored', { ...base, name: 'off', email: 'off' }, { name: 'Ana', email: 'not an e-mail' }, { ok: true, answers: nothing } as PrechatCheck],
    ['an offered queue is chosen', { ...base, queues: ['q1', 'q2'] }, { queue: 'q2' }, { ok: true, answers: { ...nothing, queueId: 'q2' } } as PrechatCheck],
    ['no queue chosen: the usual entry', { ...base, queues: ['q1'] }, {}, { ok: true, answers: nothing } as PrechatCheck],
    ['a queue not offered', { ...base, queues: ['q1'] }, { queue: 'q9' }, { ok: false, code: 'invalid_request', field: 'queue' }],
    ['a queue when none are offered', base, { queue: 'q1' }, { ok: false, code: 'invalid_request', field: 'queue' }],
    ['consent asked and not given', { ...base, consent: 'Aceito a política de privacidade.' }, { name: 'Ana' }, { ok: false, code: 'field_required', field: 'consent' }],
    ['consent asked and refused', { ...base, consent: 'Aceito.' }, { consent: false }, { ok: false, code: 'field_required', field: 'consent' }],
    ['consent accepted is recorded with its text', { ...base, consent: 'Aceito.' }, { consent: true }, { ok: true, answers: { ...nothing, consent: 'Aceito.' } } as PrechatCheck],
    ['a blank consent text asks nothing', { ...base, consent: '  ' }, {}, { ok: true, answers: nothing } as PrechatCheck],
  ];
  it.each(cases)('%s', (_name, settings, answers, expected) => {
    expect(checkPrechat(settings, answers)).toMatchObject(expected);
  });

  it('the refusal names the field in its message', () => {
    const check = checkPrechat({ ...base, email: 'required' }, {});
    expect(check.ok === false && check.message).toMatch(/^email:/);
  });
});
