/**
 * Issue 13: the e-mail tables, one per language, each in its own language's words, and which language a
 * site gets. That each has exactly pt-BR's keys is checked with every other table in
 * test/string-tables.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { MAIL_TEXT, mailLocale } from './mail-text';

/** Every string a table holds, and what each function gives for sample arguments. */
function texts(table: object): string[] {
  return Object.values(table).flatMap((value: unknown) =>
    typeof value === 'string' ? [value] : typeof value === 'function' ? [String(value('Loja Azul', 12))] : typeof value === 'object' && value !== null ? texts(value) : [],
  );
}

describe('issue 13: one e-mail table per language', () => {
  const languages = Object.keys(MAIL_TEXT) as (keyof typeof MAIL_TEXT)[];

  it('pt-BR, en and es are written', () => {
    expect(languages.sort()).toEqual(['en', 'es', 'pt-BR']);
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
