import { describe, expect, it } from 'vitest';
import type { Locale } from './contract';
import { pickLocale } from './locale';

describe('pickLocale', () => {
  it.each<[string, Array<string | null | undefined>, Locale]>([
    ['pt', ['pt'], 'pt-BR'],
    ['pt-PT', ['pt-PT'], 'pt-BR'],
    ['pt-BR', ['pt-BR'], 'pt-BR'],
    ['upper case PT-br', ['PT-br'], 'pt-BR'],
    ['es', ['es'], 'es'],
    ['es-AR', ['es-AR'], 'es'],
    ['en', ['en'], 'en'],
    ['en-GB', ['en-GB'], 'en'],
    ['ES-mx', ['ES-mx'], 'es'],
    ['fr then pt falls through to pt-BR', ['fr', 'pt'], 'pt-BR'],
    ['fr-CA, de then es-MX', ['fr-CA', 'de', 'es-MX'], 'es'],
    ['empty then undefined then null then pt', ['', undefined, null, 'pt-BR'], 'pt-BR'],
    ['only unknown languages', ['fr', 'de-DE', 'ja'], 'en'],
    ['an empty string', [''], 'en'],
    ['undefined', [undefined], 'en'],
    ['null', [null], 'en'],
    ['nothing at all', [], 'en'],
    ['first match wins: es before pt', ['es', 'pt'], 'es'],
    ['first match wins: pt before es', ['pt-BR', 'es'], 'pt-BR'],
    ['first match wins: en before pt', ['en-US', 'pt-BR'], 'en'],
  ])('%s', (_name, candidates, expected) => {
    expect(pickLocale(...candidates)).toBe(expected);
  });
});
