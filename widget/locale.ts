/**
 * @module Which language the widget speaks: the site's data-lang, else the page's <html lang>, else the
 * browser's languages; Portuguese, Spanish or English.
 */
import type { Locale } from './contract';

export function pickLocale(...candidates: ReadonlyArray<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    const lang = candidate?.toLowerCase() ?? '';
    if (lang.startsWith('pt')) return 'pt-BR';
    if (lang.startsWith('es')) return 'es';
    if (lang.startsWith('en')) return 'en';
  }
  return 'en';
}
