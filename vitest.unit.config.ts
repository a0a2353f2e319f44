import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm run test:unit`): every test that needs no lab, no install and no network —
 * pure logic, the recorded histories in testdata/, the layers' rules. Lab tests are named
 * `*.lab.test.ts` and run only in the full suite (`npm test`). Files run in parallel here: none
 * of these measures time.
 */
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/*.lab.test.ts', 'node_modules/**', '.tools/**', '.lab/**', 'reports/**'],
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
