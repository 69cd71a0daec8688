// The Output tab shows each stderr line at the level it states (Python logging's default format, a
// gunicorn-style format, a plain print), never ERROR for all of stderr, and a traceback as one entry — from a
// real worker running an app that uses Python's `logging` (server-core/test/fixtures/apps/pylogging.py).
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'server-core/test/fixtures/apps');

test('stderr lines show the level they state, and a traceback is one entry', async ({ ui: page, gantry, shot }) => {
  // A free port, not a fixed one: other `gantry ui`s on this machine (another checkout's e2e run) may hold those.
  const BIND = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: { folder: FOLDER, name: 'Py logging', detect: false, settings: { app: 'pylogging:application', bind: [BIND], workers: 1 } },
  });
  const appId = added.app.definition.id;
  await gantry.api.call('start', { params: { id: appId } });
  const res = await page.request.get(`http://${BIND}/log`);
  expect(res.status()).toBe(200);

  await page.goto(`${gantry.url}#/apps/${appId}/output`);
  const log = page.getByTestId('output-log');
  const row = (text: string) => log.locator('.out-line', { hasText: text });
  await expect(row("KeyError: 'missing'")).toBeVisible();
  // data-level is what the row is styled by (a line continuing the one above shows no level label of its own).

  await expect(row('WARNING:shop.orders:stock low')).toHaveAttribute('data-level', 'warning');
  await expect(row('INFO:shop.orders:order placed')).toHaveAttribute('data-level', 'info');
  await expect(row('ERROR:root:payment declined')).toHaveAttribute('data-level', 'error');
  await expect(row('[INFO] styled info line')).toHaveAttribute('data-level', 'info');
  await expect(row('a plain line on stderr')).toHaveAttribute('data-level', 'info');
  await expect(row('WARNING:root:imported, outside any request')).toHaveAttribute('data-level', 'warning');
  // logger.exception() is one row: its message, the traceback's head and its exception line, shown as error.
  const tb = log.locator('.out-line', { hasText: 'Traceback (most recent call last):' });
  await expect(tb).toHaveCount(1);
  await expect(tb).toContainText('ERROR:shop.orders:lookup failed');
  await expect(tb).toContainText("KeyError: 'missing'");
  await expect(tb.locator('.out-level')).toHaveText('error');
  await expect(tb).toHaveAttribute('data-level', 'error');
  await shot('output-levels');

  // Search with a regular expression: the lines it leaves, their matches highlighted; a bad one says so.
  const search = page.getByRole('searchbox', { name: 'Search output' });
  await page.getByRole('button', { name: 'Regular expression' }).click();
  await search.fill('shop\\.orders:(stock|order) \\w+');
  await expect(log.locator('.out-line')).toHaveCount(2);
  await expect(log.locator('mark')).toHaveText(['shop.orders:order placed', 'shop.orders:stock low']);
  // Next/previous step through the matching lines.
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(log.locator('.out-line[aria-current="true"]')).toContainText('order placed');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(log.locator('.out-line[aria-current="true"]')).toContainText('stock low');
  await page.getByRole('button', { name: 'Previous match' }).click();
  await expect(log.locator('.out-line[aria-current="true"]')).toContainText('order placed');
  await shot('output-search-regex');
  await search.fill('(unclosed');
  await expect(search).toHaveAttribute('aria-invalid', 'true');
  await expect(log.locator('mark')).toHaveCount(0);
  await search.fill('');
  await page.getByRole('button', { name: 'Regular expression' }).click();
});

test('the worker picker shows one worker’s lines', async ({ ui: page, gantry, shot }) => {
  const bind = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: {
      folder: FOLDER,
      name: 'Py logging two',
      detect: false,
      settings: { app: 'pylogging:application', bind: [bind] },
      profiles: { dev: { workers: 2 } },
    },
  });
  const appId = added.app.definition.id;
  await gantry.api.call('start', { params: { id: appId } });

  await page.goto(`${gantry.url}#/apps/${appId}/output`);
  const log = page.getByTestId('output-log');
  // Each worker logs a warning as it imports the app: two rows, one per pid.
  const imported = log.locator('.out-line', { hasText: 'imported, outside any request' });
  await expect(imported).toHaveCount(2);
  const picker = page.getByRole('combobox', { name: 'Worker' });
  const pids = (await picker.locator('option').allTextContents()).filter((t) => t.startsWith('pid ')).map((t) => t.slice(4));
  expect(pids).toHaveLength(2);
  await picker.selectOption({ label: `pid ${pids[1]}` });
  await expect(imported).toHaveCount(1);
  await expect(imported.locator('.out-src')).toHaveText(`stderr ${pids[1]}`);
  // Every row left is that worker's (a gantry line about it names it in its title).
  const titles = await log.locator('.out-line .out-src').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  expect(titles.length).toBeGreaterThan(0);
  for (const t of titles) expect(t).toContain(`pid ${pids[1]}`);
  await shot('output-worker-picker');
  await picker.selectOption({ label: 'All workers' });
  await expect(imported).toHaveCount(2);
});

test('the wrap toggle puts a long line on one row, and the log keeps following', async ({ ui: page, gantry, shot }) => {
  const bind = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: { folder: FOLDER, name: 'Py logging wrap', detect: false, settings: { app: 'pylogging:application', bind: [bind] } },
  });
  const appId = added.app.definition.id;
  await gantry.api.call('start', { params: { id: appId } });
  await page.goto(`${gantry.url}#/apps/${appId}/output`);
  expect((await page.request.get(`http://${bind}/long`)).status()).toBe(200);
  const log = page.getByTestId('output-log');
  const long = log.locator('.out-line', { hasText: 'long line word0' });
  await expect(long).toBeVisible();
  const wrapped = (await long.boundingBox())!.height;
  const wrapButton = page.getByRole('button', { name: 'Wrap' });
  await expect(wrapButton).toHaveAttribute('aria-pressed', 'true');
  await wrapButton.click();
  await expect(wrapButton).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await long.boundingBox())!.height).toBeLessThan(wrapped / 3);
  // Still following: the long line (the newest) is in view, and the log scrolls sideways to reach its end.
  await expect(log).toHaveAttribute('data-following', 'true');
  await expect(long).toBeInViewport();
  expect(await log.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await shot('output-no-wrap');
  await wrapButton.click();
  await expect.poll(async () => (await long.boundingBox())!.height).toBeGreaterThan(wrapped - 1);
  await expect(long).toBeInViewport();
});
