// A fake vitest suite for test-all.test.ts: one of each outcome test-all.mjs must count.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.fake.ts'], pool: 'forks', maxWorkers: 1 } });
