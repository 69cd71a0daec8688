// A person opens the demo app at https://demo.localhost:PORT/ with a padlock: the card shows the named URLs,
// `gantry ca install` trusts the local CA in the user's NSS database (the one Chromium reads), and Chromium
// loads the page WITHOUT ignoring HTTPS errors. The same browser with an empty NSS database refuses it,
// which is what shows the trust comes from the install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { OverviewPage } from '../pages/overview-page';

const GANTRY = path.join(REPO_ROOT, 'server-core/bin/gantry.js');
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

test.describe.serial('local HTTPS for the demo app', () => {
  test('the card shows https://demo.localhost; Chromium with the CA installed loads it trusted, over HTTP/2', async ({
    ui: page,
    gantry,
    shot,
  }) => {
    let { apps } = await gantry.api.call('listApps');
    if (!apps.some((a) => a.definition.origin === 'demo')) {
      await gantry.api.call('addDemo');
      ({ apps } = await gantry.api.call('listApps'));
    }
    const demo = apps.find((a) => a.definition.origin === 'demo')!;
    await gantry.api.call('start', { params: { id: demo.definition.id }, body: { profile: 'dev' } });

    const overview = new OverviewPage(page);
    await overview.open();
    await overview.expectState(demo.definition.name, 'running', true);
    const links = overview.card(demo.definition.name).getByTestId('site-links');
    await expect(links.getByRole('link', { name: /https:\/\/demo\.localhost:\d+\// })).toBeVisible();
    await shot('20-site-links');
    const httpsUrl = (await links.getByRole('link', { name: /https:\/\/demo\.localhost:\d+\// }).getAttribute('href'))!;

    const home = mkdtempSync(path.join(tmpdir(), 'gantry-e2e-nss-'));
    const bare = mkdtempSync(path.join(tmpdir(), 'gantry-e2e-bare-'));
    try {
      const env = { ...process.env, HOME: home, GANTRY_HOME: process.env.GANTRY_E2E_HOME! };
      const out = execFileSync(process.execPath, [GANTRY, 'ca', 'install'], { env, encoding: 'utf8' });
      expect(out).toContain(`certutil -A -d sql:${path.join(home, '.pki', 'nssdb')}`);

      const trusted = await chromium.launch({ ...CHROMIUM, env: { ...process.env, HOME: home } });
      try {
        const context = await trusted.newContext({ ignoreHTTPSErrors: false });
        const tab = await context.newPage();
        const response = await tab.goto(httpsUrl);
        expect(response?.status()).toBe(200);
        expect(await tab.evaluate(() => window.isSecureContext && location.protocol)).toBe('https:');
        const security = await response!.securityDetails();
        expect(security?.protocol).toMatch(/TLS 1\.[23]/);
        expect(security?.subjectName).toBe('demo.localhost');
        expect(
          await tab.evaluate(async () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol),
        ).toBe('h2');
        await tab.screenshot({ path: path.join(REPO_ROOT, 'e2e/test-results/screens/21-demo-over-https.png') });
      } finally {
        await trusted.close();
      }

      const untrusted = await chromium.launch({ ...CHROMIUM, env: { ...process.env, HOME: bare } });
      try {
        const tab = await (await untrusted.newContext({ ignoreHTTPSErrors: false })).newPage();
        await expect(tab.goto(httpsUrl)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
      } finally {
        await untrusted.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
