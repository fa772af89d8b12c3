import { describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET, type SiteWidget } from '../../shared/api';
import { formatMb, fromForm, toForm, type WidgetForm } from './site-widget';

const saved: SiteWidget = {
  color: '#1D4ED8',
  position: 'left',
  launcherText: 'Fale conosco',
  greeting: 'Olá!',
  agentDisplay: 'name',
  locale: 'es',
  prechat: { enabled: true, name: 'required', email: 'off', queues: ['q1', 'q2'], consent: 'Aceito.' },
  uploads: { enabled: false, maxBytes: 2.5 * 1024 * 1024 },
  strictIdentity: true,
};

describe('widget editor form (SPEC W4-W6)', () => {
  it('round-trips saved settings (the colour lower-cased)', () => {
    expect(fromForm(toForm(saved), ['q1', 'q2'])).toEqual({ ok: true, value: { ...saved, color: '#1d4ed8' } });
    expect(fromForm(toForm(DEFAULT_WIDGET), [])).toEqual({ ok: true, value: DEFAULT_WIDGET });
  });

  it('blank texts become null: the widget then uses its own words', () => {
    const form: WidgetForm = { ...toForm(saved), launcherText: '  ', greeting: '', consent: ' ', locale: '' };
    const result = fromForm(form, ['q1', 'q2']);
    expect(result.ok && [result.value.launcherText, result.value.greeting, result.value.prechat.consent, result.value.locale]).toEqual([null, null, null, null]);
  });

  it('queues no longer on the site are dropped', () => {
    const result = fromForm(toForm(saved), ['q2']);
    expect(result.ok && result.value.prechat.queues).toEqual(['q2']);
  });

  const bad: Array<[string, Partial<WidgetForm>, string[]]> = [
    ['a colour name', { color: 'red' }, ['color']],
    ['a three-digit colour', { color: '#fff' }, ['color']],
    ['a long launcher text', { launcherText: 'x'.repeat(41) }, ['launcherText']],
    ['a long greeting', { greeting: 'x'.repeat(301) }, ['greeting']],
    ['a long consent text', { consent: 'x'.repeat(501) }, ['consent']],
    ['no upload limit', { maxMb: '' }, ['maxMb']],
    ['an upload limit that is not a number', { maxMb: 'dez' }, ['maxMb']],
    ['an upload limit over 50 MB', { maxMb: '51' }, ['maxMb']],
    ['an upload limit under 1 KB', { maxMb: '0.0001' }, ['maxMb']],
    ['two problems at once', { color: '', maxMb: '0' }, ['color', 'maxMb']],
  ];
  it.each(bad)('%s is a problem', (_name, patch, problems) => {
    expect(fromForm({ ...toForm(saved), ...patch }, [])).toEqual({ ok: false, problems });
  });

  it('takes a decimal comma and shows megabytes with at most two decimals', () => {
    const result = fromForm({ ...toForm(saved), maxMb: '2,5' }, []);
    expect(result.ok && result.value.uploads.maxBytes).toBe(2.5 * 1024 * 1024);
    expect(formatMb(10 * 1024 * 1024)).toBe('10');
    expect(formatMb(1024)).toBe('0.000977');
    expect(fromForm({ ...toForm(saved), maxMb: formatMb(1024) }, []).ok).toBe(true);
    expect(formatMb(1536 * 1024)).toBe('1.5');
  });
});
