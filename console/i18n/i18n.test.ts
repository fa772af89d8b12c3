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

  it('every error code has a message in every language; an unknown code keeps the server\'s message', () => {
    for (const strings of Object.values(TABLES)) {
      for (const code of Object.keys(ERRORS)) expect(errorText(code, '?', strings)).not.toBe('?');
      expect(errorText('brand_new_code', 'From the server.', strings)).toBe('From the server.');
      expect(errorText('toString', 'From the server.', strings)).toBe('From the server.');
    }
  });

  it('anonymous visitors get a stable label from their id', () => {
    expect(visitorLabel('0a1b-2c3d-4e5f', null, TABLES['pt-BR'])).toBe('Visitante 4E5F');
    expect(visitorLabel('0a1b-2c3d-4e5f', 'Bia', TABLES.en)).toBe('Bia');
  });
});
