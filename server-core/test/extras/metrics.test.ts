// Latency histogram, rate meter, app registry and Prometheus text, with a fake clock where time matters.
import { describe, expect, it } from 'vitest';
import { AppMetrics, statusClassOf } from '../../src/metrics/app-metrics.js';
import { FixedBuckets, LatencyHistogram } from '../../src/metrics/latency-histogram.js';
import { escapeLabelValue, renderPrometheus } from '../../src/metrics/prometheus.js';
import { RateMeter } from '../../src/metrics/rate-meter.js';
import type { WorkerSnapshot } from '../../src/runtime/types.js';
import { RATE_WINDOW_SECONDS } from '../../src/control/contract.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** Nearest-rank percentile of the exact data. */
function exact(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

// A deterministic PRNG so a failure can be reproduced.
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('LatencyHistogram', () => {
  it('percentiles of known data are within 2.5 % of the exact ones; max is exact', () => {
    const c = clock();
    const h = new LatencyHistogram({ now: c.now });
    const rnd = lcg(42);
    const data: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Log-normal-ish: most requests fast, a long tail.
      const v = Math.exp(rnd() * 4 + (rnd() < 0.05 ? 3 : 0)) * 0.7;
      data.push(v);
      h.record(v);
    }
    const sorted = [...data].sort((a, b) => a - b);
    const s = h.summary();
    for (const [q, got] of [
      [0.5, s.p50],
      [0.95, s.p95],
      [0.99, s.p99],
    ] as const) {
      const want = exact(sorted, q);
      expect(Math.abs(got - want) / want, `p${q * 100}: got ${got}, want ${want}`).toBeLessThan(0.025);
    }
    expect(s.max).toBe(sorted[sorted.length - 1]);
    expect(h.count()).toBe(20_000);
  });

  it('uniform 1..1000 ms', () => {
    const h = new LatencyHistogram({ now: clock().now });
    for (let v = 1; v <= 1000; v++) h.record(v);
    const [p50, p95, p99, p100] = h.percentiles([0.5, 0.95, 0.99, 1]);
    expect(p50).toBeGreaterThan(500 * 0.975);
    expect(p50).toBeLessThan(500 * 1.025);
    expect(p95).toBeGreaterThan(950 * 0.975);
    expect(p99).toBeLessThan(990 * 1.025);
    expect(p100).toBe(1000); // clamped to the exact max
  });

  it('is empty → zeros; tiny, zero and huge values do not throw', () => {
    const h = new LatencyHistogram({ now: clock().now });
    expect(h.summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
    h.record(0);
    h.record(-1);
    h.record(1e12);
    expect(h.count()).toBe(3);
    expect(h.summary().max).toBe(1e12);
  });

  it('forgets samples older than the window', () => {
    const c = clock();
    const h = new LatencyHistogram({ now: c.now, windowMs: 60_000, slotMs: 10_000 });
    for (let i = 0; i < 100; i++) h.record(500);
    c.advance(30_000);
    for (let i = 0; i < 100; i++) h.record(5);
    expect(h.count()).toBe(200);
    expect(h.summary().max).toBe(500);
    c.advance(45_000); // the 500 ms samples are now 75 s old
    expect(h.count()).toBe(100);
    expect(h.summary().max).toBe(5);
    expect(h.summary().p99).toBeCloseTo(5, 0);
    c.advance(120_000);
    expect(h.count()).toBe(0);
  });

  it('FixedBuckets puts values on inclusive upper bounds', () => {
    const b = new FixedBuckets([0.1, 1]);
    b.observe(0.1);
    b.observe(0.5);
    b.observe(7);
    expect(Array.from(b.counts)).toEqual([1, 1, 1]);
    expect(b.count).toBe(3);
    expect(b.sum).toBeCloseTo(7.6);
  });
});

describe('RateMeter', () => {
  it('steady 50/s reads 50/s', () => {
    const c = clock(0);
    const m = new RateMeter({ now: c.now, windowSeconds: 5 });
    for (let i = 0; i < 10 * 50; i++) {
      m.mark();
      c.advance(20);
    }
    expect(m.rate()).toBeGreaterThan(45);
    expect(m.rate()).toBeLessThan(55);
  });

  it('drops to zero after the window passes; a young meter divides by at least a second', () => {
    const c = clock(0);
    const m = new RateMeter({ now: c.now, windowSeconds: 3 });
    m.mark(10);
    c.advance(100);
    expect(m.rate()).toBe(10);
    c.advance(10_000);
    expect(m.rate()).toBe(0);
  });
});

describe('AppMetrics rate window', () => {
  it("averages MetricsSnapshot.rate over the contract's RATE_WINDOW_SECONDS (the window the UI names and its other per-second series use)", () => {
    expect(RATE_WINDOW_SECONDS).toBeGreaterThanOrEqual(2);
    const c = clock(0);
    const m = new AppMetrics({ app: 'a', now: c.now, wallNow: c.now });
    // A ramp: second s answers s requests, so the reading depends on how many seconds it covers.
    for (let s = 0; s <= 20; s++) {
      c.advance(s * 1000 - c.now());
      for (let k = 0; k < s; k++) m.record(200, 1, 1);
    }
    c.advance(500); // half-way through second 20
    let inWindow = 0;
    for (let s = 21 - RATE_WINDOW_SECONDS; s <= 20; s++) inWindow += s;
    expect(m.snapshot().rate).toBeCloseTo(inWindow / (RATE_WINDOW_SECONDS - 0.5), 6);
  });

  it('gives each status class its rate over the same window at the same instant: they add up to rate', () => {
    const c = clock(0);
    const m = new AppMetrics({ app: 'a', now: c.now, wallNow: c.now });
    // Bursts: 80 responses in odd seconds, none in even ones; every fourth second a few 5xx and a 404.
    for (let s = 0; s <= 20; s++) {
      c.advance(s * 1000 - c.now());
      if (s % 2 === 1) for (let k = 0; k < 80; k++) m.record(200, 1, 1);
      if (s % 4 === 3) {
        for (let k = 0; k < 4; k++) m.record(503, 1, 1);
        m.record(404, 1, 1);
      }
      c.advance(700);
      const snap = m.snapshot();
      const r = snap.statusRates!;
      expect(r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx']).toBeCloseTo(snap.rate, 9);
    }
    const r = m.snapshot().statusRates!;
    // At 20.7 s the window holds seconds 16..20: 2xx in 17 and 19, 5xx and 404 in 19; span 4.7 s.
    expect(r['2xx']).toBeCloseTo(160 / 4.7, 9);
    expect(r['5xx']).toBeCloseTo(4 / 4.7, 9);
    expect(r['4xx']).toBeCloseTo(1 / 4.7, 9);
  });
});

function worker(id: number, state: WorkerSnapshot['state'], rssBytes: number | null = null): WorkerSnapshot {
  return {
    id,
    pid: 1000 + id,
    generation: 1,
    state,
    current: [],
    requests: 0,
    rssBytes,
    cpuPercent: rssBytes === null ? null : 12.5,
    startedAt: 0,
    restarts: 0,
    lastExit: null,
  };
}

describe('AppMetrics', () => {
  it('snapshot has the MetricsSnapshot shape and the right numbers', () => {
    const c = clock();
    const m = new AppMetrics({ app: 'shop', now: c.now, wallNow: () => 42 });
    m.record(200, 10, 1);
    m.record(201, 20, 1);
    m.record(404, 5, 2);
    m.record(503, 100, 2);
    m.record(101, 1, null);
    m.setInFlight(3);
    m.setQueueDepth(7);
    m.setWorkers([worker(1, 'busy', 50e6), worker(2, 'idle', 60e6), worker(3, 'draining'), worker(4, 'exited')]);
    m.recordRestart('crashed');
    m.recordRestart('crashed');
    m.recordRestart('max-requests');
    c.advance(2_000);
    const s = m.snapshot();
    expect(s.time).toBe(42);
    expect(s.requests).toBe(5);
    expect(s.statusClasses).toEqual({ '1xx': 1, '2xx': 2, '3xx': 0, '4xx': 1, '5xx': 1 });
    expect(s.inFlight).toBe(3);
    expect(s.queueDepth).toBe(7);
    expect(s.workersBusy).toBe(1);
    expect(s.workersTotal).toBe(2);
    expect(s.restarts).toBe(3);
    expect(s.uptimeSeconds).toBe(2);
    expect(s.latencyMs.max).toBe(100);
    expect(s.rate).toBeGreaterThan(0);
    expect(m.worker(1)).toEqual({ requests: 2, errors5xx: 0, truncated: 0, totalDurationMs: 30, lastDurationMs: 20 });
    expect(m.worker(2)?.errors5xx).toBe(1);
    m.forgetWorker(2);
    expect(m.worker(2)).toBeUndefined();
  });

  it("snapshot keeps each slot's resident memory, from its newest process during a reload, never an exited one", () => {
    const m = new AppMetrics({ app: 'shop', now: clock().now });
    expect(m.snapshot().workerRssBytes).toEqual({});
    const newer = { ...worker(1, 'idle', 70e6), generation: 2, pid: 2001 };
    m.setWorkers([worker(1, 'draining', 50e6), newer, worker(2, 'idle', 60e6), worker(3, 'starting'), worker(4, 'exited', 9e6)]);
    expect(m.snapshot().workerRssBytes).toEqual({ 1: 70e6, 2: 60e6 });
  });

  it('status classes', () => {
    expect(statusClassOf(100)).toBe('1xx');
    expect(statusClassOf(399)).toBe('3xx');
    expect(statusClassOf(599)).toBe('5xx');
    expect(statusClassOf(0)).toBe('5xx');
    expect(statusClassOf(999)).toBe('5xx');
  });
});

/** A minimal parser of the text format: HELP/TYPE lines and samples with escaped label values. */
function parseExposition(text: string) {
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^# HELP (\w+) (.*)$/.exec(line))) helps.set(m[1]!, m[2]!);
    else if ((m = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      expect(types.has(m[1]!), `TYPE repeated for ${m[1]}`).toBe(false);
      types.set(m[1]!, m[2]!);
    } else {
      m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      expect(m, `unparsable line: ${line}`).not.toBeNull();
      const labels: Record<string, string> = {};
      const re = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)",?/gy;
      const body = m![2] ?? '';
      let lm: RegExpExecArray | null;
      let consumed = 0;
      while ((lm = re.exec(body))) {
        labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
        consumed = re.lastIndex;
      }
      expect(consumed, `labels not fully parsed: ${line}`).toBe(body.length);
      const raw = m![3]!;
      samples.push({ name: m![1]!, labels, value: raw === '+Inf' ? Infinity : Number(raw) });
    }
  }
  return { types, helps, samples };
}

describe('Prometheus text', () => {
  it('round-trips through a line parser with families, types, histogram and escaping', () => {
    const c = clock();
    const nasty = 'we"ird\\app\nname';
    const a = new AppMetrics({ app: nasty, now: c.now });
    const b = new AppMetrics({ app: 'plain', now: c.now });
    for (const ms of [3, 8, 40, 400, 4000, 40_000]) a.record(200, ms, 1);
    a.record(500, 12, 2);
    a.setInFlight(2);
    a.setQueueDepth(1);
    a.setWorkers([worker(1, 'busy', 123456789), worker(2, 'idle', 2048)]);
    a.recordRestart('max-worker-rss');
    b.record(404, 1, 1);
    const text = renderPrometheus([a.exposition(), b.exposition()]);
    const { types, helps, samples } = parseExposition(text);

    expect(types.get('gantry_requests_total')).toBe('counter');
    expect(types.get('gantry_request_duration_seconds')).toBe('histogram');
    expect(types.get('gantry_in_flight')).toBe('gauge');
    expect(types.get('gantry_workers')).toBe('gauge');
    for (const name of types.keys()) expect(helps.has(name), name).toBe(true);

    const find = (name: string, l: Record<string, string>) =>
      samples.filter((s) => s.name === name && Object.entries(l).every(([k, v]) => s.labels[k] === v));
    expect(find('gantry_requests_total', { app: nasty, status_class: '2xx' })[0]!.value).toBe(6);
    expect(find('gantry_requests_total', { app: nasty, status_class: '5xx' })[0]!.value).toBe(1);
    expect(find('gantry_requests_total', { app: 'plain', status_class: '4xx' })[0]!.value).toBe(1);
    // Histogram: cumulative, monotone, +Inf equals _count, _sum in seconds.
    const buckets = find('gantry_request_duration_seconds_bucket', { app: nasty });
    const values = buckets.map((s) => s.value);
    expect(values).toEqual([...values].sort((x, y) => x - y));
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    expect(buckets.at(-1)!.value).toBe(7);
    expect(find('gantry_request_duration_seconds_bucket', { app: nasty, le: '0.005' })[0]!.value).toBe(1);
    expect(find('gantry_request_duration_seconds_bucket', { app: nasty, le: '0.05' })[0]!.value).toBe(4);
    expect(find('gantry_request_duration_seconds_count', { app: nasty })[0]!.value).toBe(7);
    expect(find('gantry_request_duration_seconds_sum', { app: nasty })[0]!.value).toBeCloseTo(44.463, 6);
    expect(find('gantry_in_flight', { app: nasty })[0]!.value).toBe(2);
    expect(find('gantry_queue_depth', { app: nasty })[0]!.value).toBe(1);
    expect(find('gantry_workers', { app: nasty, state: 'busy' })[0]!.value).toBe(1);
    expect(find('gantry_workers', { app: nasty, state: 'exited' })[0]!.value).toBe(0);
    expect(find('gantry_worker_rss_bytes', { app: nasty, worker: '1' })[0]!.value).toBe(123456789);
    expect(find('gantry_worker_requests_total', { app: nasty, worker: '1' })[0]!.value).toBe(6);
    expect(find('gantry_worker_restarts_total', { app: nasty, reason: 'max-worker-rss' })[0]!.value).toBe(1);
    // Families are contiguous: every sample of a family sits between its TYPE line and the next TYPE line.
    const order = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => /^(\w+?)(?:_bucket|_sum|_count)?[{ ]/.exec(l)![1]);
    const seen = new Set<string>();
    let prev = '';
    for (const fam of order) {
      if (fam !== prev) {
        expect(seen.has(fam!), `family ${fam} split`).toBe(false);
        seen.add(fam!);
        prev = fam!;
      }
    }
  });

  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
