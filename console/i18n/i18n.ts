/**
 * @module Console strings: one table per language (locale-pt-BR.ts, locale-en.ts), picked from the
 * browser's language (Portuguese for any `pt`, else English), and the formats that go with them.
 */
import { en } from './locale-en';
import { ptBR } from './locale-pt-BR';
import { ANONYMOUS_WORDS, anonymousName as generatedName, idHash } from './visitor-names';

export type Strings = typeof ptBR;
export type Locale = 'pt-BR' | 'en';

export const TABLES: Record<Locale, Strings> = { 'pt-BR': ptBR, en };

/** The table for a browser language tag: pt, pt-BR, pt-PT -> pt-BR; anything else -> en. */
export function pickLocale(language: string | undefined): Locale {
  return (language ?? '').toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
}

export const locale: Locale = pickLocale(typeof navigator === 'undefined' ? undefined : navigator.language);
export const t: Strings = TABLES[locale];

/** Times of day in the console's language, e.g. 14:05. */
export const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
/** Day and time, e.g. 03/05 14:05. */
export const dayTime = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });

/**
 * Issue 15: an anonymous visitor's friendly name (an animal and a colour from its id, see visitor-names.ts), in
 * the table's language.
 */
export function anonymousName(visitorId: string, s: Strings = t): string {
  return generatedName(visitorId, ANONYMOUS_WORDS[s === TABLES.en ? 'en' : 'pt-BR']);
}

/** The visitor's name, or its generated one. */
export function visitorLabel(visitorId: string, name: string | null, s: Strings = t): string {
  return name ?? anonymousName(visitorId, s);
}

/**
 * Issue 15: up to two initials for an avatar: of the first and last words ("Maria da Silva" -> "MS"), the first
 * two letters of a single word ("Bia" -> "BI"); an e-mail address by its local part.
 */
export function initials(label: string): string {
  const words = label.split('@')[0]!.split(/[\s._-]+/u).map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter((w) => w !== '');
  if (words.length === 0) return '?';
  const first = [...words[0]!];
  const last = words.length > 1 ? [...words.at(-1)!] : [];
  return (last.length > 0 ? first[0]! + last[0]! : first.slice(0, 2).join('')).toUpperCase();
}

/** A stable avatar hue (0-359) per visitor id, so one visitor's avatar keeps its colour. */
export const avatarHue = (visitorId: string) => idHash(visitorId) % 360;

/** 0 low .. 3 urgent (SPEC R2). */
export const PRIORITY_VALUES = [0, 1, 2, 3] as const;

export function priorityName(priority: number, s: Strings = t): string {
  return s.priorities[priority] ?? String(priority);
}

/** A duration as m:ss, or h:mm:ss from an hour on: countdowns and waiting times. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * An error code in the console's language. A code this table does not know (a newer server) reads as a
 * generic "something went wrong" in the console's language: never the code, nor the server's English
 * (issue 15). `_serverMessage` is kept for the callers' shape and not shown.
 */
export function errorText(code: string, _serverMessage?: string, s: Strings = t): string {
  return Object.prototype.hasOwnProperty.call(s.errors, code) ? s.errors[code as keyof Strings['errors']] : s.cv.errorGeneric;
}
