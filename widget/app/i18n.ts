/**
 * @module Every string a visitor sees, in Portuguese (Brazil), English and Spanish: one chunk per language
 * under `locales/`, of which only the visitor's is downloaded. Dates and times come from Intl.
 */
import type { Locale } from '../contract';
import type ptBR from './locales/pt-BR';

export type Strings = typeof ptBR;

/** The strings of `locale`, fetched on demand (a separate chunk per language). */
export const loadStrings = (locale: Locale): Promise<Strings> =>
  (locale === 'en' ? import('./locales/en') : locale === 'es' ? import('./locales/es') : import('./locales/pt-BR')).then((m) => m.default);

/** The local calendar day of `at`, as a day number: equal for two instants of the same local date. */
export const dayOf = (at: number): number => {
  const d = new Date(at);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 864e5;
};

/**
 * A day separator: "Hoje"/"Today"/"Hoy", "Ontem"/"Yesterday"/"Ayer", else the localised date (the year
 * only when it is not this one).
 *
 * @example dayLabel(now, now, 'pt-BR') // "Hoje"
 */
export function dayLabel(at: number, now: number, locale: Locale): string {
  const ago = dayOf(now) - dayOf(at);
  if (ago === 0 || ago === 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-ago, 'day');
    return word.charAt(0).toUpperCase() + word.slice(1);
  }
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
}
