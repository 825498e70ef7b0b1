import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/pack/**/*.test.ts'],
    testTimeout: 600_000,
    // beforeAll packs (prepack builds) and installs the tarball: minutes on a busy 2-core machine.
    hookTimeout: 1_200_000,
  },
});
