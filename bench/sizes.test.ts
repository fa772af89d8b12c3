/**
 * Issue 15: the widget's size figures count every state a visitor may see on opening the chat, and the
 * budgeted figure is the heaviest of them. Bytes are deterministic, so this reads the real build (`npm run
 * build` first; `npm test` does it) without timing anything. The budget itself is judged by `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureSizes, OPENING_STATES, WIDGET_DIR } from './sizes';

describe('issue 15: widget sizes per opening state', () => {
  it('measures each opening state from the build, the forms on top of the open chat, and names the heaviest', () => {
    expect(existsSync(join(WIDGET_DIR, '.vite', 'manifest.json')), 'run `npm run build` first').toBe(true);
    const manifest = JSON.parse(readFileSync(join(WIDGET_DIR, '.vite', 'manifest.json'), 'utf8')) as Record<string, { src?: string; isDynamicEntry?: boolean }>;
    // Every chunk an opening state names is a lazy chunk of this build (a renamed form fails here, not silently).
    for (const { srcs } of OPENING_STATES) for (const src of srcs) expect(manifest[src]?.isDynamicEntry, src).toBe(true);

    const sizes = measureSizes();
    expect(sizes.states.map((s) => s.name)).toEqual(OPENING_STATES.map((s) => s.name));
    const [online, ...others] = sizes.states;
    // Someone online: the loader and the open chat, nothing more.
    expect(online!.adds).toEqual([]);
    expect(online!.gzip).toBe(sizes.totalGzip);
    // The forms that stand in for the composer come on top of it; the offline form is what a fresh install shows.
    for (const state of others) {
      expect(state.adds.length, state.name).toBeGreaterThan(0);
      expect(state.gzip, state.name).toBeGreaterThan(online!.gzip);
    }
    expect(sizes.heaviest.gzip).toBe(Math.max(...sizes.states.map((s) => s.gzip)));
    expect(sizes.heaviest.gzip).toBeLessThanOrEqual(sizes.worstGzip);
  });
});
