/**
 * @module Business hours (SPEC T1): whether a site is open at an instant, in the site's own time zone.
 * Pure: the clock is an argument. Intl gives the local weekday and time, so daylight-saving changes and
 * zones without them are handled the same way.
 */
import type { BusinessHours } from '../../shared/api';

const WEEKDAYS: Record<string, string> = { Sun: '0', Mon: '1', Tue: '2', Wed: '3', Thu: '4', Fri: '5', Sat: '6' };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 Sunday) and minutes since local midnight at `at` in `timeZone`. */
export function localTime(at: number, timeZone: string): { day: string; minutes: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: WEEKDAYS[parts.weekday!]!, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Open when the local time falls in one of the day's [from, to) ranges. No hours (null) means always open;
 * a day without ranges is closed all day. "24:00" closes at midnight.
 *
 * @example isOpen({ timeZone: 'America/Sao_Paulo', days: { '1': [['09:00', '18:00']] } }, mondayAt10hBrasilia) // true
 */
export function isOpen(hours: BusinessHours | null, at: number): boolean {
  if (!hours) return true;
  const { day, minutes } = localTime(at, hours.timeZone);
  const ranges = hours.days[day as keyof BusinessHours['days']] ?? [];
  return ranges.some(([from, to]) => minutes >= toMinutes(from) && minutes < toMinutes(to));
}
