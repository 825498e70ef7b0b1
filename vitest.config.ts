import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/pack/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    // Two cores: one worker per core keeps wasm timing-free tests from starving each other.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
