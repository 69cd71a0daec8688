import { defineConfig } from 'vitest/config';

// Integration tests start real gateways and real Python workers; keep parallelism modest on small machines.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
