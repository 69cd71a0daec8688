// The local CA against openssl, a verifier nobody here wrote: leaves for local names verify, a certificate
// for a real site signed by the same key is rejected because of the CA's name constraints.
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../src/errors.js';
import { caMaySign, ensureLocalCa, issueLeaf, loadLocalCa } from '../../src/tls/local-ca.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { requireTool } from '../helpers/tools.js';

const openssl = requireTool('openssl', 'apt openssl');
const tempDir = tempDirPerTest();

function verify(caPath: string, certPem: string, dir: string): { ok: boolean; out: string } {
  const leafPath = join(dir, `leaf-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(leafPath, certPem);
  const r = spawnSync(openssl.path!, ['verify', '-CAfile', caPath, leafPath], { encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

describe.skipIf(!openssl.path)('local CA', () => {
  it('is created once under GANTRY_HOME with a 0600 key, a critical name constraint, and reloads the same', async () => {
    const tmp = await tempDir();
    const ca = await ensureLocalCa(tmp.path);
    expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
    const text = execFileSync(openssl.path!, ['x509', '-in', ca.certPath, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:localhost\s+IP:127\.0\.0\.0\/255\.0\.0\.0\s+IP:0:0:0:0:0:0:0:1\/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF/,
    );
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    const again = await ensureLocalCa(tmp.path);
    expect(again.certPem).toBe(ca.certPem);
  });

  it('signs leaves for demo.localhost, localhost and loopback IPs that openssl verifies', async () => {
    const tmp = await tempDir();
    const ca = await ensureLocalCa(tmp.path);
    const leaf = await issueLeaf(ca, ['demo.localhost', 'localhost', '127.0.0.1', '::1']);
    const v = verify(ca.certPath, leaf.certPem, tmp.path);
    expect(v.out).toContain(': OK');
    expect(v.ok).toBe(true);
    // the key is the certificate's own
    const keyPath = join(tmp.path, 'leaf.key');
    const certPath = join(tmp.path, 'leaf.crt');
    writeFileSync(keyPath, leaf.keyPem);
    writeFileSync(certPath, leaf.certPem);
    const pubFromKey = execFileSync(openssl.path!, ['pkey', '-in', keyPath, '-pubout'], { encoding: 'utf8' });
    const pubFromCert = execFileSync(openssl.path!, ['x509', '-in', certPath, '-noout', '-pubkey'], { encoding: 'utf8' });
    expect(pubFromKey).toBe(pubFromCert);
  });

  it('a certificate for example.com signed by the CA key is rejected by openssl verify', async () => {
    const tmp = await tempDir();
    const ca = await ensureLocalCa(tmp.path);
    // Gantry refuses to issue it …
    await expect(issueLeaf(ca, ['example.com'])).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_TLS_NAME'));
    // … and were the key stolen and used anyway, verifiers refuse it.
    for (const names of [['example.com'], ['www.example.com', 'demo.localhost'], ['8.8.8.8'], ['localhost.example.com']]) {
      const rogue = await issueLeaf(ca, names, 30, { unchecked: true });
      const v = verify(ca.certPath, rogue.certPem, tmp.path);
      expect(v.ok, names.join(',')).toBe(false);
      expect(v.out).toMatch(/permitted subtree violation|name constraints/i);
    }
  });

  it('user-added local suffixes are part of the constraints; public TLDs cannot be added', async () => {
    const tmp = await tempDir();
    await expect(ensureLocalCa(tmp.path, ['com'])).rejects.toSatisfy((e: unknown) => isGantryError(e, 'GANTRY_ERR_TLS_NAME'));
    const ca = await ensureLocalCa(tmp.path, ['test']);
    expect(ca.suffixes).toEqual(['localhost', 'test']);
    expect(caMaySign(ca, 'shop.test')).toBe(true);
    expect(caMaySign(ca, 'shop.testing')).toBe(false);
    const leaf = await issueLeaf(ca, ['shop.test']);
    expect(verify(ca.certPath, leaf.certPem, tmp.path).ok).toBe(true);
    expect((await loadLocalCa(tmp.path))?.suffixes).toEqual(['localhost', 'test']);
  });
});
