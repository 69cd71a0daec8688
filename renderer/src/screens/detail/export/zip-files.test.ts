import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { zipFiles } from './zip-files';

describe('zipFiles', () => {
  const files = [
    { path: 'shop.service', content: '[Unit]\nDescription=shop\n', summary: 'systemd unit' },
    { path: 'kubernetes/deployment.yaml', content: 'kind: Deployment\n', summary: 'Deployment' },
  ];

  it('holds every file under one folder, byte for byte', () => {
    const out = unzipSync(zipFiles('shop-systemd', files));
    expect(Object.keys(out).sort()).toEqual(['shop-systemd/kubernetes/deployment.yaml', 'shop-systemd/shop.service']);
    expect(strFromU8(out['shop-systemd/shop.service']!)).toBe(files[0]!.content);
  });

  it('gives the same bytes for the same files (no clock in the archive)', () => {
    expect(zipFiles('x', files)).toEqual(zipFiles('x', files));
  });
});
