// Every screen tells the truth (issue 14): browsing profiles with the keyboard restarts nothing, a staging launch
// of a fresh startproject says what is still unsafe instead of a green ✓, Start/Restart wait for a launch, a
// failed app's link lands on its traceback, and leaving the Add screen mid-save keeps the user where they went.
// Apps are added through the API with their own names and ports, so this story does not depend on hosting.spec.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/fixtures';
import { OverviewPage } from '../pages/overview-page';
import { AppDetailPage } from '../pages/app-detail-page';
import { AddAppPage } from '../pages/add-app-page';
import { addApp, demoCopy, freePort, startproject, SYSTEM_PYTHON } from '../support/projects';

test.describe.serial('every screen tells the truth', () => {
  test("an arrow key on a running app's profile proposes the switch; only the confirmation restarts it", async ({
    ui: page,
    gantry,
    shot,
  }) => {
    const id = await addApp(gantry.api, {
      folder: demoCopy(),
      name: 'Profiles e2e',
      settings: { app: 'hello:application', bind: [`127.0.0.1:${await freePort()}`] },
      activeProfile: 'dev',
      detect: false,
    });
    const started = await gantry.api.call('start', { params: { id }, body: { profile: 'dev' } });
    expect(started.state, JSON.stringify(started)).toBe('running');
    const startedAt = async () => (await gantry.api.call('status', { params: { id } })).startedAt;
    const before = await startedAt();

    const overview = new OverviewPage(page);
    await overview.open();
    const card = overview.card('Profiles e2e');
    await overview.expectState('Profiles e2e', 'running', true);
    const select = card.getByLabel('Profile for Profiles e2e');
    await select.focus();
    await page.keyboard.press('ArrowDown'); // Chromium fires `change` for this
    const confirm = card.getByTestId('profile-confirm');
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText('Switching restarts Profiles e2e');
    await expect(confirm).toContainText('start again with profile staging');
    await expect(confirm.getByRole('button', { name: 'Restart with staging' })).toBeVisible();
    await shot('20-profile-switch-confirm');
    // Nothing restarted, nothing saved.
    expect(await startedAt()).toBe(before);
    expect((await gantry.api.call('getApp', { params: { id } })).definition.activeProfile).toBe('dev');

    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(select).toHaveValue('dev');
    await expect(select).toBeFocused();

    // The same in the app's header.
    await overview.openApp('Profiles e2e');
    const header = page.locator('.detail-head');
    await header.getByLabel('Profile for Profiles e2e').focus();
    await page.keyboard.press('ArrowDown');
    await expect(header.getByTestId('profile-confirm')).toBeVisible();
    expect(await startedAt()).toBe(before);
    await header.getByTestId('profile-confirm').getByRole('button', { name: 'Cancel' }).click();
    await expect(header.getByTestId('profile-confirm')).toBeHidden();

    // Confirmed, it restarts into staging (4 workers).
    await overview.open();
    await select.selectOption('staging');
    await confirm.getByRole('button', { name: 'Restart with staging' }).click();
    await expect(card.getByTestId('workers')).toHaveText(/\/ 4$/, { timeout: 30_000 });
    // The switch is done when the card is no longer busy with it (the select is enabled again).
    await expect(select).toBeEnabled();
    await expect(select).toHaveValue('staging');
    await overview.expectState('Profiles e2e', 'running', true);
    expect(await startedAt()).not.toBe(before);
    await gantry.api.call('stop', { params: { id } });
    await overview.expectState('Profiles e2e', 'stopped');
  });

  test('launching a fresh startproject on staging shows check --deploy warnings and what Django really runs with', async ({
    ui: page,
    gantry,
    shot,
  }) => {
    const folder = startproject();
    await addApp(gantry.api, {
      folder,
      name: 'Django e2e',
      settings: {
        python: SYSTEM_PYTHON,
        app: 'mysite.wsgi:application',
        env: { DJANGO_SETTINGS_MODULE: 'mysite.settings' },
        bind: [`127.0.0.1:${await freePort()}`],
      },
      detect: false,
    });
    const overview = new OverviewPage(page);
    await overview.open();
    const card = overview.card('Django e2e');
    await overview.expectState('Django e2e', 'stopped');
    await overview.press('Django e2e', 'Launch staging');
    const panel = overview.launchPanel('Django e2e');

    // While the launch runs it owns the app: Start and Restart are disabled, and a disabled primary looks it.
    const snapshot = () =>
      card.evaluate((el) => {
        const start = [...el.querySelectorAll('button')].find((b) => b.textContent === 'Start')!;
        return {
          launching: el.querySelector('[data-testid="launch-panel"]')?.getAttribute('data-state') === 'running',
          startDisabled: start.disabled,
          startBg: getComputedStyle(start).backgroundColor,
        };
      });
    await expect.poll(async () => (await snapshot()).launching).toBe(true);
    const during = await snapshot();
    expect(during.startDisabled).toBe(true);
    const primaryBg = await page.locator('.page-head .btn-primary').evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(during.startBg).not.toBe(primaryBg);

    await expect(panel).toHaveAttribute('data-state', /ok|failed/, { timeout: 90_000 });
    await expect(panel).toHaveAttribute('data-state', 'ok');
    const check = panel.locator('[data-step="django-check"]');
    await expect(check).toHaveAttribute('data-status', 'warning');
    await expect(check.getByRole('img', { name: 'passed with warnings' })).toBeVisible();
    await expect(check).toContainText('security.W018');
    const promises = panel.locator('[data-step="django-settings"]');
    await expect(promises).toHaveAttribute('data-status', 'warning');
    await expect(promises).toContainText('DEBUG is on. The staging profile sets DJANGO_DEBUG=False, but');
    await expect(promises).toContainText('never reads DJANGO_DEBUG');
    await expect(promises).toContainText('SECRET_KEY is the one startproject wrote');
    await expect(panel.locator('[data-step="collectstatic"]')).toHaveAttribute('data-status', 'ok');
    await expect(panel).toContainText('Staging is up at');
    await expect(panel).toContainText('with warnings in 2 steps');
    await expect(promises.locator('[data-finding="warning"]')).toHaveCount(3);
    await panel.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shot('21-launch-staging-warnings');
    // Admin CSS is served from the launch's collectstatic folder.
    const url = await panel.locator('.launch-result a').getAttribute('href');
    expect((await fetch(new URL('/static/admin/css/base.css', url!))).status).toBe(200);
    await overview.press('Django e2e', 'Stop');
    await overview.expectState('Django e2e', 'stopped');
  });

  test('a skipped launch step says why', async ({ ui: page, gantry }) => {
    await addApp(gantry.api, {
      folder: demoCopy(),
      name: 'Plain e2e',
      settings: { app: 'hello:application', bind: [`127.0.0.1:${await freePort()}`] },
      detect: false,
    });
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.press('Plain e2e', 'Launch staging');
    const panel = overview.launchPanel('Plain e2e');
    await expect(panel).toHaveAttribute('data-state', 'ok', { timeout: 60_000 });
    const skipped = panel.locator('[data-step="collectstatic"]');
    await expect(skipped).toHaveAttribute('data-status', 'skipped');
    await expect(skipped).toContainText('Not a Django project (no manage.py in the folder)');
    await overview.press('Plain e2e', 'Stop');
    await overview.expectState('Plain e2e', 'stopped');
  });

  test('"Show the traceback" on a failed app lands on the boot failure, its last line in sight, no filter remembered', async ({
    ui: page,
    gantry,
    shot,
  }) => {
    // A module that raises at import: a traceback of several lines, whose last says what went wrong.
    const folder = demoCopy();
    writeFileSync(
      path.join(folder, 'broken.py'),
      'import json\n\n\ndef connect():\n    raise RuntimeError("DATABASE_URL is not set")\n\n\nconnect()\n',
    );
    const id = await addApp(gantry.api, {
      folder,
      name: 'Boot fail e2e',
      settings: { app: 'broken:application', bind: [`127.0.0.1:${await freePort()}`] },
      detect: false,
    });
    // The start fails (the import raises); the screens must say why.
    await expect(gantry.api.call('start', { params: { id } })).rejects.toMatchObject({ code: 'GANTRY_ERR_APP_IMPORT' });
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.expectState('Boot fail e2e', 'failed');
    await overview.card('Boot fail e2e').getByRole('link', { name: 'Show the traceback' }).click();

    const box = page.getByTestId('boot-error');
    await expect(box).toBeFocused();
    // What went wrong (the traceback's last line) is in plain sight, above the traceback.
    await expect(box.locator('strong, [data-testid="traceback-last"]').first()).toHaveText('RuntimeError: DATABASE_URL is not set');
    await expect(box.locator('strong, [data-testid="traceback-last"]').first()).toBeInViewport();
    // The traceback itself starts scrolled to its end.
    const tb = box.locator('pre');
    expect(await tb.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 1)).toBe(true);
    await shot('22-boot-failure');

    // Where the project is: the path, and a copy button (a browser cannot open anything on this machine).
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Project folder' }).click();
    await expect(page.getByTestId('project-folder-path')).toHaveText(folder);
    await page.getByTestId('project-folder').getByRole('button', { name: 'Copy path' }).click();
    await expect(page.getByTestId('project-folder')).toContainText('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(folder);
    await shot('22b-project-folder');
    await page.getByRole('button', { name: 'Project folder' }).click();
    // The Output tab opened with no filter, and none was remembered.
    await expect(page.getByRole('group', { name: 'Level' }).getByRole('button', { name: 'error' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await new AppDetailPage(page).tab('Requests');
    await new AppDetailPage(page).tab('Output');
    await expect(page.getByRole('group', { name: 'Level' }).getByRole('button', { name: 'error' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
  });

  test('Add app asks before running anything from a new folder, then lists each interpreter with whether the app imports', async ({
    ui: page,
    gantry,
    shot,
  }) => {
    const folder = startproject();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add app' }).click();
    const add = new AddAppPage(page);
    await add.detect(folder);
    const prompt = page.getByTestId('trust-prompt');
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('Gantry has not run anything from this folder yet.');
    await expect(prompt).toContainText('the top level of');
    await expect(prompt).toContainText('importing mysite.wsgi:application');
    // Nothing ran: no interpreter says whether the app imports, no import result is shown.
    await expect(add.detection.locator('[data-imports="unchecked"]').first()).toBeVisible();
    await expect(add.detection.locator('[data-imports="true"], [data-imports="false"]')).toHaveCount(0);
    await expect(page.getByTestId('verification')).toHaveCount(0);
    await shot('23a-add-trust-prompt');

    await prompt.getByRole('button', { name: 'Trust this folder and check' }).click();
    await expect(prompt).toBeHidden({ timeout: 60_000 });
    const debian = add.detection.locator(`[data-interpreter="${SYSTEM_PYTHON}"]`);
    await expect(debian).toHaveAttribute('data-imports', 'true', { timeout: 60_000 });
    await expect(debian.getByText('imports the app')).toBeVisible();
    // Every interpreter found was checked; one without Django says so, by the traceback's last line.
    await expect(add.detection.locator('[data-imports="unchecked"]')).toHaveCount(0);
    const without = add.detection.locator('[data-imports="false"]');
    if ((await without.count()) > 0) await expect(without.first()).toContainText("No module named 'django'");
    // The one that imports is preselected, and the import check passed with it.
    const chosen = add.detection.getByRole('radio', { checked: true }).first();
    await expect(chosen).toHaveValue(SYSTEM_PYTHON);
    const pathLacksDjango = (await without.count()) > 0;
    await expect(page.getByTestId('verification')).toHaveAttribute('data-ok', 'true');
    await add.detection.locator('[data-testid="interpreters"]').scrollIntoViewIfNeeded();
    await shot('23b-add-interpreters');

    await add.setName('Chosen interpreter e2e');
    await add.expectPortFree();
    await page.getByRole('button', { name: 'Add app', exact: true }).click();
    await expect(page.locator('[data-screen="detail"]')).toBeVisible();
    const { apps } = await gantry.api.call('listApps');
    const def = apps.find((a) => a.definition.name === 'Chosen interpreter e2e')!.definition;
    // Pinned, unless it is python3 on PATH (what runs anyway).
    if (pathLacksDjango) expect(def.settings.python).toBe(SYSTEM_PYTHON);

    // Trust is remembered: detecting the folder again runs the checks without asking.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add app' }).click();
    await add.detect(folder);
    await expect(debian).toHaveAttribute('data-imports', 'true', { timeout: 60_000 });
    await expect(page.getByTestId('trust-prompt')).toHaveCount(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Apps' }).click();
  });

  test('a new, unsaved profile shows what it would inherit; after a reload the new workers have no restarts', async ({
    ui: page,
    gantry,
    shot,
  }) => {
    const folder = demoCopy();
    const id = await addApp(gantry.api, {
      folder,
      name: 'Inherit e2e',
      settings: { app: 'hello:application', bind: [`127.0.0.1:${await freePort()}`] },
      profiles: { dev: { workers: 2 } },
      detect: false,
    });
    await gantry.api.call('start', { params: { id }, body: { profile: 'dev' } });
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.expectState('Inherit e2e', 'running', true);
    await overview.openApp('Inherit e2e');
    const detail = new AppDetailPage(page);

    await detail.tab('Settings');
    await page.getByLabel('New profile name').fill('qa');
    await page.getByRole('button', { name: '+ Add' }).click();
    await expect(page.getByRole('button', { name: /Profile: qa/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText('Profile qa is new and not saved yet')).toBeVisible();
    await expect(detail.setting('app').locator('.set-value')).toHaveText('hello:application');
    await expect(detail.setting('chdir').locator('.set-value')).toHaveText(folder);
    await expect(detail.setting('workers').locator('.set-value')).toHaveText('1');
    await detail.setting('app').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot('24-settings-new-profile');

    // ~40 settings in sections, with a search box: a word finds the setting by label, doc or gunicorn flag.
    const search = page.getByLabel('Search settings');
    await search.fill('graceful');
    await expect(detail.setting('gracefulTimeout')).toBeVisible();
    await expect(detail.setting('workers')).toHaveCount(0);
    await expect(page.locator('.set-section', { has: page.getByRole('heading', { name: 'Workers' }) })).toBeVisible();
    await expect(page.locator('.set-section', { has: page.getByRole('heading', { name: 'Security' }) })).toHaveCount(0);
    await search.fill('--max-requests');
    await expect(detail.setting('maxRequests')).toBeVisible();
    await shot('25-settings-search');
    await search.fill('no such setting at all');
    await expect(page.getByTestId('settings-no-match')).toBeVisible();
    await search.fill('');
    await expect(page.locator('.set-section')).toHaveCount(7);

    await detail.tab('Workers');
    await expect(detail.workerRows).toHaveCount(2);
    await page.getByRole('button', { name: 'Reload (graceful)' }).click();
    await expect(detail.workerRows.filter({ hasText: '· g2' })).toHaveCount(2, { timeout: 30_000 });
    await expect(detail.workerRows.filter({ hasNotText: '· g2' })).toHaveCount(0, { timeout: 30_000 });
    for (const row of await detail.workerRows.all()) {
      await expect(row.locator('td').nth(8)).toHaveText('0');
      await expect(row.locator('td').nth(9)).not.toContainText('reload');
    }
    await gantry.api.call('stop', { params: { id } });
  });

  test('leaving the Add screen while it saves does not pull the user back to the new app', async ({ ui: page, gantry }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Add app' }).click();
    const add = new AddAppPage(page);
    await add.detect(demoCopy());
    await add.setName('Left behind e2e');
    await add.expectPortFree();
    // Hold the start request until the user has gone elsewhere.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/apps/*/start', async (route) => {
      await held;
      await route.continue();
    });
    const startSent = page.waitForRequest('**/api/apps/*/start');
    await add.addAndStart();
    await startSent;
    const overview = new OverviewPage(page);
    await overview.open();
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/apps') && r.request().method() === 'GET');
    release();
    await refreshed;
    await overview.expectState('Left behind e2e', 'running');
    // Let every callback of that refresh run, then check where the user is.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(new URL(page.url()).hash).toBe('#/');
    await page.unroute('**/api/apps/*/start');
    const id = await overview.card('Left behind e2e').getAttribute('data-app');
    expect(id).toBeTruthy();
    await gantry.api.call('stop', { params: { id: id! } });
  });
});
