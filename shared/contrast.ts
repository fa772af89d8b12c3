/**
 * @module The text colour on the site's accent colour (SPEC W4): black or white, whichever has the higher
 * WCAG 2 contrast ratio on it.
 */

/** WCAG 2 relative luminance of `#rrggbb` (0 black .. 1 white). */
export function luminance(hex: string): number {
  const channel = (at: number) => {
    const c = parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * `#000` or `#fff` on `hex`. Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05; they
 * are equal at L = √0.0525 − 0.05 ≈ 0.1791, above which black contrasts more.
 *
 * @example textOn('#047857') // '#fff'
 */
export function textOn(hex: string): '#000' | '#fff' {
  return luminance(hex) > 0.1791 ? '#000' : '#fff';
}
