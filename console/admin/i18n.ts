/**
 * @module Strings of the admin screens, the supervisor board and the live-visitor list: one table per language
 * (locale-pt-BR.ts, locale-en.ts), picked from the browser's language like the rest of the console
 * (../i18n/i18n.ts), and the formats that go with them.
 */
import type { Locale } from '../i18n/i18n';
import { ANONYMOUS_WORDS, anonymousName } from '../i18n/visitor-names';
import { en } from './locale-en';
import { ptBR } from './locale-pt-BR';

export type AdminStrings = typeof ptBR;

export const TABLES: Record<Locale, AdminStrings> = { 'pt-BR': ptBR, en };

/**
 * The console's pickLocale (Portuguese for any `pt`, else English), written again: importing ../i18n/i18n.ts
 * here makes the bundler move the console's tables out of the entry into a chunk shared with the admin
 * pages, which every console then loads as two files (+0.8 KB gzip measured).
 */
const language = typeof navigator === 'undefined' ? '' : (navigator.language ?? '');
export const locale: Locale = language.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
export const t: AdminStrings = TABLES[locale];

/** Times of day, e.g. 14:05:09, for "updated at". */
export const timeOfDay = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
/** Day and time, e.g. 03/05/2026 14:05, for blocks' creation and expiry. */
export const dateTime = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The same name the inbox gives a visitor: its own, or its generated one (issue 15). */
export function visitorName(visitorId: string, name: string | null): string {
  return name ?? anonymousName(visitorId, ANONYMOUS_WORDS[locale]);
}

/** A thrown error as one line for an inline message. */
export function errorText(err: unknown): string {
  if (typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 0) return t.networkError;
  return err instanceof Error ? err.message : String(err);
}
