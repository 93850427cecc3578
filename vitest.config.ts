// Tests run against the TypeScript sources; worker threads started from sources load through tsx
// (see src-main/engine/runtime/workerScript.ts). CLI tests run the built bin/slipway.js.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
