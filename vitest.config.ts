import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.tools/**', '.lab/**', 'reports/**'],
    // Lab tests (*.lab.test.ts) start real labs and measure time; run files one at a time so a
    // 2-core machine gives them honest numbers. Each file still uses its own address slot.
    fileParallelism: false,
    testTimeout: 60_000,
    globalSetup: ['./vitest.teardown.ts'],
    hookTimeout: 60_000,
  },
});
