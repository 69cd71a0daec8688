// A fake Playwright suite for test-all.test.ts (no browser: no test uses a page).
import { defineConfig } from '@playwright/test';

export default defineConfig({ testDir: '.', testMatch: '*.fake.ts', workers: 1, retries: 0, reporter: [['json']] });
