// Playwright drives the real UI in Debian's Chromium against a real `gantry ui` (started once by the global
// setup, with a temp config folder). With GANTRY_E2E_ELECTRON=1 the same specs drive the Electron window
// instead (main/dist), see support/fixtures.ts.
import { defineConfig } from '@playwright/test';

const electron = process.env.GANTRY_E2E_ELECTRON === '1';

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results/artifacts',
  // One server, one user: the specs are steps of a story and share its state.
  fullyParallel: false,
  workers: 1,
  // No retries: the steps share one server's state, so a retried step would not start where it expects.
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  globalSetup: electron ? undefined : './support/global-setup.ts',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
});
