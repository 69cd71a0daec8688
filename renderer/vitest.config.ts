// Component and logic tests: jsdom, small worker pool (the machine is shared).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    pool: 'threads',
    maxWorkers: 2,
    // jsdom renders of the settings form take 3-4 s on a loaded 2-core box; 5 s (the default) timed out there.
    testTimeout: 20_000,
  },
});
