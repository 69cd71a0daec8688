// Output written past sys.stdout belongs to its request too: a Flask view's subprocess echo and its os.write to
// fds 1 and 2 are listed in that request's drawer, each labelled with its stream, and linked to it in Output.
// A real Flask app (server-core/test/fixtures/projects/flaskapp) on Debian's /usr/bin/python3, one sync worker.
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'server-core/test/fixtures/projects/flaskapp');

test("a subprocess's and an os.write's output show in the drawer of the request that wrote them", async ({ ui: page, gantry, shot }) => {
  // A free port, not a fixed one: other `gantry ui`s on this machine (another checkout's e2e run) may hold it.
  const BIND = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: {
      folder: FOLDER,
      name: 'Flask fd output',
      detect: false,
      settings: { app: 'flaskapp:app', bind: [BIND], workers: 1, threads: 1, python: '/usr/bin/python3' },
    },
  });
  const appId = added.app.definition.id;
  await gantry.api.call('start', { params: { id: appId } });
  const res = await page.request.get(`http://${BIND}/fd-output?tag=e2e-fd`, { headers: { 'X-Request-ID': 'e2e-fd-1' } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ tag: 'e2e-fd' });

  await page.goto(`${gantry.url}#/apps/${appId}/output`);
  const log = page.getByTestId('output-log');
  const echoed = log.locator('.out-line', { hasText: 'e2e-fd from echo' });
  await expect(echoed).toBeVisible();
  await expect(echoed.locator('.out-src')).toHaveText(/^stdout \d+$/);
  const link = echoed.getByRole('link', { name: 'request e2e-fd-1' });
  await expect(link).toBeVisible();
  await expect(log.locator('.out-line', { hasText: 'e2e-fd to fd 2' }).getByRole('link', { name: 'request e2e-fd-1' })).toBeVisible();

  await link.click();
  const drawer = page.getByRole('dialog', { name: 'Request e2e-fd-1' });
  await expect(drawer).toBeVisible();
  const out = drawer.getByTestId('request-output');
  // Three lines in the order written: one stdout block (the echo, then the os.write line under the same label),
  // then the stderr line.
  const rows = out.locator('.out-line');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('e2e-fd from echo');
  await expect(rows.nth(0).getByTestId('out-stream')).toHaveText('stdout');
  await expect(rows.nth(1)).toContainText('e2e-fd from os.write');
  await expect(rows.nth(1).getByTestId('out-stream')).toHaveText('');
  await expect(rows.nth(2)).toContainText('e2e-fd to fd 2');
  await expect(rows.nth(2).getByTestId('out-stream')).toHaveText('stderr');
  await shot('request-drawer-fd-output');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  await gantry.api.call('stop', { params: { id: appId } });
});
