import { describe, expect, it } from 'vitest';
import { recordableOrigin, refusedMessage, summarizeRefused, utcDay } from './refused-origins';

const T0 = Date.UTC(2026, 11, 8, 10, 0, 0);

describe('recordableOrigin: only what a browser sends is recorded', () => {
  it.each([
    ['https://shop.example.com', 'https://shop.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['https://shop.example.com:8443', 'https://shop.example.com:8443'],
    [undefined, null],
    ['', null],
    ['null', null],
    ['file://', null],
    ['chrome-extension://abc', null],
    ['https://SHOP.example.com', null],
    ['https://shop.example.com:443', null],
    ['https://shop.example.com/path', null],
    ['https://user:pw@shop.example.com', null],
    [`https://${'a'.repeat(200)}.com`, null],
  ])('%s → %s', (given, expected) => {
    expect(recordableOrigin(given)).toBe(expected);
  });
});

describe('summarizeRefused: the daily rows per origin, the most recent first', () => {
  it.each([
    { name: 'no rows', rows: [], expected: [] },
    {
      name: 'today and earlier days summed apart',
      rows: [
        { origin: 'https://a.example', day: '2026-12-08', count: 12, lastAt: T0 },
        { origin: 'https://a.example', day: '2026-12-06', count: 3, lastAt: T0 - 2 * 86_400_000 },
        { origin: 'https://b.example', day: '2026-12-07', count: 2, lastAt: T0 - 3_600_000 },
      ],
      expected: [
        { origin: 'https://a.example', today: 12, total: 15, lastAt: T0 },
        { origin: 'https://b.example', today: 0, total: 2, lastAt: T0 - 3_600_000 },
      ],
    },
  ])('$name', ({ rows, expected }) => {
    expect(summarizeRefused(rows, T0)).toEqual(expected);
  });
});

describe('utcDay and the console message', () => {
  it('days are UTC', () => {
    expect(utcDay(Date.UTC(2026, 11, 8, 23, 59))).toBe('2026-12-08');
    expect(utcDay(Date.UTC(2026, 11, 9, 0, 0))).toBe('2026-12-09');
  });
  it('the message names the origin, the site and the console path', () => {
    const text = refusedMessage('https://shop.example.com', 'Loja');
    expect(text).toContain('https://shop.example.com');
    expect(text).toContain('Administration → Sites and widget → Loja → Allowed pages');
  });
});
