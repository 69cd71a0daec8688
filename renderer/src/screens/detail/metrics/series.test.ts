import { describe, expect, it } from 'vitest';
import type { MetricsSnapshot } from '../../../api/contract';
import { memorySeries, metricsSeries } from './series';

const MB = 1024 * 1024;
const sample = (time: number, over: Partial<MetricsSnapshot> = {}): MetricsSnapshot => ({
  time,
  requests: 0,
  rate: 0,
  latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
  statusClasses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
  inFlight: 0,
  queueDepth: 0,
  workersBusy: 0,
  workersTotal: 2,
  restarts: 0,
  uptimeSeconds: 0,
  workerRssBytes: {},
  ...over,
});

describe('memorySeries', () => {
  it('gives each worker slot a column in MB from the same samples as the other charts, with gaps where it was not', () => {
    const m = memorySeries([
      sample(1000, { workerRssBytes: { 1: 30 * MB } }),
      sample(2000, { workerRssBytes: { 1: 31 * MB, 2: 40 * MB } }),
      sample(3000, { workerRssBytes: { 2: 41 * MB } }),
    ]);
    expect(m).toEqual({
      x: [1, 2, 3],
      ids: [1, 2],
      values: [
        [30, 31, null],
        [null, 40, 41],
      ],
    });
  });
  it('takes a sample without the field (an older server) as a gap', () => {
    const { workerRssBytes: _, ...old } = sample(1000);
    expect(memorySeries([old as MetricsSnapshot, sample(2000, { workerRssBytes: { 1: MB } })]).values).toEqual([[null, 1]]);
  });
});

describe('metricsSeries', () => {
  it("has the workers chart's columns: busy and serving", () => {
    const s = metricsSeries([sample(1000, { workersBusy: 1 }), sample(2000, { workersBusy: 2 })]);
    expect([s.busy, s.serving]).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });
});
