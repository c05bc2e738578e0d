import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Fails the run when tests leave keys behind or write outside test prefixes.
    globalSetup: ['test/support/redis-leaks.ts'],
    // Redis-backed suites share one server; keep files from racing on the same keys.
    fileParallelism: true,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
