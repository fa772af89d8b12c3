/**
 * @module Issue 13: every string table Papo ships (console, admin, widget app and its lazy chunks, loader,
 * e-mail, transcript), in every language, has exactly the keys of its pt-BR table, the key source each other
 * language is typed against, and each entry is of the same kind: a text, or a format function of the same
 * arity. The types already demand most of this; this also catches a key only one language has (a string no
 * screen reaches) and a text in one language that is a format in another, and names the table that differs.
 * A new table goes in TABLES.
 */
import { describe, expect, it } from 'vitest';
import { TABLES as ADMIN } from '../console/admin/i18n';
import { en as siteWidgetEn } from '../console/admin/locale-site-widget-en';
import { ptBR as siteWidgetPtBR } from '../console/admin/locale-site-widget-pt-BR';
import { TABLES as CONSOLE } from '../console/i18n/i18n';
import { ANONYMOUS_WORDS } from '../console/i18n/visitor-names';
import { MAIL_TEXT } from '../server/i18n/mail-text';
import { TRANSCRIPT_LABELS } from '../shared/transcript';
import { FILE_STRINGS } from '../widget/app/files/strings';
import { loadStrings } from '../widget/app/i18n';
import { loadPrechatStrings } from '../widget/app/prechat/strings';
import { TICKET_STRINGS } from '../widget/app/conversations/ticket-strings';
import { LOADER_STRINGS } from '../widget/loader-strings';

type Languages = Record<string, object> & { 'pt-BR': object };

/**
 * Every entry of a table as "path: kind" (`tabs.canned: string`, `received: function/2`), nested objects
 * and lists walked, sorted.
 */
function tableShape(table: object, prefix = ''): string[] {
  return Object.entries(table)
    .flatMap(([key, value]: [string, unknown]) =>
      typeof value === 'object' && value !== null
        ? tableShape(value, `${prefix}${key}.`)
        : [`${prefix}${key}: ${typeof value === 'function' ? `function/${value.length}` : typeof value}`],
    )
    .sort();
}

const TABLES: Record<string, () => Languages | Promise<Languages>> = {
  'console (console/i18n)': () => CONSOLE,
  'admin (console/admin/locale-*)': () => ADMIN,
  'site widget form (console/admin/locale-site-widget-*)': () => ({ 'pt-BR': siteWidgetPtBR, en: siteWidgetEn }),
  // The widget app's languages are lazy chunks: loaded as the app loads them.
  'widget app (widget/app/locales)': async () => ({ 'pt-BR': await loadStrings('pt-BR'), en: await loadStrings('en'), es: await loadStrings('es') }),
  'widget files chunk (widget/app/files/strings)': () => FILE_STRINGS,
  'widget pre-chat chunks (widget/app/prechat/strings-*)': async () => ({
    'pt-BR': await loadPrechatStrings('pt-BR'),
    en: await loadPrechatStrings('en'),
    es: await loadPrechatStrings('es'),
  }),
  'widget ticket chunk (widget/app/conversations/ticket-strings)': () => TICKET_STRINGS, // issue 15
  'widget loader (widget/loader-strings)': () => LOADER_STRINGS,
  'e-mail (server/i18n)': () => MAIL_TEXT,
  'transcript labels (shared/transcript)': () => TRANSCRIPT_LABELS,
  'anonymous visitor names (console/i18n/visitor-names)': () => ANONYMOUS_WORDS,
};

describe('every string table has, in every language, exactly the keys pt-BR has', () => {
  it.each(Object.keys(TABLES))('%s', async (name) => {
    const languages = await TABLES[name]!();
    const expected = tableShape(languages['pt-BR']);
    expect(expected.length).toBeGreaterThan(3);
    expect(Object.keys(languages).length).toBeGreaterThan(1);
    for (const [language, table] of Object.entries(languages)) {
      expect({ language, keys: tableShape(table) }).toEqual({ language, keys: expected });
    }
  });
});

describe('tableShape', () => {
  it.each<[string, object, object, boolean]>([
    ['the same keys in another order', { a: 'x', b: 'y' }, { b: 'z', a: 'w' }, true],
    ['a key only one has', { a: 'x', b: 'y' }, { a: 'x' }, false],
    ['a text against a format', { a: 'x' }, { a: () => 'x' }, false],
    ['formats of another arity', { a: (n: number) => `${n}` }, { a: (n: number, m: number) => `${n}${m}` }, false],
    ['a nested key missing', { g: { a: 'x', b: 'y' } }, { g: { a: 'x' } }, false],
    ['lists of another length', { l: ['a', 'b'] }, { l: ['a'] }, false],
  ])('%s', (_, pt, other, same) => {
    expect(tableShape(pt).join() === tableShape(other).join()).toBe(same);
  });
});
