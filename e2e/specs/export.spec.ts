// A person takes an app from Gantry to a server: the Export tab previews every file of each target for a
// profile, downloads them (one file or a zip), and writes them into the project's deploy/ folder.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { AppDetailPage } from '../pages/app-detail-page';

const FIXTURE = path.join(REPO_ROOT, 'server-core/test/fixtures/projects/flaskfactory');

test.describe.serial('exporting an app', () => {
  let dir = '';
  let id = '';

  test.beforeAll(async ({ gantry }) => {
    dir = mkdtempSync(path.join(tmpdir(), 'gantry-e2e-export-'));
    cpSync(FIXTURE, path.join(dir, 'shop'), { recursive: true });
    const r = await gantry.api.call('addApp', {
      body: { folder: path.join(dir, 'shop'), name: 'Shop export', detect: false, settings: { python: '/usr/bin/python3' } },
    });
    id = r.app.definition.id;
  });
  test.afterAll(async ({ gantry }) => {
    await gantry.api.call('removeApp', { params: { id } });
    rmSync(dir, { recursive: true, force: true });
  });

  test('previews the systemd unit of the staging profile, then Kubernetes manifests file by file', async ({ ui: page, shot }) => {
    await page.goto(page.url().replace(/#.*$/, '') + `#/apps/${id}/export`);
    const detail = new AppDetailPage(page);
    await expect(page.getByRole('tab', { name: 'Export' })).toHaveAttribute('aria-selected', 'true');
    await expect(detail.exportPanel).toHaveAttribute('data-export-state', 'ready');
    await expect(page.getByLabel('Export profile')).toHaveValue('staging');
    await expect(detail.exportPreview).toContainText('ExecStart=/usr/local/bin/gantry serve');
    await expect(detail.exportPreview).toContainText('shop:create_app()');
    await expect(detail.exportFiles.getByRole('option')).toHaveCount(2);
    await shot('export-01-systemd');

    await page.getByLabel('Export target').selectOption('kubernetes');
    await expect(detail.exportFiles.getByRole('option', { name: /kubernetes\/hpa\.yaml/ })).toBeVisible();
    await detail.exportFiles.getByRole('button', { name: /kubernetes\/hpa\.yaml/ }).click();
    await expect(detail.exportPreview).toHaveAttribute('data-file', 'kubernetes/hpa.yaml');
    await expect(detail.exportPreview).toContainText('kind: HorizontalPodAutoscaler');
    // The secret's value never reaches the screen: a placeholder in the Secret.
    await detail.exportFiles.getByRole('button', { name: /kubernetes\/secret\.yaml/ }).click();
    await expect(detail.exportPreview).toContainText('SHOP_SECRET_KEY: CHANGE_ME');
    await shot('export-02-kubernetes');
  });

  test('gunicorn instead of gantry serve: the notes say what gunicorn cannot do', async ({ ui: page, shot }) => {
    await page.getByLabel('Export target').selectOption('systemd');
    await page.getByLabel('Export command line').selectOption('gunicorn');
    const detail = new AppDetailPage(page);
    await expect(detail.exportPreview).toContainText('ExecStart=/usr/bin/gunicorn');
    await expect(page.getByRole('list', { name: 'Notes' })).toContainText('--static');
    await shot('export-03-gunicorn-notes');
    await page.getByLabel('Export command line').selectOption('gantry');
  });

  test('downloads all files as a zip, and writes them into deploy/', async ({ ui: page }) => {
    const detail = new AppDetailPage(page);
    await expect(detail.exportPreview).toContainText('ExecStart=/usr/local/bin/gantry');
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download all (.zip)' }).click()]);
    expect(zip.suggestedFilename()).toBe(`${id}-systemd.zip`);
    const saved = path.join(dir, 'download.zip');
    await zip.saveAs(saved);
    // A zip: local file header signature, and the unit's name inside.
    const bytes = readFileSync(saved);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(bytes.includes(Buffer.from(`${id}-systemd/${id}.service`))).toBe(true);

    await page.getByRole('button', { name: 'Write to deploy/systemd/' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Written to' })).toContainText(path.join(dir, 'shop', 'deploy', 'systemd'));
    expect(existsSync(path.join(dir, 'shop', 'deploy', 'systemd', `${id}.service`))).toBe(true);
  });
});
