// The trust-store commands as argument lists (macOS and Windows are built and checked here, never run), and
// `gantry ca install|status|uninstall` for real against a temporary NSS database with certutil.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { macosStore, nssStore, showCommand, storesFor, windowsStore } from '../../src/tls/trust-store.js';
import { GANTRY_BIN } from '../helpers/paths.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { requireTool } from '../helpers/tools.js';

const run = promisify(execFile);
const certutil = requireTool('certutil', 'apt libnss3-tools');
const ca = {
  certPath: '/home/u/.config/gantry/ca/rootCA.pem',
  nickname: 'Gantry local CA 2026-12-04',
  sha1: 'ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12',
};
const tempDir = tempDirPerTest();

describe('trust-store commands', () => {
  it('NSS: certutil add/delete/list with trust C,, (TLS servers only), a new database first when there is none', () => {
    const s = nssStore('/home/u/.pki/nssdb', ca, 'Chromium/Chrome NSS database', false);
    expect(s.install.map((c) => c.argv)).toEqual([
      ['mkdir', '-p', '-m', '0700', '/home/u/.pki/nssdb'],
      ['certutil', '-N', '-d', 'sql:/home/u/.pki/nssdb', '--empty-password'],
      ['certutil', '-A', '-d', 'sql:/home/u/.pki/nssdb', '-t', 'C,,', '-n', 'Gantry local CA 2026-12-04', '-i', ca.certPath],
    ]);
    expect(s.uninstall.map((c) => c.argv)).toEqual([
      ['certutil', '-D', '-d', 'sql:/home/u/.pki/nssdb', '-n', 'Gantry local CA 2026-12-04'],
    ]);
    expect(showCommand(s.install[2]!)).toBe(
      `certutil -A -d sql:/home/u/.pki/nssdb -t C,, -n 'Gantry local CA 2026-12-04' -i ${ca.certPath}`,
    );
  });

  it('macOS (untested there): security add-trusted-cert into the login keychain for SSL; delete by SHA-1', () => {
    const s = macosStore(ca, '/Users/u');
    expect(s.untested).toBe(true);
    expect(s.install.map((c) => c.argv)).toEqual([
      ['security', 'add-trusted-cert', '-r', 'trustRoot', '-p', 'ssl', '-k', '/Users/u/Library/Keychains/login.keychain-db', ca.certPath],
    ]);
    expect(s.uninstall.map((c) => c.argv)).toEqual([
      ['security', 'delete-certificate', '-Z', ca.sha1.toUpperCase(), '/Users/u/Library/Keychains/login.keychain-db'],
    ]);
    expect(storesFor('darwin', ca, '/Users/u').map((x) => x.label)).toEqual([s.label]);
  });

  it('Windows (untested there): certutil.exe -user -addstore Root; delete by thumbprint', () => {
    const s = windowsStore(ca);
    expect(s.untested).toBe(true);
    expect(s.install.map((c) => c.argv)).toEqual([['certutil.exe', '-user', '-addstore', 'Root', ca.certPath]]);
    expect(s.uninstall.map((c) => c.argv)).toEqual([['certutil.exe', '-user', '-delstore', 'Root', ca.sha1]]);
    expect(storesFor('win32', ca).map((x) => x.label)).toEqual([s.label]);
  });

  it('Linux: the system store needs root and is shown with sudo, never run by Gantry', () => {
    const sys = storesFor('linux', ca, '/nonexistent').at(-1)!;
    expect(sys.install.every((c) => c.needsRoot)).toBe(true);
    expect(sys.install.map(showCommand)).toEqual([
      `sudo install -m 0644 ${ca.certPath} /usr/local/share/ca-certificates/gantry-local-ca.crt`,
      'sudo update-ca-certificates',
    ]);
  });
});

describe.skipIf(!certutil.path)('gantry ca with a real NSS database', () => {
  it('install shows each command, then trusts the CA in ~/.pki/nssdb and Firefox profiles; status and uninstall follow', async () => {
    const tmp = await tempDir();
    const home = join(tmp.path, 'home');
    const profile = join(home, '.mozilla', 'firefox', 'abcd.default-release');
    mkdirSync(profile, { recursive: true });
    execFileSync(certutil.path!, ['-N', '-d', `sql:${profile}`, '--empty-password']);
    const env = { ...process.env, HOME: home, GANTRY_HOME: join(tmp.path, 'gantry') };
    const gantry = (...args: string[]) => run(process.execPath, [GANTRY_BIN, 'ca', ...args], { env });

    const path = (await gantry('path')).stdout.trim();
    expect(path).toBe(join(tmp.path, 'gantry', 'ca', 'rootCA.pem'));
    const installed = await gantry('install');
    expect(installed.stdout).toContain(`$ certutil -N -d sql:${join(home, '.pki', 'nssdb')} --empty-password`);
    expect(installed.stdout).toMatch(
      new RegExp(`\\$ certutil -A -d sql:${join(home, '.pki', 'nssdb')} -t C,, -n 'Gantry local CA [\\d-]+' -i ${path}`),
    );
    expect(installed.stdout).toContain(`sql:${profile}`);
    expect(installed.stdout).toMatch(/needs root, run it yourself \(or gantry ca install --system as root\): sudo update-ca-certificates/);

    for (const db of [join(home, '.pki', 'nssdb'), profile]) {
      const listed = execFileSync(certutil.path!, ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });
      expect(listed).toMatch(/Gantry local CA [\d-]+\s+C,,/);
    }
    expect((await gantry('status')).stdout).toMatch(/^ok Chromium\/Chrome NSS database/m);

    await gantry('uninstall');
    expect(execFileSync(certutil.path!, ['-L', '-d', `sql:${join(home, '.pki', 'nssdb')}`], { encoding: 'utf8' })).not.toContain('Gantry');
    expect((await gantry('status')).stdout).toMatch(/^no Chromium\/Chrome NSS database/m);

    await expect(gantry('frobnicate')).rejects.toMatchObject({ code: 2 });
  });
});
