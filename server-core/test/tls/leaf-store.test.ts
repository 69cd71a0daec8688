// Site certificates on demand: one per name, reused while fresh, reissued when a third of their life is
// left; names outside the CA's constraints get no certificate at all.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LeafStore } from '../../src/tls/leaf-store.js';
import { ensureLocalCa, LEAF_DAYS } from '../../src/tls/local-ca.js';
import { tempDirPerTest } from '../helpers/tempdir.js';

const tempDir = tempDirPerTest();

describe('LeafStore', () => {
  it('issues per name, reuses while fresh, renews before expiry, refuses non-local names', async () => {
    const tmp = await tempDir();
    const ca = await ensureLocalCa(tmp.path);
    let now = Date.now();
    const store = new LeafStore(ca, () => now);
    const a = await store.contextFor('shop.localhost');
    expect(a).not.toBeNull();
    expect(await store.contextFor('SHOP.localhost.')).toBe(a);
    const b = await store.contextFor('blog.localhost');
    expect(b).not.toBe(a);
    now += (LEAF_DAYS / 2) * 86_400_000; // half its life left: still kept
    expect(await store.contextFor('shop.localhost')).toBe(a);
    now += (LEAF_DAYS / 3) * 86_400_000; // under a third left: renewed
    const renewed = await store.contextFor('shop.localhost');
    expect(renewed).not.toBeNull();
    expect(renewed).not.toBe(a);
    expect(await store.contextFor('example.com')).toBeNull();

    const fallback = await store.fallback();
    const cert = new X509Certificate(fallback.cert);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });
});
