import { describe, expect, it } from 'vitest';
import { DataSubjectQuery, FileUploadQuery } from './api';
import { parseBody } from './protocol';

describe('FileUploadQuery (SPEC W3)', () => {
  it.each<[string, Record<string, string>]>([
    ['missing', {}],
    ['empty', { conversation: '' }],
    ['too long', { conversation: 'x'.repeat(65) }],
  ])('a %s conversation is refused with one message naming what it is', (_, query) => {
    expect(parseBody(FileUploadQuery, query)).toEqual({ ok: false, code: 'invalid_request', message: 'conversation: the id of the conversation the file goes to.' });
  });

  it('an id is taken', () => {
    expect(parseBody(FileUploadQuery, { conversation: 'c1' })).toMatchObject({ ok: true, value: { conversation: 'c1' } });
  });
});

describe('DataSubjectQuery (issue 6): exactly one of visitorId and email names the subject', () => {
  it.each<[string, Record<string, string>, unknown]>([
    ['neither', {}, { ok: false, code: 'invalid_request', message: 'Name exactly one of visitorId and email.' }],
    ['both', { visitorId: 'v1', email: 'a@example.com' }, { ok: false, code: 'invalid_request', message: 'Name exactly one of visitorId and email.' }],
    ['a visitor', { visitorId: 'v1' }, { ok: true, value: { visitorId: 'v1' } }],
    ['an e-mail, trimmed and lower-cased', { email: ' Ana@Example.COM ' }, { ok: true, value: { email: 'ana@example.com' } }],
    ['a bad e-mail (its own code, before the rule)', { email: 'nope' }, { ok: false, code: 'invalid_email', message: expect.any(String) }],
    ['an empty visitorId (the field, before the rule)', { visitorId: '' }, { ok: false, code: 'invalid_request', message: expect.stringMatching(/^visitorId: /) }],
  ])('%s', (_, query, expected) => {
    expect(parseBody(DataSubjectQuery, query)).toEqual(expected);
  });
});
