import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/pack/**/*.test.ts'],
    testTimeout: 600_000,
  },
});
