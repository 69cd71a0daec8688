// The compact wire form of access entries: what goes in comes back (times to the microsecond, absent fields
// absent), each string once per frame, and fewer bytes than the JSON envelopes it replaces.
import { describe, expect, it } from 'vitest';
import type { AccessRecord, SseEnvelope } from '../../src/control/contract.js';
import { decodeAccessColumns, encodeAccessColumns } from '../../src/control/access-columns.js';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
const entry = (seq: number, over: Partial<AccessRecord> = {}): AccessRecord => ({
  seq,
  time: 1_796_417_348_918 + seq,
  app: 'Web',
  requestId: `39f65b8e3940-${seq}`,
  method: 'GET',
  path: '/json',
  query: `x=${seq}`,
  protocol: 'HTTP/1.1',
  status: 200,
  bytes: 182,
  durationMs: 0.38704500000017106,
  timing: { queueMs: 0.010105000000066866, appMs: 0.2682790000001205, ttfbMs: 0.27838400000018737, transferMs: 0.10866099999998369 },
  workerPid: 2083,
  workerId: 1,
  remoteAddr: '127.0.0.1',
  userAgent: UA,
  referer: '',
  ...over,
});

describe('access entries by column', () => {
  it('round-trips every field the table shows, times to the microsecond, absent fields absent', () => {
    const rows = [
      { id: 10, appId: 'web', data: entry(1) },
      {
        id: 12,
        appId: 'web',
        data: entry(2, { status: 500, truncated: true, remoteUser: 'ann', timing: undefined, workerId: null, workerPid: null }),
      },
    ];
    const back = decodeAccessColumns(JSON.parse(JSON.stringify(encodeAccessColumns(rows))));
    expect(back.map((r) => [r.id, r.appId])).toEqual([
      [10, 'web'],
      [12, 'web'],
    ]);
    expect(back[0]!.data).toEqual({
      ...entry(1),
      durationMs: 0.387,
      timing: { queueMs: 0.01, appMs: 0.268, ttfbMs: 0.278, transferMs: 0.109 },
    });
    const { timing: _t, workerId: _w, workerPid: _p, ...rest } = entry(2, { status: 500, truncated: true, remoteUser: 'ann' });
    expect(back[1]!.data).toEqual({ ...rest, durationMs: 0.387 });
  });

  it('sends each string once per frame and takes less than half the bytes of the JSON envelopes', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, appId: 'web', data: entry(i + 1) }));
    const columns = JSON.stringify(encodeAccessColumns(rows));
    expect(columns.split(UA).length - 1).toBe(1);
    const envelopes = JSON.stringify(
      rows.map((r): SseEnvelope => ({ id: r.id, type: 'access', appId: r.appId, time: r.data.time, data: r.data })),
    );
    expect(columns.length).toBeLessThan(envelopes.length / 2);
  });
});
