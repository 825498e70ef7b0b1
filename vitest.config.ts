import { defineConfig } from 'vitest/config';

const here = (p: string) => new URL(p, import.meta.url).pathname;

export default defineConfig({
  resolve: {
    // README snippets import the package by name; tests resolve it to the sources.
    alias: [
      { find: /^stochastic-interpolants\/models$/, replacement: here('./models/index.ts') },
      { find: /^stochastic-interpolants\/samplers$/, replacement: here('./samplers/index.ts') },
      { find: /^stochastic-interpolants$/, replacement: here('./src/index.ts') },
    ],
  },
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
