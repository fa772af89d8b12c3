import { describe, expect, it } from 'vitest';
import { luminance, textOn } from './contrast';

const ratio = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

describe('textOn: black or white text on the site colour, whichever contrasts more (SPEC W4)', () => {
  it.each([
    ['the default green', '#047857', '#fff'],
    ['black', '#000000', '#fff'],
    ['white', '#ffffff', '#000'],
    ['pure yellow', '#ffff00', '#000'],
    ['pure red', '#ff0000', '#000'],
    ['navy', '#1e3a8a', '#fff'],
    ['a mid grey just below the crossover', '#757575', '#fff'],
    ['a mid grey just above the crossover', '#777777', '#000'],
    ['upper-case hex', '#FFD700', '#000'],
  ])('%s (%s) gets %s', (_name, hex, expected) => {
    expect(textOn(hex)).toBe(expected);
  });

  it('always picks the colour with the higher contrast ratio', () => {
    for (let v = 0; v < 256; v += 3) {
      const hex = `#${v.toString(16).padStart(2, '0').repeat(3)}`;
      const l = luminance(hex);
      const best = ratio(l, 0) > ratio(l, 1) ? '#000' : '#fff';
      expect([hex, textOn(hex)]).toEqual([hex, best]);
    }
  });

  it('luminance runs from 0 (black) to 1 (white)', () => {
    expect(luminance('#000000')).toBe(0);
    expect(luminance('#ffffff')).toBeCloseTo(1, 10);
  });
});
