// A person hosts the demo app with Gantry, start to finish: from the empty state, add the folder, start
// it, watch requests arrive, filter and open them, scale workers, find the traceback of a failing request,
// launch staging, stop. Every wait is on UI state; every screen is photographed.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { AddAppPage } from '../pages/add-app-page';
import { AppDetailPage } from '../pages/app-detail-page';
import { OverviewPage } from '../pages/overview-page';
import { burst, send } from '../support/traffic';

const APP = 'Hello e2e';
const DEMO_FOLDER = path.join(REPO_ROOT, 'app/examples/hello');

test.describe.serial('hosting the demo app', () => {
  let appUrl = '';
  let brokenFolder = '';

  test('a first-time user sees the demo app; with it removed, the empty state teaches', async ({ ui: page, shot }) => {
    const overview = new OverviewPage(page);
    await overview.open();
    await expect(overview.card('Hello (demo)')).toBeVisible();
    await overview.expectState('Hello (demo)', 'stopped');
    await shot('01-overview-demo');

    await overview.openApp('Hello (demo)');
    const detail = new AppDetailPage(page);
    await detail.tab('Settings');
    await page.getByRole('button', { name: 'Remove app…' }).click();
    await page.getByRole('button', { name: /Yes, remove/ }).click();

    await expect(overview.emptyState).toBeVisible();
    await expect(overview.emptyState.getByRole('link', { name: 'Add a folder' })).toBeVisible();
    await expect(overview.emptyState.getByRole('button', { name: 'Try the demo app' })).toBeVisible();
    await shot('02-empty-state');
  });

  test('adds the demo folder: detection finds hello:application, the port is free, it starts healthy', async ({ ui: page, shot }) => {
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.emptyState.getByRole('link', { name: 'Add a folder' }).click();

    const add = new AddAppPage(page);
    // In a browser the folder is browsed on the server's disk, starting from what is typed.
    await add.folder.fill(path.dirname(DEMO_FOLDER));
    await page.getByRole('button', { name: 'Browse…' }).click();
    const browser = page.getByTestId('folder-browser');
    const hello = browser.locator('.folder-item', { hasText: 'hello' });
    await expect(hello).toBeVisible();
    // A lone hello.py that defines a WSGI callable is a Python project too.
    await expect(hello.locator('.badge', { hasText: 'Python project' })).toBeVisible();
    await shot('03a-folder-browser');
    await hello.click();
    await expect(browser.locator('.folder-browser-path')).toHaveText(DEMO_FOLDER);
    await browser.getByRole('button', { name: 'Use this folder' }).click();
    await expect(add.folder).toHaveValue(DEMO_FOLDER);
    await expect(add.detection).toBeVisible({ timeout: 30_000 });
    await expect(add.detection).toContainText('hello:application');
    await add.chooseEntry('hello:application');
    await add.setName(APP);
    await add.setWorkers(2);
    await add.addEnv('GREETING', 'hi');
    await add.addEnv('API_TOKEN', 's3cret');
    await add.expectPortFree();
    await shot('03b-add-app');
    await add.addAndStart();

    const detail = new AppDetailPage(page);
    await detail.expectState('running', true);
    await expect(page.getByRole('heading', { name: APP, level: 1 })).toBeVisible();
    appUrl = await detail.appUrl();
  });

  test('requests sent to the app appear live in the Requests table', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    await page.reload(); // a fresh load shows history, then live rows
    await detail.expectState('running', true);
    await expect(detail.requestTable).toBeVisible();

    await send(`${appUrl}/json`, 5);
    await send(`${appUrl}/nothing-here`, 2);
    await expect(detail.rowsWithPath('/json')).toHaveCount(5);
    await expect(detail.rowsWithPath('/nothing-here')).toHaveCount(2);
    // More rows arrive while we watch: the table keeps up without a reload.
    await send(`${appUrl}/slow?ms=50`, 3);
    await expect(detail.rowsWithPath('/slow')).toHaveCount(3);
    await shot('04-requests');

    // Paused, the table holds still and counts what is waiting.
    await page.getByTestId('pause').click();
    await send(`${appUrl}/headers`, 2);
    await expect(page.getByTestId('pause')).toHaveText(/Resume \(2 new\)/);
    await expect(detail.rowsWithPath('/headers')).toHaveCount(0);
    await page.getByTestId('pause').click();
    await expect(detail.rowsWithPath('/headers')).toHaveCount(2);
  });

  test('keeps up with a burst of traffic and does not move rows under a reader who scrolled up', async ({ ui: page }) => {
    const detail = new AppDetailPage(page);
    await burst(`${appUrl}/json?burst=1`, 1500, 16);
    await expect(page.getByTestId('table-rows')).toHaveText(/^1,512 rows in the table$/, { timeout: 30_000 });
    // At the bottom, the table follows the newest row.
    await expect(detail.requestTable).toHaveAttribute('data-following', 'true');

    // Scrolled up, new rows arrive below without moving what the reader looks at.
    await detail.requestTable.evaluate((el) => (el.scrollTop = 200 * 28));
    await expect(detail.requestTable).toHaveAttribute('data-following', 'false');
    const firstVisible = () =>
      detail.requestTable.evaluate((el) => {
        const top = el.getBoundingClientRect().top + 28; // below the sticky header
        const rows = [...el.querySelectorAll<HTMLElement>('[data-request-id]')];
        return rows.find((r) => r.getBoundingClientRect().bottom > top + 1)?.dataset.requestId ?? null;
      });
    const before = await firstVisible();
    const scrollBefore = await detail.requestTable.evaluate((el) => el.scrollTop);
    await burst(`${appUrl}/json?burst=2`, 200, 8);
    await expect(page.getByTestId('table-rows')).toHaveText(/^1,712 rows in the table$/);
    await expect(page.getByRole('button', { name: /↓ 200 new/ })).toBeVisible();
    expect(await firstVisible()).toBe(before);
    expect(await detail.requestTable.evaluate((el) => el.scrollTop)).toBe(scrollBefore);
    await page.getByRole('button', { name: /↓ 200 new/ }).click();
    await expect(detail.requestTable).toHaveAttribute('data-following', 'true');
  });

  test('loads older requests on demand, beyond the first page', async ({ ui: page }) => {
    const detail = new AppDetailPage(page);
    await burst(`${appUrl}/json?burst=3`, 600, 16);
    await expect(page.getByTestId('table-rows')).toHaveText('2,312 rows in the table');
    await page.reload(); // the history page holds the newest 2,000
    await expect(page.getByTestId('table-rows')).toHaveText('2,000 rows in the table');
    await detail.requestTable.evaluate((el) => (el.scrollTop = 0));
    await page.getByTestId('load-older').click();
    await expect(page.getByTestId('table-rows')).toHaveText('2,312 rows in the table');
    await expect(page.getByTestId('load-older')).toBeHidden();
    // The reader's place was kept; scrolling up reaches the very first request of the session.
    await detail.requestTable.evaluate((el) => (el.scrollTop = 0));
    await expect(detail.requestRows().first().locator('.c-path')).toHaveText('/json');
  });

  test('filters by status class and search, and remembers them for this app', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    await detail.toggleStatusClass('4xx');
    await expect(detail.requestRows()).toHaveCount(2);
    await expect(detail.rowsWithPath('/nothing-here')).toHaveCount(2);
    await expect(page.getByTestId('table-rows')).toHaveText(/^2 of \d[\d,]* rows in the table match$/);
    await expect(detail.requestTable).toHaveAttribute('data-following', 'true');
    await shot('05-requests-filtered');

    // After a reload the first history page holds only the newest 2,000; the remembered filter still finds
    // the two older 404s, because filtering fetches the rest of the server's buffer.
    await page.reload();
    await expect(page.getByRole('group', { name: 'Status class' }).getByRole('button', { name: '4xx' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(detail.requestRows()).toHaveCount(2);
    await expect(page.getByTestId('table-rows')).toHaveText(/^2 of \d[\d,]* rows in the table match$/);

    await detail.clearFilters();
    await detail.search('slow');
    await expect(detail.requestRows()).toHaveCount(3);
    await detail.search('');
  });

  test('opens a request to see its headers and timing', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    // A request that carries credentials: the drawer shows its headers with those masked.
    const sent = await fetch(`${appUrl}/json?from=e2e`, {
      headers: { Cookie: 'sessionid=e2e-cookie-value', Authorization: 'Bearer e2e-token-value', 'X-Trace': 'visible-e2e' },
    });
    await sent.arrayBuffer();
    const row = detail.rowsWithPath('/json').filter({ hasText: 'from=e2e' });
    await expect(row).toHaveCount(1);
    const requestId = await row.getAttribute('data-request-id');
    await row.click();
    await expect(detail.drawer).toBeVisible();
    await expect(detail.drawer.getByTestId('drawer-request-id')).toHaveText(requestId!);
    await expect(detail.drawer.getByRole('heading', { name: 'Timing' })).toBeVisible();
    // Where the time went: queue, app, first byte, transfer, as numbers and as one bar.
    for (const what of ['Queue wait', 'Time in the app', 'Time to first byte', 'Transfer'])
      await expect(detail.drawer.getByText(what, { exact: true })).toBeVisible();
    await expect(detail.drawer.getByTestId('timing-waterfall')).toBeVisible();
    await shot('06a-request-drawer-timing');
    const reqHeaders = detail.drawer.getByTestId('request-headers');
    await expect(reqHeaders).toContainText('visible-e2e');
    await expect(reqHeaders).toContainText('Bearer ••••');
    await expect(reqHeaders).not.toContainText('e2e-cookie-value');
    await expect(reqHeaders).not.toContainText('e2e-token-value');
    await expect(detail.drawer.getByTestId('response-headers')).toContainText(/Content-Type/i);
    await reqHeaders.scrollIntoViewIfNeeded();
    await shot('06-request-drawer');
    await page.keyboard.press('Escape');
    await expect(detail.drawer).toBeHidden();

    // The same with the keyboard: focus the table, go to the last row, open it.
    await detail.requestTable.focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect(detail.drawer.getByTestId('drawer-request-id')).toHaveText(
      (await detail.requestRows().last().getAttribute('data-request-id'))!,
    );
    await page.keyboard.press('Escape');
    await expect(detail.drawer).toBeHidden();
  });

  test('a failing request shows its traceback beside it', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    const [status] = await send(`${appUrl}/error`);
    expect(status).toBe(500);
    const row = detail.rowsWithPath('/error');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-status', '500');
    await row.click();
    const output = detail.drawer.getByTestId('request-output');
    await expect(output).toContainText('Traceback (most recent call last)');
    await expect(output).toContainText('RuntimeError');
    await shot('07-request-traceback');
    await page.keyboard.press('Escape');

    await detail.tab('Output');
    await expect(page.getByTestId('output-log')).toContainText('RuntimeError');
    // Output filters are remembered for this app, like the Requests tab's.
    const errorLevel = page.getByRole('group', { name: 'Level' }).getByRole('button', { name: 'error' });
    await errorLevel.click();
    await expect(errorLevel).toHaveAttribute('aria-pressed', 'true');
    await detail.tab('Requests');
    await detail.tab('Output');
    await expect(errorLevel).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByTestId('output-log')).toContainText('RuntimeError');
    await shot('08-output');
    await errorLevel.click();
  });

  test('takes requests out: a curl command that really replays, id/URL/traceback copies, NDJSON/CSV/HAR exports', async ({
    ui: page,
    shot,
  }) => {
    const detail = new AppDetailPage(page);
    await detail.tab('Requests');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    const quoted = `it's "$HOME" \`id\` $(id)`;
    const sent = await fetch(`${appUrl}/json?from=curl-e2e&x=a%20b`, {
      method: 'PUT',
      headers: { 'X-Quote': quoted, Authorization: 'Bearer curl-secret-token' },
    });
    await sent.arrayBuffer();
    const row = detail.rowsWithPath('/json').filter({ hasText: 'from=curl-e2e' });
    await expect(row).toHaveCount(1);
    await row.click();
    await expect(detail.drawer.getByTestId('request-headers')).toContainText('X-Quote');
    await detail.drawer.locator('.take-out summary').click();
    const curlText = detail.drawer.getByTestId('curl-command');
    await expect(curlText).toContainText('Bearer ••••');
    await expect(curlText).not.toContainText('curl-secret-token');
    const cmd = (await curlText.textContent())!;
    await shot('13-request-drawer-copy-curl');
    // The copy is the command on screen.
    await detail.drawer.getByTestId('copy-curl').click();
    await expect(detail.drawer.getByTestId('copy-curl')).toHaveText('Copy as curl ✓');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(cmd);
    await detail.drawer.getByTestId('copy-id').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await detail.drawer.getByTestId('drawer-request-id').textContent(),
    );
    await detail.drawer.getByTestId('copy-url').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${new URL(appUrl).origin}/json?from=curl-e2e&x=a%20b`);

    // Run it with a real shell and curl against the app: the same method, path, query and quoted header arrive.
    const status = execFileSync('/bin/sh', ['-c', `${cmd} -sS -o /dev/null -w '%{http_code}'`], { encoding: 'utf8' });
    expect(status).toBe('200');
    await expect(row).toHaveCount(2);
    await page.keyboard.press('Escape');
    await expect(detail.drawer).toBeHidden();
    await row.last().click();
    await expect(detail.drawer.getByRole('heading', { level: 2 })).toContainText('PUT');
    await expect(detail.drawer.getByTestId('request-headers')).toContainText(quoted);
    await expect(detail.drawer.getByTestId('request-headers')).toContainText('Bearer ••••'); // the mask was sent, not the secret
    await page.keyboard.press('Escape');

    // A request that raised: its traceback is one click away.
    await detail.rowsWithPath('/error').first().click();
    await expect(detail.drawer.getByTestId('copy-output')).toHaveText('Copy traceback');
    await detail.drawer.getByTestId('copy-output').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('Traceback (most recent call last)');
    await page.keyboard.press('Escape');

    // Export what the filtered table shows.
    await detail.search('curl-e2e');
    await expect(detail.requestRows()).toHaveCount(2);
    const saved = async (testId: string): Promise<string> => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      return readFileSync((await dl.path())!, 'utf8');
    };
    await detail.openExport();
    await expect(page.getByRole('group', { name: 'Export the rows shown' })).toContainText('The 2 rows shown, as:');
    const ndjson = (await saved('export-ndjson'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { method: string; query: string });
    expect(ndjson.map((e) => e.method)).toEqual(['PUT', 'PUT']);
    const csv = (await saved('export-csv')).trimEnd().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^time,requestId,method,path,query,status/);
    const har = JSON.parse(await saved('export-har')) as {
      log: {
        version: string;
        creator: { name: string };
        entries: { request: { method: string; url: string; headers: { name: string; value: string }[] }; timings: { wait: number } }[];
      };
    };
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('Gantry');
    expect(har.log.entries).toHaveLength(2);
    expect(har.log.entries[0]!.request.headers).toContainEqual({ name: 'X-Quote', value: quoted });
    expect(JSON.stringify(har)).not.toContain('curl-secret-token');
    await expect(page.getByTestId('export-note')).toHaveText('HAR: 2 requests.');
    await shot('14-requests-export');
    await detail.search('');
  });

  test('the Routes view groups requests by route pattern and links to the slowest of each', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    await detail.tab('Requests');
    for (const url of ['/slow?ms=40', '/slow?ms=160', '/slow?ms=20', '/missing/1', '/missing/22', '/missing/333'])
      await send(`${appUrl}${url}`);
    await page.getByTestId('show-routes').click();
    const view = page.getByTestId('routes-view');
    await expect(view.getByTestId('routes-window')).toContainText(/Over the [\d,]+ requests in Gantry’s history/);
    const missing = view.locator('[data-route="GET /missing/{id}"]');
    await expect(missing).toContainText('100 %'); // 4xx share
    await expect(missing.locator('td').nth(2)).toHaveText('3');
    const error = view.locator('[data-route="GET /error"]');
    await expect(error.locator('td').nth(3)).toHaveText('100 %'); // 5xx share
    const slow = view.locator('[data-route="GET /slow"]');
    await expect(slow.locator('td').nth(2)).toHaveText('6'); // with the three /slow?ms=50 sent earlier in this spec
    await shot('15-requests-routes');
    await slow.getByTestId('route-slowest').click();
    await expect(detail.drawer).toBeVisible();
    await expect(detail.drawer).toContainText('/slow?ms=160');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Requests', exact: true }).click();
    await expect(detail.requestTable).toBeVisible();
  });

  test('scales workers up live', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    await detail.tab('Workers');
    await expect(detail.workerRows).toHaveCount(2);
    await detail.scaleUp();
    await expect(page.getByTestId('worker-target')).toHaveText('3');
    await expect(detail.workerRows.filter({ has: page.locator('.badge', { hasText: /idle|busy/ }) })).toHaveCount(3, { timeout: 30_000 });
    await expect(page.getByTestId('scale-note')).toContainText('Running 3 workers, scaled live; the saved setting is 2');
    await shot('09-workers');

    // Restart one worker: a new process takes its slot.
    const pid = detail.workerRows.first().locator('td').nth(1);
    const before = await pid.innerText();
    await page.getByRole('button', { name: 'Restart worker 1' }).click();
    await expect(pid).not.toHaveText(before, { timeout: 30_000 });
    await expect(detail.workerRows.first()).toHaveAttribute('data-state', /idle|busy/, { timeout: 30_000 });

    // A graceful reload replaces every worker with a new generation, and keeps the count scaled live.
    await page.getByRole('button', { name: 'Reload (graceful)' }).click();
    await expect(detail.workerRows.filter({ hasNotText: '· g2' })).toHaveCount(0, { timeout: 30_000 });
    await expect(detail.workerRows.filter({ hasText: '· g2' })).toHaveCount(3, { timeout: 30_000 });
    await expect(page.getByTestId('worker-target')).toHaveText('3');
  });

  test('shows live metrics charts', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    await detail.tab('Metrics');
    await send(`${appUrl}/json`, 10);
    await expect(page.getByTestId('metrics').locator('.uplot')).toHaveCount(6);
    await expect(page.getByTestId('metrics').locator('.metric-tile', { hasText: 'Requests' }).last()).not.toContainText(/^Requests0$/);
    await shot('10-metrics');
  });

  test('settings show values in effect, mask secrets, and explain invalid input beside the field', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    await detail.tab('Settings');
    const form = page.getByTestId('settings-form');
    await expect(form).toBeVisible();
    await expect(detail.setting('env')).toContainText('API_TOKEN');
    await expect(detail.setting('env')).not.toContainText('s3cret');

    // The add form saved workers in the dev profile, so that is where the user edits them.
    await page.getByRole('button', { name: /Profile: dev/ }).click();
    const workers = detail.setting('workers');
    await expect(workers.getByLabel('Workers')).toHaveValue('2');
    await expect(workers.locator('.set-value')).toHaveText('2');
    await workers.getByLabel('Workers').fill('0');
    await expect(workers.getByRole('alert')).toContainText('at least 1');
    await expect(workers).toHaveAttribute('data-invalid', 'true');
    await workers.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('11-settings-invalid');
    await workers.getByLabel('Workers').fill('3');
    await expect(workers).toHaveAttribute('data-invalid', 'false');
  });

  test('a request past the timeout raises a notice that links to the request', async ({ ui: page, shot }) => {
    const detail = new AppDetailPage(page);
    const timeout = detail.setting('timeout');
    await timeout.getByRole('button', { name: /Set here: Timeout/ }).click();
    await timeout.getByLabel('Timeout (s)').fill('1');
    await page.getByRole('button', { name: 'Save profile dev' }).click();
    // Timeout is a live setting: the running app takes it at once, no reload or restart needed.
    const applied = page.getByTestId('apply-status');
    await expect(applied).toContainText('Applied to the running app now:');
    await expect(applied).toContainText('Timeout (s)');
    await expect(timeout.locator('.set-value')).toHaveText('1');
    await expect(applied.getByRole('button', { name: 'Reload now' })).toHaveCount(0);

    // Threads waits for a reload: the save bar offers a graceful "Reload now" beside "Restart now".
    const threads = detail.setting('threads');
    await threads.getByLabel('Threads').fill('2');
    await page.getByRole('button', { name: 'Save profile dev' }).click();
    await expect(applied).toContainText('A reload applies Threads.');
    await expect(applied.getByRole('button', { name: 'Restart now' })).toBeVisible();
    await shot('11b-settings-saved-reload-offered');
    await applied.getByRole('button', { name: 'Reload now' }).click();
    await expect(page.getByText('Saved and reloaded: the app runs with these settings.')).toBeVisible({ timeout: 30_000 });
    await detail.expectState('running', true);

    const [status] = await send(`${appUrl}/slow?ms=4000`);
    expect(status).toBe(504);
    const notice = page.locator('[data-notice="timeout"]');
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('/slow');
    await shot('12-timeout-notice');
    await notice.getByRole('link', { name: 'Show the request and stack' }).click();
    await expect(detail.drawer).toBeVisible();
    await expect(detail.drawer).toContainText('504');
    // The stack the worker was in when the timeout fired belongs to this request: it is in the drawer.
    const stack = detail.drawer.getByTestId('timeout-stack');
    await expect(stack).toContainText('in slow');
    await expect(stack).toContainText('hello.py');
    await shot('12b-request-drawer-timeout-stack');
    await page.keyboard.press('Escape');
  });

  test('launches staging with live preflight steps, then stops', async ({ ui: page, shot }) => {
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.press(APP, 'Launch staging');
    const panel = overview.launchPanel(APP);
    await expect(panel).toBeVisible();
    await expect(panel.locator('[data-step]').first()).toBeVisible();
    await expect(panel).toHaveAttribute('data-state', /ok|failed/, { timeout: 60_000 });
    await shot('13-launch-staging');
    await expect(panel).toHaveAttribute('data-state', 'ok');
    await expect(panel).toContainText('Staging is up at');
    await overview.expectState(APP, 'running', true);

    await overview.press(APP, 'Stop');
    await overview.expectState(APP, 'stopped');
    await shot('14-overview-stopped');

    // The profile switch chooses what the next start uses.
    const profile = overview.card(APP).getByLabel(`Profile for ${APP}`);
    await profile.selectOption('staging');
    await expect(profile).toHaveValue('staging');
    await overview.press(APP, 'Start');
    await overview.expectState(APP, 'running', true);
    await expect(overview.card(APP).getByTestId('workers')).toHaveText(/\/ 4$/);
    await profile.selectOption('dev'); // a running app restarts into the new profile, once confirmed
    await overview.card(APP).getByRole('button', { name: 'Restart with dev' }).click();
    await expect(overview.card(APP).getByTestId('workers')).toHaveText(/\/ 3$/, { timeout: 30_000 });
    await overview.press(APP, 'Stop');
    await overview.expectState(APP, 'stopped');
  });

  test('a broken entry point fails visibly: the launch stops at the failing step with its output', async ({ ui: page, shot }) => {
    // A copy of the demo, so saving settings into its pyproject.toml leaves the repository alone.
    brokenFolder = path.join(mkdtempSync(path.join(tmpdir(), 'gantry-e2e-app-')), 'hello');
    cpSync(DEMO_FOLDER, brokenFolder, { recursive: true });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add app' }).click();
    const add = new AddAppPage(page);
    await add.detect(brokenFolder);
    await page.getByLabel('Custom entry point (MODULE:CALLABLE)').fill('hello:no_such_callable');
    await add.setName('Broken e2e');
    await add.expectPortFree();
    await page.getByRole('button', { name: 'Add app', exact: true }).click();

    const overview = new OverviewPage(page);
    await overview.open();
    await overview.press('Broken e2e', 'Launch staging');
    const panel = overview.launchPanel('Broken e2e');
    await expect(panel).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    const failed = panel.locator('[data-status="failed"]');
    await expect(failed).toHaveCount(1);
    await expect(failed).toContainText('no_such_callable');
    await expect(overview.card('Broken e2e').getByTestId('app-state')).not.toHaveAttribute('data-state', 'running');
    await shot('15-launch-failed');
  });

  test("saves an app's settings into its pyproject.toml", async ({ ui: page }) => {
    const overview = new OverviewPage(page);
    await overview.openApp('Broken e2e');
    await new AppDetailPage(page).tab('Settings');
    await page.getByRole('button', { name: 'Save to pyproject.toml' }).click();
    await expect(page.getByText(/^Written to /)).toContainText(path.join(brokenFolder, 'pyproject.toml'));
    const toml = readFileSync(path.join(brokenFolder, 'pyproject.toml'), 'utf8');
    expect(toml).toContain('[tool.gantry]');
    expect(toml).toContain('hello:no_such_callable');
    rmSync(path.dirname(brokenFolder), { recursive: true, force: true });
  });

  test('follows the system dark theme', async ({ ui: page, shot }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const overview = new OverviewPage(page);
    await overview.open();
    await expect(overview.card(APP)).toBeVisible();
    await shot('16-overview-dark');
    await overview.openApp(APP);
    const detail = new AppDetailPage(page);
    await expect(detail.requestRows().first()).toBeVisible();
    await shot('17-requests-dark');
    // Searching loads the older history too: the request may be past the first page by now.
    await detail.search('from=e2e');
    await detail.rowsWithPath('/json').filter({ hasText: 'from=e2e' }).click();
    await expect(detail.drawer.getByTestId('request-headers')).toContainText('Bearer ••••');
    await detail.drawer.getByTestId('request-headers').scrollIntoViewIfNeeded();
    await shot('17b-request-headers-dark');
    await page.keyboard.press('Escape');
    await detail.search('');
    await detail.tab('Metrics');
    await expect(page.getByTestId('metrics').locator('.uplot')).toHaveCount(6);
    await shot('18-metrics-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
