/**
 * @module The e-mail text of each language a site can speak (its widget's language, `site.widget.locale`),
 * one table per language beside this file. Without a language, or with one we do not write, Portuguese.
 */
import { en } from './mail-en';
import { es } from './mail-es';
import { ptBR } from './mail-pt-BR';

export type MailStrings = typeof ptBR;

export const MAIL_TEXT = { 'pt-BR': ptBR, en, es } satisfies Record<string, MailStrings>;

export type MailLocale = keyof typeof MAIL_TEXT;

/**
 * The site's widget language for its mail; without one, Portuguese (the product's first language).
 *
 * @example mailLocale(site.widget?.locale) // 'en'
 */
export function mailLocale(locale: string | null | undefined): MailLocale {
  return locale != null && Object.hasOwn(MAIL_TEXT, locale) ? (locale as MailLocale) : 'pt-BR';
}
