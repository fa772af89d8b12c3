import { describe, expect, it } from 'vitest';
import type { SiteTicketing } from '../../shared/api';
import { TABLES } from '../i18n/i18n';
import { defaultDays, fromForm, isTimeZone, keyFromLabel, minutesToMs, msToMinutes, toForm, type TicketingForm } from './tickets-settings';

const en = TABLES.en;
const DEFAULTS: SiteTicketing = {
  businessHours: null,
  ticketWhenNoAgents: true,
  maxWaitMs: null,
  offlineFields: [{ key: 'name', label: 'Name', type: 'text', required: false }],
};
const form = (patch: Partial<TicketingForm>): TicketingForm => ({ ...toForm(DEFAULTS, 'America/Sao_Paulo'), ...patch });

describe('minutes and milliseconds', () => {
  it.each<[string, number | null]>([
    ['', null],
    ['  ', null],
    ['2', 120_000],
    ['1.5', 90_000],
    ['0,5', 30_000],
    ['1440', 86_400_000],
  ])('minutesToMs(%j) = %j', (text, ms) => expect(minutesToMs(text)).toBe(ms));

  it.each(['abc', '-1', '1e3', '2 min'])('minutesToMs(%j) is not a number', (text) => expect(minutesToMs(text)).toBeNaN());

  it.each<[number | null, string]>([
    [null, ''],
    [120_000, '2'],
    [90_000, '1.5'],
    [100, '0.002'],
  ])('msToMinutes(%j) = %j', (ms, text) => expect(msToMinutes(ms)).toBe(text));
});

describe('toForm / fromForm', () => {
  it('a site without hours is always open; turning hours on starts from Mon-Fri 9-18', () => {
    const f = toForm(DEFAULTS, 'America/Sao_Paulo');
    expect(f.hoursOn).toBe(false);
    expect(f.timeZone).toBe('America/Sao_Paulo');
    expect(f.days).toEqual(defaultDays());
    expect(f.days['1']).toEqual([{ from: '09:00', to: '18:00' }]);
    expect(f.days['0']).toEqual([]);
    expect(fromForm(f, en)).toEqual({ ok: true, value: DEFAULTS });
  });

  it('round trip of hours, including midnight as the end of a range', () => {
    const s: SiteTicketing = {
      businessHours: { timeZone: 'America/Manaus', days: { '0': [], '1': [['08:00', '12:00'], ['13:00', '24:00']], '2': [], '3': [], '4': [], '5': [], '6': [['10:00', '14:00']] } },
      ticketWhenNoAgents: false,
      maxWaitMs: 300_000,
      offlineFields: [],
    };
    const f = toForm(s);
    expect(f.days['1']).toEqual([
      { from: '08:00', to: '12:00' },
      { from: '13:00', to: '00:00' },
    ]);
    expect(f.maxWaitMinutes).toBe('5');
    expect(fromForm(f, en)).toEqual({ ok: true, value: s });
  });

  it('hours off sends null even when the days hold something', () => {
    const r = fromForm(form({ hoursOn: false, timeZone: 'Nowhere/Else' }), en);
    expect(r.ok && r.value.businessHours).toBe(null);
  });

  it('a time input that gives seconds is cut to HH:MM', () => {
    const r = fromForm(form({ hoursOn: true, days: { ...defaultDays(), '1': [{ from: '09:00:00', to: '17:30:00' }] } }), en);
    expect(r.ok && r.value.businessHours?.days['1']).toEqual([['09:00', '17:30']]);
  });

  it.each<[string, Partial<TicketingForm>, string[]]>([
    ['unknown zone', { hoursOn: true, timeZone: 'Mars/Olympus' }, [en.tk.problems.timeZone]],
    ['empty zone', { hoursOn: true, timeZone: ' ' }, [en.tk.problems.timeZone]],
    ['start after end', { hoursOn: true, days: { ...defaultDays(), '2': [{ from: '18:00', to: '09:00' }] } }, ['Tuesday: the start must come before the end.']],
    ['same start and end', { hoursOn: true, days: { ...defaultDays(), '2': [{ from: '09:00', to: '09:00' }] } }, ['Tuesday: the start must come before the end.']],
    ['empty time', { hoursOn: true, days: { ...defaultDays(), '0': [{ from: '', to: '12:00' }] } }, ['Sunday: fill in the start and the end.']],
    ['wait not a number', { maxWaitMinutes: 'soon' }, [en.tk.problems.maxWait]],
    ['wait over a day', { maxWaitMinutes: '1441' }, [en.tk.problems.maxWait]],
    ['wait zero', { maxWaitMinutes: '0' }, [en.tk.problems.maxWait]],
    ['reserved key', { fields: [{ key: 'email', label: 'E-mail', type: 'email', required: true }] }, ['Key “email”: e-mail and message are already in the form.']],
    ['bad key', { fields: [{ key: 'Phone', label: 'Phone', type: 'tel', required: false }] }, ['Key “Phone”: lowercase letters, digits and _, starting with a letter.']],
    [
      'duplicate key',
      {
        fields: [
          { key: 'phone', label: 'Phone', type: 'tel', required: false },
          { key: 'phone', label: 'Mobile', type: 'tel', required: false },
        ],
      },
      ['Key “phone” is used twice.'],
    ],
    ['empty label', { fields: [{ key: 'phone', label: ' ', type: 'tel', required: false }] }, [en.tk.problems.label]],
    ['too many fields', { fields: Array.from({ length: 11 }, (_, i) => ({ key: `f${i}`, label: `F${i}`, type: 'text' as const, required: false })) }, [en.tk.problems.tooMany]],
  ])('problem: %s', (_name, patch, problems) => expect(fromForm(form(patch), en)).toEqual({ ok: false, problems }));

  it('the fields are sent trimmed', () => {
    const r = fromForm(form({ fields: [{ key: ' phone ', label: ' Telefone ', type: 'tel', required: true }] }), en);
    expect(r.ok && r.value.offlineFields).toEqual([{ key: 'phone', label: 'Telefone', type: 'tel', required: true }]);
  });
});

describe('helpers', () => {
  it.each([
    ['America/Sao_Paulo', true],
    ['UTC', true],
    ['Mars/Olympus', false],
    ['', false],
  ])('isTimeZone(%j) = %s', (tz, ok) => expect(isTimeZone(tz)).toBe(ok));

  it.each([
    ['Telefone (WhatsApp)', 'telefone_whatsapp'],
    ['Número do pedido', 'numero_do_pedido'],
    ['  CPF  ', 'cpf'],
    ['123 abc', 'abc'],
    ['!!!', ''],
  ])('keyFromLabel(%j) = %j', (label, key) => expect(keyFromLabel(label)).toBe(key));
});
