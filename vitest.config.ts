import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'dist/**'],
    // Integration and browser tests start real servers and a real Chromium.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
