// Output belongs to its request: what a Flask view print()s shows in the Output tab marked with the request
// that wrote it (a link to it), in the downloaded Output log with its request id, and in that request's drawer
// beside its stderr, each labelled with its stream.
// A real Flask app (server-core/test/fixtures/projects/flaskapp) on Debian's /usr/bin/python3, two threads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { freePort } from '../support/projects';

const FOLDER = path.join(REPO_ROOT, 'server-core/test/fixtures/projects/flaskapp');

test("a request's print() is marked with it in Output and listed, as stdout, in its drawer", async ({ ui: page, gantry, shot }) => {
  // A free port, not a fixed one: other `gantry ui`s on this machine (another checkout's e2e run) may hold it.
  const BIND = `127.0.0.1:${await freePort()}`;
  const added = await gantry.api.call('addApp', {
    body: {
      folder: FOLDER,
      name: 'Flask prints',
      detect: false,
      settings: { app: 'flaskapp:app', bind: [BIND], workers: 1, threads: 2, python: '/usr/bin/python3' },
    },
  });
  const appId = added.app.definition.id;
  await gantry.api.call('start', { params: { id: appId } });
  const res = await page.request.get(`http://${BIND}/noisy?tag=on-screen`, { headers: { 'X-Request-ID': 'e2e-noisy-1' } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ tag: 'on-screen' });

  await page.goto(`${gantry.url}#/apps/${appId}/output`);
  const log = page.getByTestId('output-log');
  const printed = log.locator('.out-line', { hasText: 'noisy stdout on-screen' });
  await expect(printed).toBeVisible();
  await expect(printed.locator('.out-src')).toHaveText(/^stdout \d+$/);
  const link = printed.getByRole('link', { name: 'request e2e-noisy-1' });
  await expect(link).toBeVisible();
  // Its stderr line carries the same request.
  await expect(
    log.locator('.out-line', { hasText: 'noisy stderr on-screen' }).getByRole('link', { name: 'request e2e-noisy-1' }),
  ).toBeVisible();
  await shot('output-request-stdout');

  // Download: the lines shown, as a text log that keeps each line's stream, worker and request.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-output').click()]);
  expect(dl.suggestedFilename()).toMatch(/-output-.*\.log$/);
  const saved = readFileSync((await dl.path())!, 'utf8').split('\n');
  expect(saved.find((l) => l.endsWith('noisy stdout on-screen'))).toMatch(
    / \[INFO\] stdout \[worker 1 pid \d+\] \[e2e-noisy-1\] noisy stdout on-screen$/,
  );
  expect(saved.find((l) => l.endsWith('noisy stderr on-screen'))).toMatch(/ stderr \[worker 1 pid \d+\] \[e2e-noisy-1\] /);

  await link.click();
  const drawer = page.getByRole('dialog', { name: 'Request e2e-noisy-1' });
  await expect(drawer).toBeVisible();
  const out = drawer.getByTestId('request-output');
  const stdoutRow = out.locator('.out-line', { hasText: 'noisy stdout on-screen' });
  const stderrRow = out.locator('.out-line', { hasText: 'noisy stderr on-screen' });
  await expect(stdoutRow.getByTestId('out-stream')).toHaveText('stdout');
  await expect(stderrRow.getByTestId('out-stream')).toHaveText('stderr');
  await expect(out.locator('.out-line', { hasText: 'noisy logger on-screen' })).toBeVisible();
  await shot('request-drawer-stdout');
  // The specs share one page: leave it as a user would, drawer closed.
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  await gantry.api.call('stop', { params: { id: appId } });
});
