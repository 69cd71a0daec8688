// A certificate and key for `gantry serve --certfile/--keyfile` in tests, signed by a fresh local CA in `dir`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalCa, issueLeaf } from '../../src/tls/local-ca.js';

export async function tlsFiles(
  dir: string,
  names: readonly string[] = ['localhost', 'demo.localhost', '127.0.0.1'],
): Promise<{ ca: string; cert: string; key: string }> {
  const ca = await ensureLocalCa(join(dir, 'home'));
  const leaf = await issueLeaf(ca, [...names]);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  writeFileSync(cert, leaf.certPem);
  writeFileSync(key, leaf.keyPem, { mode: 0o600 });
  return { ca: ca.certPath, cert, key };
}
