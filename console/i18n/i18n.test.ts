import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../shared/errors';
import { ANONYMOUS_WORDS } from './visitor-names';
import { anonymousName, avatarHue, duration, errorText, initials, pickLocale, TABLES, visitorLabel } from './i18n';

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

  it('issue 15: anonymous visitors get a friendly name from their id, the same every time, in each language', () => {
    const id = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
    const pt = visitorLabel(id, null, TABLES['pt-BR']);
    expect(pt).toBe(visitorLabel(id, null, TABLES['pt-BR']));
    expect(pt).toMatch(/^\p{Lu}[\p{L}-]+ \p{Lu}\p{L}+$/u);
    expect(pt).not.toMatch(/visitante|[0-9]/i);
    // The same animal and colour, in English words and order.
    const en = visitorLabel(id, null, TABLES.en);
    const ptAnimal = ANONYMOUS_WORDS['pt-BR'].animals.findIndex((a) => pt.startsWith(`${a} `));
    expect(en.endsWith(` ${ANONYMOUS_WORDS.en.animals[ptAnimal]}`)).toBe(true);
    expect(visitorLabel(id, 'Bia', TABLES.en)).toBe('Bia');
  });

  it('issue 15: different visitors mostly get different names (200 combinations)', () => {
    const names = new Set(Array.from({ length: 50 }, (_, i) => anonymousName(`0190a1b2-c3d4-7e5f-8a6b-${String(i).padStart(12, '0')}`, TABLES.en)));
    expect(names.size).toBeGreaterThan(40);
  });

  it.each([
    ['Maria da Silva', 'MS'],
    ['Bia', 'BI'],
    ['  joão  ', 'JO'],
    ['Tucano Azul', 'TA'],
    ['Blue Toucan', 'BT'],
    ['Capivara Lilás', 'CL'],
    ['ana.souza@example.com', 'AS'],
    ['Ênio Ávila', 'ÊÁ'],
    ['#!', '?'],
  ])('issue 15: initials(%j) = %s', (label, expected) => expect(initials(label)).toBe(expected));

  it('issue 15: an avatar hue stays the same per visitor', () => {
    expect(avatarHue('abc')).toBe(avatarHue('abc'));
    expect(avatarHue('abc')).toBeGreaterThanOrEqual(0);
    expect(avatarHue('abc')).toBeLessThan(360);
  });
});
