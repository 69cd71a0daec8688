// Request ids: whatever the client sends, what reaches the environ, the logs and the response header is safe.
import { describe, expect, it } from 'vitest';
import { newRequestId, requestIdFrom } from '../../src/gateway/request-id.js';

const SAFE = /^[A-Za-z0-9._:-]{1,200}$/;

describe('requestIdFrom', () => {
  it('keeps a sane client id unchanged', () => {
    for (const id of ['abc', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'req_1.2-3', 'x'.repeat(200)]) expect(requestIdFrom(id)).toBe(id);
  });

  it('makes a fresh id when the header is missing or empty', () => {
    expect(requestIdFrom(undefined)).toMatch(SAFE);
    expect(requestIdFrom('')).toMatch(SAFE);
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });

  it('never lets unsafe or overlong input through', () => {
    for (const bad of ['a b', 'x\r\nSet-Cookie: y=1', '<script>', '"quoted"', '日本', 'y'.repeat(500), '\0', '../../etc']) {
      const id = requestIdFrom(bad);
      expect(id, JSON.stringify(bad)).toMatch(SAFE);
      expect(id).not.toContain('\n');
      expect(id.length).toBeLessThanOrEqual(200);
    }
  });
});

describe('newRequestId', () => {
  it('is unique, short and safe across many calls', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 100_000; i++) ids.add(newRequestId());
    expect(ids.size).toBe(100_000);
    for (const id of [...ids].slice(0, 1000)) {
      expect(id).toMatch(SAFE);
      expect(id.length).toBeLessThan(40);
    }
  });
});
