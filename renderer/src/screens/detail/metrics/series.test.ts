import { describe, expect, it } from 'vitest';
import { RATE_WINDOW_SECONDS, type MetricsSnapshot } from '../../../api/contract';
import { rateWindowLabel } from '../../../format';
import { sampleMetrics } from '../../../test-support/samples';
import { memorySeries, metricsSeries } from './series';

const MB = 1024 * 1024;
describe('memorySeries', () => {
  it('gives each worker slot a column in MB from the same samples as the other charts, with gaps where it was not', () => {
    const m = memorySeries([
      sampleMetrics(1000, { workerRssBytes: { 1: 30 * MB } }),
      sampleMetrics(2000, { workerRssBytes: { 1: 31 * MB, 2: 40 * MB } }),
      sampleMetrics(3000, { workerRssBytes: { 2: 41 * MB } }),
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
    const { workerRssBytes: _, ...old } = sampleMetrics(1000);
    expect(memorySeries([old as MetricsSnapshot, sampleMetrics(2000, { workerRssBytes: { 1: MB } })]).values).toEqual([[null, 1]]);
  });
});

describe('metricsSeries', () => {
  it("has the workers chart's columns: busy and serving", () => {
    const s = metricsSeries([sampleMetrics(1000, { workersBusy: 1 }), sampleMetrics(2000, { workersBusy: 2 })]);
    expect([s.busy, s.serving]).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it('gives per-status-class rates over the same window as req/s, so the legends side by side agree under bursts', () => {
    // Bursty traffic: 2xx every other second (0, 80, 0, 80, …), a 5xx each fourth second, one sample per second.
    const samples: MetricsSnapshot[] = [];
    let ok = 0;
    let bad = 0;
    for (let t = 0; t <= 20; t++) {
      if (t % 2 === 1) ok += 80;
      if (t % 4 === 3) bad += 4;
      samples.push(sampleMetrics(t * 1000, { statusClasses: { '1xx': 0, '2xx': ok, '3xx': 0, '4xx': 0, '5xx': bad } }));
    }
    const s = metricsSeries(samples);
    const W = RATE_WINDOW_SECONDS;
    const at = (i: number, k: '2xx' | '5xx') => samples[i]!.statusClasses[k];
    for (const i of [W, 12, 17, 20]) {
      expect(s.c2[i]).toBeCloseTo((at(i, '2xx') - at(i - W, '2xx')) / W, 9);
      expect(s.c5[i]).toBeCloseTo((at(i, '5xx') - at(i - W, '5xx')) / W, 9);
    }
    // Before a full window has passed, the rate covers the samples there are (no first-second spike, no gap).
    expect(s.c2[0]).toBeNull();
    expect(s.c2[2]).toBeCloseTo(80 / 2, 9);
  });
  it("uses the server's per-class rates when the samples carry them (same window and instant as req/s, so they add up to it)", () => {
    const rates = { '1xx': 0, '2xx': 70, '3xx': 1, '4xx': 5, '5xx': 2 };
    const s = metricsSeries([sampleMetrics(0), sampleMetrics(1000, { rate: 78, statusRates: rates })]);
    expect([s.c2[1], s.c3[1], s.c4[1], s.c5[1]]).toEqual([70, 1, 5, 2]);
    expect(s.rate[1]).toBe(78);
  });
  it('starts a window again after a counter reset (a restart) instead of drawing a negative or mixed rate', () => {
    const mk = (t: number, ok: number) => sampleMetrics(t * 1000, { statusClasses: { '1xx': 0, '2xx': ok, '3xx': 0, '4xx': 0, '5xx': 0 } });
    const s = metricsSeries([mk(0, 0), mk(1, 500), mk(2, 1000), mk(3, 10), mk(4, 30)]);
    expect(s.c2[3]).toBeNull();
    expect(s.c2[4]).toBeCloseTo(20, 9);
  });
  it('names its averaging window, taken from the contract', () => {
    expect(rateWindowLabel()).toBe(`${RATE_WINDOW_SECONDS} s average`);
  });
});
