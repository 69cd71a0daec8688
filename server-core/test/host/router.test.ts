// The Host's router with real workers: two apps by name over HTTP and HTTPS (HTTP/2), the same access log and
// request ids as the app's own bind, an unknown name answered with the list of sites, a clashing name refused,
// a stopped app answered 503 naming it, and http → https when the profile requires HTTPS.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../src/errors.js';
import { createHost } from '../../src/host/host.js';
import { CA_CERT_FILE, CA_DIR } from '../../src/tls/local-ca.js';
import { perTest } from '../helpers/per-test.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { requireTool } from '../helpers/tools.js';
import { FIXTURE_APPS, until } from '../runtime/harness.js';

const run = promisify(execFile);
const curl = requireTool('curl', 'apt curl');
const tempDir = tempDirPerTest();
const startHost = perTest(createHost, (host) => host.close());

async function get(
  url: string,
  ca: string,
  extra: string[] = [],
): Promise<{ status: number; version: string; headers: string; body: string }> {
  const name = new URL(url).hostname;
  const port = new URL(url).port;
  // curl resolves *.localhost to loopback itself (7.85+); --resolve keeps the test independent of that.
  const r = await run(curl.path!, ['-sS', '-D', '-', '--cacert', ca, '--resolve', `${name}:${port}:127.0.0.1`, ...extra, url], {
    maxBuffer: 1 << 22,
  });
  const at = r.stdout.indexOf('\r\n\r\n');
  const headers = r.stdout.slice(0, at);
  const m = /^HTTP\/([\d.]+) (\d+)/.exec(headers)!;
  return { status: Number(m[2]), version: m[1]!, headers, body: r.stdout.slice(at + 4) };
}

describe.skipIf(!curl.path)('named local sites', () => {
  it("routes two apps by name over both ports, in-process, with the app's access log; unknown → list; stopped → 503; collision refused", async () => {
    const tmp = await tempDir();
    const host = await startHost({ home: join(tmp.path, 'home'), demoFolder: null, router: { httpPort: 0, httpsPort: 0 } });
    expect(host.router, JSON.stringify(host.notices)).not.toBeNull();
    const ca = join(tmp.path, 'home', CA_DIR, CA_CERT_FILE);
    const settings = { app: 'conformance:application', bind: ['127.0.0.1:0'], python: 'python3' };
    await host.addApp({
      folder: FIXTURE_APPS,
      name: 'Shop',
      settings: { ...settings, siteAliases: ['store'] },
      detect: false,
      importPyproject: false,
    });
    await host.addApp({ folder: FIXTURE_APPS, name: 'Blog', settings, detect: false, importPyproject: false });
    const { http, https } = host.router!.address;

    // A third app whose alias is another's name is refused, with the code.
    await expect(
      host.addApp({
        folder: FIXTURE_APPS,
        name: 'Other',
        settings: { ...settings, siteAliases: ['shop'] },
        detect: false,
        importPyproject: false,
      }),
    ).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_SITE_NAME'));
    await expect(
      host.addApp({
        folder: FIXTURE_APPS,
        name: 'Other',
        settings: { ...settings, siteAliases: ['example.com'] },
        detect: false,
        importPyproject: false,
      }),
    ).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_SITE_NAME'));

    // Stopped: 503 naming the app.
    const stopped = await get(`http://shop.localhost:${http}/`, ca);
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain('Shop');
    expect(stopped.body).toMatch(/is stopped/);

    await host.start('shop', 'dev');
    await host.start('blog', 'dev');
    const access: string[] = [];
    // The router's requests are the app's own: same access log (the Host's ring), same request ids.
    const shopH2 = await get(`https://shop.localhost:${https}/environ`, ca, ['--http2']);
    expect(shopH2.version).toBe('2');
    expect(shopH2.status).toBe(200);
    const env = JSON.parse(shopH2.body) as Record<string, string>;
    expect(env).toMatchObject({
      HTTP_HOST: `shop.localhost:${https}`,
      SERVER_PROTOCOL: 'HTTP/2',
      HTTPS: 'on',
      'wsgi.url_scheme': 'https',
      SERVER_PORT: String(https),
    });
    const rid = /^x-request-id: (.+)$/im.exec(shopH2.headers)![1]!.trim();

    const alias = await get(`http://store.localhost:${http}/environ`, ca);
    expect(JSON.parse(alias.body)).toMatchObject({ HTTP_HOST: `store.localhost:${http}`, 'wsgi.url_scheme': 'http' });
    const blogPid = await get(`https://blog.localhost:${https}/pid`, ca);
    const shopPid = await get(`https://shop.localhost:${https}/pid`, ca);
    expect(blogPid.body).not.toBe(shopPid.body);

    await until(
      async () => {
        const page = host.access('shop').items.map((e) => e.requestId);
        access.splice(0, access.length, ...page);
        return access.includes(rid);
      },
      10_000,
      'shop access entry with the routed request id',
    );

    // Unknown name: a page listing the sites, with links.
    const unknown = await get(`https://nope.localhost:${https}/`, ca);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain(`https://shop.localhost:${https}/`);
    expect(unknown.body).toContain(`https://blog.localhost:${https}/`);

    // Names follow the app's name when it is edited; an edit that takes another app's name is refused.
    await expect(host.updateApp('blog', { settings: { siteAliases: ['store'] } })).rejects.toSatisfy((e: unknown) =>
      isGantryError(e, 'GANTRY_ERR_SITE_NAME'),
    );
    await host.updateApp('blog', { name: 'Journal' });
    expect((await get(`https://journal.localhost:${https}/pid`, ca)).body).toBe(blogPid.body);
    expect((await get(`https://blog.localhost:${https}/`, ca)).status).toBe(404);
    expect(host.listApps().find((a) => a.definition.id === 'blog')?.sites?.https).toEqual([`https://journal.localhost:${https}/`]);

    await host.stop('blog');
    const blogStopped = await get(`https://journal.localhost:${https}/`, ca);
    expect(blogStopped.status).toBe(503);
    expect(blogStopped.body).toContain('Journal');
  });

  it('a profile with requireHttps redirects http to https on the router', async () => {
    const tmp = await tempDir();
    const host = await startHost({ home: join(tmp.path, 'home'), demoFolder: null, router: { httpPort: 0, httpsPort: 0 } });
    const ca = join(tmp.path, 'home', CA_DIR, CA_CERT_FILE);
    await host.addApp({
      folder: FIXTURE_APPS,
      name: 'Secure',
      settings: { app: 'conformance:application', bind: ['127.0.0.1:0'], python: 'python3' },
      profiles: { staging: { requireHttps: true, workers: 1, threads: 1 } },
      detect: false,
      importPyproject: false,
    });
    await host.start('secure', 'staging');
    const { http, https } = host.router!.address;
    const r = await get(`http://secure.localhost:${http}/environ?x=1`, ca);
    expect(r.status).toBe(308);
    expect(r.headers).toMatch(new RegExp(`^location: https://secure\\.localhost:${https}/environ\\?x=1\\r?$`, 'im'));
    const followed = await get(`http://secure.localhost:${http}/environ?x=1`, ca, [
      '-L',
      '--resolve',
      `secure.localhost:${https}:127.0.0.1`,
    ]);
    expect(followed.body).toContain('"wsgi.url_scheme": "https"');
  });
});
