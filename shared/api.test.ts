import { describe, expect, it } from 'vitest';
import { FileUploadQuery } from './api';
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
