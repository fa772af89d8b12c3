import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageOf, type ListPosition } from './list-cursor';

const T0 = 1_750_000_000_000;
const ID = '0190f5c2-7d1e-7a00-8000-000000000001';

describe('issue 12: list cursors', () => {
  it.each<[string, ListPosition]>([
    ['a UUID and a time', { updatedAt: T0, id: ID }],
    ['time zero', { updatedAt: 0, id: 'c' }],
    ['an id with characters JSON escapes', { updatedAt: 5, id: 'a"b\\c/é' }],
  ])('round-trips %s', (_name, position) => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  it.each<[string, string]>([
    ['empty', ''],
    ['not base64url', 'abc$%'],
    ['padding is not ours', `${b64(`[${T0},"c"]`)}=`],
    ['base64 of text that is not JSON', b64('hello')],
    ['an object', b64(`{"updatedAt":${T0},"id":"c"}`)],
    ['one element', b64(`[${T0}]`)],
    ['three elements', b64(`[${T0},"c",1]`)],
    ['a time that is text', b64(`["${T0}","c"]`)],
    ['a negative time', b64('[-1,"c"]')],
    ['a fractional time', b64('[1.5,"c"]')],
    ['a time past safe integers', b64('[1e300,"c"]')],
    ['an empty id', b64(`[${T0},""]`)],
    ['an id that is a number', b64(`[${T0},7]`)],
    ['an id longer than 64 characters', b64(`[${T0},"${'x'.repeat(65)}"]`)],
    ['longer than 200 characters', 'A'.repeat(201)],
  ])('refuses %s', (_name, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  const row = (id: string, updatedAt = T0) => ({ id, updatedAt });
  it.each<[string, ReturnType<typeof row>[], number, string[], ListPosition | null]>([
    ['no rows: an empty last page', [], 2, [], null],
    ['fewer rows than the page: the last page', [row('a')], 2, ['a'], null],
    ['exactly the page: the last page (no extra row was read)', [row('a'), row('b')], 2, ['a', 'b'], null],
    ['one row more: the page, and a cursor at its last row', [row('b', T0 + 1), row('a'), row('z')], 2, ['b', 'a'], { updatedAt: T0, id: 'a' }],
  ])('pageOf: %s', (_name, rows, limit, ids, next) => {
    const got = pageOf(rows, limit);
    expect(got.page.map((r) => r.id)).toEqual(ids);
    expect(got.next).toEqual(next);
  });
});
