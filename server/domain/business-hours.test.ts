import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../../shared/api';
import { isOpen, localTime } from './business-hours';

// Brasília has no daylight saving since 2019: UTC-3 all year. New York changes on 2026-11-01.
const SP: BusinessHours = { timeZone: 'America/Sao_Paulo', days: { '1': [['09:00', '18:00']], '2': [['09:00', '12:00'], ['13:00', '18:00']], '6': [['10:00', '24:00']] } };
const at = (iso: string) => Date.parse(iso);

describe('T1: business hours in the site\'s time zone', () => {
  it.each([
    ['Monday 08:59 in São Paulo is before opening', '2026-11-23T11:59:00Z', false],
    ['Monday 09:00 in São Paulo opens', '2026-11-23T12:00:00Z', true],
    ['Monday 17:59 in São Paulo is open', '2026-11-23T20:59:00Z', true],
    ['Monday 18:00 in São Paulo has closed (ranges end before their end)', '2026-11-23T21:00:00Z', false],
    ['Tuesday lunch 12:30 falls between two ranges', '2026-11-24T15:30:00Z', false],
    ['Tuesday 13:00 opens the second range', '2026-11-24T16:00:00Z', true],
    ['Sunday has no ranges: closed all day', '2026-11-22T15:00:00Z', false],
    ['Saturday 23:59 is open up to 24:00', '2026-11-29T02:59:00Z', true],
    ['Monday 02:00 UTC is still Sunday 23:00 in São Paulo: closed', '2026-11-23T02:00:00Z', false],
  ])('%s', (_name, iso, expected) => {
    expect(isOpen(SP, at(iso))).toBe(expected);
  });

  it('no business hours means always open', () => {
    expect(isOpen(null, at('2026-11-22T03:00:00Z'))).toBe(true);
  });

  it.each([
    ['before New York leaves daylight saving (UTC-4)', '2026-10-30T13:30:00Z', { day: '5', minutes: 9 * 60 + 30 }],
    ['after it does (UTC-5)', '2026-11-06T13:30:00Z', { day: '5', minutes: 8 * 60 + 30 }],
  ])('local time follows daylight saving %s', (_name, iso, expected) => {
    expect(localTime(at(iso), 'America/New_York')).toEqual(expected);
  });
});
