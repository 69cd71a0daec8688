// The compact wire form of output lines: what goes in comes back exactly (nulls, long and short texts, times
// that are not whole), each repeated string once per frame, far fewer bytes than the JSON envelopes it replaces;
// and over the real event stream (`?batch=1&columns=1`), the lines an app writes arrive by column, in order.
import { describe, expect, it } from 'vitest';
import type { OutputRecord, SseBatch, SseEnvelope } from '../../src/control/contract.js';
import { decodeOutputColumns, encodeOutputColumns, type OutputRow } from '../../src/control/output-columns.js';
import { createFakeRuntime } from '../host/fake-runtime.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { addApp, harnessScope } from './api-client.js';
import { openSse } from './sse-reader.js';

const LONG = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
const line = (seq: number, over: Partial<OutputRecord> = {}): OutputRecord => ({
  seq,
  time: 1_796_417_348_918 + seq * 3,
  app: 'Web',
  source: 'stderr',
  level: 'info',
  workerId: 1,
  workerPid: 4121,
  requestId: `65c0437d15c7-${Math.floor(seq / 4)}`,
  text: seq % 4 === 0 ? `chatty line ${seq} ${LONG}` : '  second line of the block',
  ...over,
});
const roundTrip = (rows: OutputRow[]) => decodeOutputColumns(JSON.parse(JSON.stringify(encodeOutputColumns(rows))));

describe('output lines by column', () => {
  it('round-trips every field exactly, nulls and all, in order', () => {
    const rows: OutputRow[] = [
      { id: 10, appId: 'web', data: line(1) },
      { id: 12, appId: 'web', data: line(4) },
      {
        id: 11,
        appId: null,
        data: line(2, { source: 'gantry', level: 'warning', workerId: null, workerPid: null, requestId: null, text: '' }),
      },
      { id: 40, appId: 'other', data: line(3, { time: 5, text: 'x'.repeat(16 * 1024), level: 'critical', source: 'stdout' }) },
    ];
    expect(roundTrip(rows)).toEqual(rows);
    expect(roundTrip([])).toEqual([]);
  });

  it('a time that is not a whole number of ms comes back exactly (sent whole, not as a step)', () => {
    const rows: OutputRow[] = [0.1, 0.2, 1_796_417_348_918.3].map((t, i) => ({ id: i + 1, appId: 'web', data: line(i + 1, { time: t }) }));
    const c = encodeOutputColumns(rows);
    expect(c.absoluteTimes).toBe(true);
    expect(roundTrip(rows).map((r) => r.data.time)).toEqual([0.1, 0.2, 1_796_417_348_918.3]);
    expect(encodeOutputColumns([{ id: 1, appId: 'web', data: line(1) }]).absoluteTimes).toBeUndefined();
  });

  it('sends each repeated string once per frame, a long text inline, in under half the bytes of the JSON envelopes', () => {
    const rows = Array.from({ length: 40 }, (_, i): OutputRow => ({ id: 100 + i, appId: 'web', data: line(i + 1) }));
    const columns = JSON.stringify(encodeOutputColumns(rows));
    expect(columns.split('second line of the block').length - 1).toBe(1);
    expect(columns.split('"stderr"').length - 1).toBe(1);
    expect(columns.split(LONG).length - 1).toBe(10);
    const envelopes = JSON.stringify(
      rows.map((r): SseEnvelope => ({ id: r.id, type: 'output', appId: r.appId, time: r.data.time, data: r.data })),
    );
    expect(columns.length).toBeLessThan(envelopes.length / 2);
  });
});

describe('output lines over the batched stream, by column', () => {
  const project = tempDirScope('gantry-project-');
  const h = harnessScope({ createRuntime: (s) => createFakeRuntime(s) });

  it('columns=1 carries the lines the app wrote, in order, as outputColumns (and none as envelopes)', async () => {
    await addApp(h, project.path, 'web');
    const appUrl = (await h.api('POST', '/api/apps/web/start', {})).body.urls[0] as string;
    const stream = await openSse(`${h.server.url}/api/events?apps=web&types=output&batch=1&columns=1&minIntervalMs=200`, {
      authorization: `Bearer ${h.server.token}`,
    });
    for (let i = 0; i < 12; i++) await (await fetch(`${appUrl}boom`, { headers: { 'x-request-id': `col-${i}` } })).text();
    const lines = (frames: { event: string; data: SseBatch }[]) =>
      frames.filter((f) => f.event === 'batch').flatMap((f) => (f.data.outputColumns ? decodeOutputColumns(f.data.outputColumns) : []));
    const frames = await stream.until((f) => lines(f).length >= 12);
    expect(frames.flatMap((f) => (f.event === 'batch' ? f.data.events : []))).toEqual([]);
    const got = lines(frames);
    expect(got.map((r) => r.data.requestId)).toEqual(Array.from({ length: 12 }, (_, i) => `col-${i}`));
    // What the history route holds for the same lines, field for field.
    const page = await h.client.call('output', { params: { id: 'web' }, query: { limit: 12 } });
    expect(got.map((r) => r.data)).toEqual(page.items.slice().reverse());
    expect(got.every((r) => r.appId === 'web')).toBe(true);
    expect(got.map((r) => r.id)).toEqual([...got.map((r) => r.id)].sort((a, b) => a - b));
    await stream.close();
  });
});
