/**
 * @module The pre-chat form's strings in pt-BR, en and es: one chunk per language (strings-*.ts), of which the
 * form's chunk loads only the visitor's (the widget's budget: the three tables cost 0.6 KB gzip, one 0.3 KB).
 */
import type { Locale } from '../../contract';
import type ptBR from './strings-pt-BR';

export type PrechatStrings = typeof ptBR;

/** The pre-chat strings of `locale`, fetched on demand (a chunk per language). */
export const loadPrechatStrings = (locale: Locale): Promise<PrechatStrings> =>
  (locale === 'en' ? import('./strings-en') : locale === 'es' ? import('./strings-es') : import('./strings-pt-BR')).then((m) => m.default);
