// The small app the Requests and Output specs host (e2e/fixtures/chatty): added on a free port, started, its screen
// opened; after the test stopped and removed WHILE ITS SCREEN IS OPEN, which then asks for nothing more
// (app-removed-while-open.spec.ts). A request for the app still on its way when it is removed answers 404, a console
// error that fails whichever step comes next, so the removal waits until nothing is.
import type { Page } from '@playwright/test';
import type { ApiClient } from '@gantry/server-core/client';
import path from 'node:path';
import { AppDetailPage } from '../pages/app-detail-page';
import { expect, REPO_ROOT, test as base, type Gantry } from './fixtures';
import { addApp, freePort } from './projects';

const FOLDER = path.join(REPO_ROOT, 'e2e/fixtures/chatty');

export interface ChattyApp {
  readonly id: string;
  /** host:port it listens on. */
  readonly bind: string;
  /** http://host:port */
  readonly url: string;
}

type Tab = 'requests' | 'output' | 'metrics';

export interface ChattyOptions {
  readonly workers?: number;
  /** The tab its screen opens on (default Requests), or null: started only (the test opens the screen itself). */
  readonly tab?: Tab | null;
}

/** Adds the chatty app on a free port and starts it; resolves once it is running. */
export async function hostChatty(api: ApiClient, name: string, workers = 1): Promise<ChattyApp> {
  const bind = `127.0.0.1:${await freePort()}`;
  const id = await addApp(api, { folder: FOLDER, name, detect: false, settings: { app: 'chatty:application', bind: [bind], workers } });
  await api.call('start', { params: { id } });
  await expect.poll(async () => (await api.call('getApp', { params: { id } })).status.state, { timeout: 45_000 }).toBe('running');
  return { id, bind, url: `http://${bind}` };
}

/** Opens the app's screen on a tab and waits for it to show the app running. */
export async function openScreen(page: Page, gantryUrl: string, app: { readonly id: string }, tab: Tab = 'requests'): Promise<void> {
  await page.goto(`${gantryUrl}#/apps/${app.id}/${tab}`);
  await new AppDetailPage(page).expectState('running');
}

/**
 * Stops and removes the app with its own screen freshly open and loaded, then waits for that screen to say the app
 * is gone: nothing asked for the app is still on its way. The screen is left and opened again first because what
 * the test did last may still be pending there (a filter reaches the server 300 ms after it is typed or cleared:
 * sent after the removal, it answered 404); leaving drops it. An app the test removed itself is left be.
 */
export async function removeWhileOpen(page: Page, gantry: Gantry, app: { readonly id: string }): Promise<void> {
  const { apps } = await gantry.api.call('listApps');
  if (!apps.some((a) => a.definition.id === app.id)) return;
  await page.goto(`${gantry.url}#/`);
  await expect(page.locator('[data-screen="overview"]')).toHaveAttribute('aria-busy', 'false');
  await page.goto(`${gantry.url}#/apps/${app.id}/requests`);
  await expect(page.locator('.requests-tab')).toHaveAttribute('data-loaded', 'true');
  await gantry.api.call('stop', { params: { id: app.id } });
  await gantry.api.call('removeApp', { params: { id: app.id } });
  await expect(page.getByRole('heading', { name: `No app “${app.id}”` })).toBeVisible();
}

/**
 * `chattyApp(name, options)`: a running chatty app with its screen open on the page; removed after the test, while
 * that screen is open. Imported instead of fixtures.ts's `test` by the specs that use it.
 */
export const test = base.extend<{ chattyApp: (name: string, options?: ChattyOptions) => Promise<ChattyApp> }>({
  chattyApp: async ({ ui: page, gantry }, use) => {
    const hosted: ChattyApp[] = [];
    await use(async (name, options = {}) => {
      const app = await hostChatty(gantry.api, name, options.workers);
      hosted.push(app);
      if (options.tab !== null) await openScreen(page, gantry.url, app, options.tab);
      return app;
    });
    for (const app of hosted.reverse()) await removeWhileOpen(page, gantry, app);
  },
});

export { expect };
