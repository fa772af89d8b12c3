import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors';
import { duration, errorText, pickLocale, TABLES, visitorLabel } from './i18n';

describe('i18n', () => {
  it.each([
    ['pt-BR', 'pt-BR'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['PT-br', 'pt-BR'],
    ['en-US', 'en'],
    ['es', 'en'],
    [undefined, 'en'],
  ])('%s -> %s', (language, locale) => expect(pickLocale(language)).toBe(locale));

  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [25_000, '0:25'],
    [65_000, '1:05'],
    [3_600_000 + 62_000, '1:01:02'],
    [-5, '0:00'],
  ])('duration(%i) = %s', (ms, text) => expect(duration(ms)).toBe(text));

  it('every error code has a message in every language, never the code itself; an unknown code reads as a generic message in that language (issue 15)', () => {
    for (const strings of Object.values(TABLES)) {
      for (const code of Object.keys(ERRORS)) {
        expect(errorText(code, '?', strings)).not.toBe('?');
        if (code.includes('_')) expect(errorText(code, '?', strings)).not.toContain(code);
      }
      expect(errorText('network', undefined, strings)).not.toContain('network');
      expect(errorText('brand_new_code', 'From the server.', strings)).toBe(strings.cv.errorGeneric);
      expect(errorText('toString', 'From the server.', strings)).toBe(strings.cv.errorGeneric);
    }
    expect(errorText('brand_new_code', undefined, TABLES['pt-BR'])).toBe('Algo deu errado. Tente de novo.');
  });

  it('anonymous visitors get a stable label from their id', () => {
    expect(visitorLabel('0a1b-2c3d-4e5f', null, TABLES['pt-BR'])).toBe('Visitante 4E5F');
    expect(visitorLabel('0a1b-2c3d-4e5f', 'Bia', TABLES.en)).toBe('Bia');
  });
});
