/**
 * Issue 13: every e-mail table says everything the Portuguese one says, under the same keys and with the
 * same kind of value (a string, or a function of the same arguments), so no language falls back to
 * another language's words. The types check this at build time; this checks the tables as shipped.
 */
import { describe, expect, it } from 'vitest';
import { TRANSCRIPT_LABELS } from '../../shared/transcript';
import { MAIL_TEXT, mailLocale } from './mail-text';

/** Each key path with the kind of its value: `received: function/2`, `transcript.title: string`. */
function shape(table: object, prefix = ''): string[] {
  return Object.entries(table)
    .flatMap(([key, value]: [string, unknown]) =>
      typeof value === 'object' && value !== null ? shape(value, `${prefix}${key}.`) : [`${prefix}${key}: ${typeof value === 'function' ? `function/${value.length}` : typeof value}`],
    )
    .sort();
}

/** Every string a table holds, and what each function gives for sample arguments. */
function texts(table: object): string[] {
  return Object.values(table).flatMap((value: unknown) =>
    typeof value === 'string' ? [value] : typeof value === 'function' ? [String(value('Loja Azul', 12))] : typeof value === 'object' && value !== null ? texts(value) : [],
  );
}

describe('issue 13: one e-mail table per language, each with the keys pt-BR has', () => {
  const languages = Object.keys(MAIL_TEXT) as (keyof typeof MAIL_TEXT)[];

  it('pt-BR, en and es are written', () => {
    expect(languages.sort()).toEqual(['en', 'es', 'pt-BR']);
  });

  it.each(languages)('%s has exactly the keys of the pt-BR table, each of the same kind', (locale) => {
    expect(shape(MAIL_TEXT[locale])).toEqual(shape(MAIL_TEXT['pt-BR']));
  });

  it.each(Object.keys(TRANSCRIPT_LABELS) as (keyof typeof TRANSCRIPT_LABELS)[])('%s transcript labels have exactly the keys of the pt-BR ones', (locale) => {
    expect(shape(TRANSCRIPT_LABELS[locale])).toEqual(shape(TRANSCRIPT_LABELS['pt-BR']));
  });

  it.each(languages.filter((l) => l !== 'pt-BR'))('%s says nothing in pt-BR words: no string is the same as the Portuguese one', (locale) => {
    const portuguese = new Set(texts(MAIL_TEXT['pt-BR']));
    expect(texts(MAIL_TEXT[locale]).filter((t) => portuguese.has(t))).toEqual([]);
  });

  it.each(languages)('%s has no empty string', (locale) => {
    expect(texts(MAIL_TEXT[locale]).filter((t) => t.trim() === '')).toEqual([]);
  });

  it.each<[string | null | undefined, string]>([
    ['en', 'en'],
    ['es', 'es'],
    ['pt-BR', 'pt-BR'],
    ['fr', 'pt-BR'],
    ['constructor', 'pt-BR'],
    ['', 'pt-BR'],
    [null, 'pt-BR'],
  ])('a site whose language is %j gets mail in %s', (locale, expected) => {
    expect(mailLocale(locale)).toBe(expected);
  });
});
