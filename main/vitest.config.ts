import { defineConfig } from 'vitest/config';

// Unit tests of the Electron shell's logic; Electron itself is never loaded (see src/electron-port.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
