/**
 * i15-weight: the widget build carries none of Vite's preload helper (vite.config.ts papo-no-preload-helper):
 * 0.66 KB gzip of every opening state, and no `vite:preloadError` dispatched on the host page. A Vite upgrade
 * that renames the helper's module would bring it back silently: this reads the real build (`npm run build`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WIDGET_DIR } from './sizes';

it("the widget's chunks carry no Vite preload helper", () => {
  expect(existsSync(WIDGET_DIR), 'run `npm run build` first').toBe(true);
  const scripts = readdirSync(WIDGET_DIR).filter((f) => f.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(2);
  for (const file of scripts) {
    const code = readFileSync(join(WIDGET_DIR, file), 'utf8');
    expect(code.includes('vite:preloadError') || code.includes('modulepreload'), file).toBe(false);
  }
});
