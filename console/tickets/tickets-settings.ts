/**
 * @module A site's offline settings (SPEC T1, T2) as the admin form edits them, and back: business hours
 * per weekday in a time zone, "waiting chats become tickets", the longest wait in minutes, and the
 * leave-a-message form's fields. Pure; the server checks everything again (SiteTicketingBody).
 */
import type { BusinessHours, SiteTicketing } from '../../shared/api';
import type { OfflineField } from '../../shared/protocol';
import { t as defaultStrings, type Strings } from '../i18n/i18n';

export const WEEKDAYS = ['0', '1', '2', '3', '4', '5', '6'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** The form lists Monday first, Sunday last. */
export const WEEK_ORDER: readonly Weekday[] = ['1', '2', '3', '4', '5', '6', '0'];

export interface Range {
  from: string;
  to: string;
}

export interface TicketingForm {
  /** false: always open (businessHours null). */
  hoursOn: boolean;
  timeZone: string;
  days: Record<Weekday, Range[]>;
  ticketWhenNoAgents: boolean;
  /** As typed; '' means never. */
  maxWaitMinutes: string;
  fields: OfflineField[];
}

/** The form's fields besides these two, which the widget always shows (server/domain/tickets.ts). */
export const ALWAYS_KEYS: readonly string[] = ['email', 'message'];
export const MAX_FIELDS = 10;
export const MAX_WAIT_MS = { min: 100, max: 86_400_000 } as const;
const KEY = /^[a-z][a-z0-9_]{0,39}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Mon-Fri 09:00-18:00: what "set business hours" starts from when the site had none. */
export function defaultDays(): Record<Weekday, Range[]> {
  const days = {} as Record<Weekday, Range[]>;
  for (const d of WEEKDAYS) days[d] = d === '0' || d === '6' ? [] : [{ from: '09:00', to: '18:00' }];
  return days;
}

/** The browser's time zone, or São Paulo. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/Sao_Paulo';
  } catch {
    return 'America/Sao_Paulo';
  }
}

export function isTimeZone(tz: string): boolean {
  if (tz.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz.trim() });
    return true;
  } catch {
    return false;
  }
}

/** Minutes as typed (comma or point) to whole milliseconds; '' is null (never); NaN when not a number. */
export function minutesToMs(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (s === '') return null;
  if (!/^\d+(\.\d+)?$/.test(s)) return Number.NaN;
  return Math.round(Number(s) * 60_000);
}

/** Milliseconds as minutes for the field: 120000 -> '2', 90000 -> '1.5'; null -> ''. */
export function msToMinutes(ms: number | null): string {
  if (ms === null) return '';
  return String(Math.round((ms / 60_000) * 1000) / 1000);
}

/** A time input cannot hold 24:00: midnight at the end of a range is shown as 00:00 and read back as 24:00. */
const endIn = (to: string) => (to === '24:00' ? '00:00' : to);
const endOut = (to: string) => (to === '00:00' ? '24:00' : to);

export function toForm(s: SiteTicketing, fallbackTimeZone: string = localTimeZone()): TicketingForm {
  const hours = s.businessHours;
  const days = hours ? ({} as Record<Weekday, Range[]>) : defaultDays();
  if (hours) for (const d of WEEKDAYS) days[d] = (hours.days[d] ?? []).map(([from, to]) => ({ from, to: endIn(to) }));
  return {
    hoursOn: hours !== null,
    timeZone: hours?.timeZone ?? fallbackTimeZone,
    days,
    ticketWhenNoAgents: s.ticketWhenNoAgents,
    maxWaitMinutes: msToMinutes(s.maxWaitMs),
    fields: s.offlineFields.map((f) => ({ ...f })),
  };
}

export type FormResult = { ok: true; value: SiteTicketing } | { ok: false; problems: string[] };

/**
 * The settings the form says, or every problem in it (in the console's language). Hours are only checked
 * when they are on; a day with no ranges is closed all day.
 */
export function fromForm(f: TicketingForm, s: Strings = defaultStrings): FormResult {
  const p = s.tk.problems;
  const problems: string[] = [];
  let businessHours: BusinessHours | null = null;
  if (f.hoursOn) {
    if (!isTimeZone(f.timeZone)) problems.push(p.timeZone);
    const days: BusinessHours['days'] = {};
    for (const d of WEEK_ORDER) {
      const name = s.tk.weekdays[Number(d)] ?? d;
      const ranges: Array<[string, string]> = [];
      for (const r of f.days[d]) {
        const from = r.from.slice(0, 5);
        const to = endOut(r.to.slice(0, 5));
        if (!HHMM.test(from) || !(HHMM.test(to) || to === '24:00')) {
          problems.push(p.time(name));
          continue;
        }
        if (from >= to) {
          problems.push(p.range(name));
          continue;
        }
        ranges.push([from, to]);
      }
      days[d] = ranges;
    }
    businessHours = { timeZone: f.timeZone.trim(), days };
  }

  const maxWaitMs = minutesToMs(f.maxWaitMinutes);
  if (maxWaitMs !== null && (Number.isNaN(maxWaitMs) || maxWaitMs < MAX_WAIT_MS.min || maxWaitMs > MAX_WAIT_MS.max)) problems.push(p.maxWait);

  const fields: OfflineField[] = [];
  const keys = new Set<string>();
  if (f.fields.length > MAX_FIELDS) problems.push(p.tooMany);
  for (const field of f.fields) {
    const key = field.key.trim();
    const label = field.label.trim();
    if (ALWAYS_KEYS.includes(key)) problems.push(p.keyReserved(key));
    else if (!KEY.test(key)) problems.push(p.key(key));
    else if (keys.has(key)) problems.push(p.keyDuplicate(key));
    keys.add(key);
    if (label === '' || label.length > 80) problems.push(p.label);
    fields.push({ key, label, type: field.type, required: field.required });
  }

  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  return { ok: true, value: { businessHours, ticketWhenNoAgents: f.ticketWhenNoAgents, maxWaitMs: maxWaitMs as number | null, offlineFields: fields } };
}

/** A key made from a label as the admin types it: "Telefone (WhatsApp)" -> "telefone_whatsapp". */
export function keyFromLabel(label: string): string {
  const base = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 40);
  return base;
}
