// The specs' fixtures: a page already on the Gantry UI (browser, or the Electron window when
// GANTRY_E2E_ELECTRON=1), the control API's typed client with the token for setup the user would not do by hand
// (sending traffic to the app), and screenshots saved under test-results/screens.
import { createApiClient, type ApiClient } from '@gantry/server-core/client';
import { test as base, expect, _electron, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '..', '..');
const SCREENS_DIR = path.resolve(here, '..', 'test-results', 'screens');

export interface Gantry {
  readonly url: string;
  readonly token: string;
  readonly origin: string;
  readonly api: ApiClient;
}

export const test = base.extend<
  { shot: (name: string) => Promise<void>; pageErrors: void },
  { gantry: Gantry; electronPage: Page | null; ui: Page; errors: string[] }
>({
  gantry: [
    async ({ electronPage }, use) => {
      // In Electron the window's preload knows where the API is; in a browser the global setup told us.
      const bridge = electronPage
        ? await electronPage.evaluate(() => (window as unknown as { gantry: { api: { url: string; token: string } } }).gantry.api)
        : null;
      const url = bridge ? `${bridge.url}/#token=${bridge.token}` : process.env.GANTRY_E2E_URL;
      if (!url) throw new Error('GANTRY_E2E_URL is not set: the global setup did not start gantry ui');
      const u = new URL(url);
      const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? u.searchParams.get('token') ?? '';
      await use({ url, token, origin: u.origin, api: createApiClient({ baseUrl: u.origin, token }) });
    },
    { scope: 'worker' },
  ],
  electronPage: [
    async ({}, use) => {
      if (process.env.GANTRY_E2E_ELECTRON !== '1') return use(null);
      const home = mkdtempSync(path.join(tmpdir(), 'gantry-e2e-electron-'));
      const app = await _electron.launch({
        args: [path.join(REPO_ROOT, 'main/dist/main.js'), '--gantry-home', home, '--no-sandbox'],
        env: { ...process.env, GANTRY_HOME: home },
      });
      const win = await app.firstWindow();
      await use(win);
      await app.close();
    },
    { scope: 'worker' },
  ],
  errors: [async ({}, use) => use([]), { scope: 'worker' }],
  // One page for the whole story (the specs are consecutive steps of one user's session).
  ui: [
    async ({ browser, gantry, electronPage, errors }, use) => {
      if (electronPage) return use(electronPage);
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      // Uncaught exceptions and console errors are bugs even when the screen looks right.
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
      await page.goto(gantry.url);
      await use(page);
      await context.close();
    },
    { scope: 'worker' },
  ],
  pageErrors: [
    async ({ errors }, use) => {
      errors.length = 0;
      await use();
      expect(errors, 'errors in the page during this step').toEqual([]);
    },
    { auto: true },
  ],
  shot: async ({ ui: page }, use) => {
    await use(async (name) => {
      // Let fonts and charts settle on a state the spec already waited for; never a fixed sleep.
      await page.evaluate(() => document.fonts.ready);
      await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`), fullPage: false });
    });
  },
});

export { expect };
