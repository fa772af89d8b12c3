import { describe, expect, it } from 'vitest';
import { dayLabel, loadStrings } from './i18n';

const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h).getTime();
const NOW = at(2026, 11, 21, 9);

describe('day separators, localised', () => {
  it.each([
    ['pt-BR', at(2026, 11, 21, 0), 'Hoje'],
    ['pt-BR', at(2026, 11, 20, 23), 'Ontem'],
    ['pt-BR', at(2026, 11, 17), '17 de novembro'],
    ['pt-BR', at(2025, 12, 31), '31 de dezembro de 2025'],
    ['en', at(2026, 11, 21), 'Today'],
    ['en', at(2026, 11, 20), 'Yesterday'],
    ['en', at(2026, 3, 2), 'March 2'],
    ['es', at(2026, 11, 21), 'Hoy'],
    ['es', at(2026, 11, 20), 'Ayer'],
    ['es', at(2026, 1, 5), '5 de enero'],
  ] as const)('%s %s → %s', (locale, when, label) => expect(dayLabel(when, NOW, locale)).toBe(label));
});

describe('strings', () => {
  it('every language has every string, and only the same ones', async () => {
    const [pt, en, es] = await Promise.all([loadStrings('pt-BR'), loadStrings('en'), loadStrings('es')]);
    expect(Object.keys(en).sort()).toEqual(Object.keys(pt).sort());
    expect(Object.keys(es).sort()).toEqual(Object.keys(pt).sort());
    expect([pt.typing('Ana'), en.typing('Ana'), es.typing('Ana')]).toEqual(['Ana está digitando…', 'Ana is typing…', 'Ana está escribiendo…']);
    expect([pt.seen, en.seen, es.seen]).toEqual(['Visto', 'Seen', 'Visto']);
    expect(pt.login).toBe('Faça login no site para conversar.');
  });
});
