/**
 * Every string table the widget ships, in every language, has exactly the keys of its pt-BR table (the type
 * source of each table), each of the same kind (text, or a function of the same arity). The types already
 * demand this of a table written in TypeScript; this also catches a key added only where the type is loose,
 * and names the table and language that differ.
 */
import { describe, expect, it } from 'vitest';
import type { Locale } from './contract';
import { loadStrings } from './app/i18n';
import { FILE_STRINGS } from './app/files/strings';
import { PRECHAT_STRINGS } from './app/prechat/strings';
import { LOADER_STRINGS } from './loader-strings';

const LOCALES: Locale[] = ['pt-BR', 'en', 'es'];

/** Each key with its kind: `string`, or `function/<arity>`. */
const shape = (table: object): Record<string, string> =>
  Object.fromEntries(
    Object.entries(table)
      .map(([key, value]): [string, string] => [key, typeof value === 'function' ? `function/${(value as () => void).length}` : typeof value])
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** Each table by name, in every language; the app's languages are lazy chunks, loaded as the app loads them. */
const TABLES: Record<string, () => Promise<Record<Locale, object>>> = {
  'app (locales/*)': async () => ({ 'pt-BR': await loadStrings('pt-BR'), en: await loadStrings('en'), es: await loadStrings('es') }),
  'files chunk': async () => FILE_STRINGS,
  'pre-chat chunk': async () => PRECHAT_STRINGS,
  loader: async () => LOADER_STRINGS,
};

describe('every string table has the keys of pt-BR', () => {
  it.each(Object.keys(TABLES))('%s', async (name) => {
    const tables = await TABLES[name]!();
    const pt = shape(tables['pt-BR']);
    expect(Object.keys(pt).length).toBeGreaterThan(0);
    for (const locale of LOCALES) expect({ locale, keys: shape(tables[locale]) }).toEqual({ locale, keys: pt });
  });
});
