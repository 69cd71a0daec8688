// The Metrics tab: live charts of requests/s, latency percentiles, status classes per second, queue depth,
// workers and memory per worker. Every chart starts from the Host's per-second history (up to ten minutes,
// kept whether or not anyone looked), then grows from the live metrics the overview already receives.
import { useEffect, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { useApi } from '../../../app/api-context';
import { useLive } from '../../../app/live-context';
import type { AppSummary, MetricsSnapshot } from '../../../api/contract';
import { UPlotChart, type UPlotChartProps } from '../../../components/UPlotChart';
import { fmtMsTick, fmtTick } from '../../../components/chart-scales';
import { fmtDuration, fmtRate, rateWindowLabel } from '../../../format';
import { memorySeries, metricsSeries } from './series';
import './metrics.css';

const KEEP = 600; // ten minutes of one-per-second samples

type Column = Exclude<keyof ReturnType<typeof metricsSeries>, 'x'>;
type Chart = Omit<UPlotChartProps, 'series' | 'data'> & {
  readonly lines: readonly (UPlotChartProps['series'][number] & { readonly of: Column })[];
};

// Counts (queue depth, workers): no unit, whole numbers on the axis and in the legend.
const COUNTS = { unit: '', integer: true, format: (v: number) => `${Math.round(v)}` } as const;

// The charts drawn from the per-second history, in the order they stand on the tab; each line names its column.
const CHARTS: readonly Chart[] = [
  // Both per-second charts average over the contract's window and say so, so their legends agree side by side.
  {
    title: `Requests per second · ${rateWindowLabel()}`,
    unit: 'req/s',
    lines: [{ label: `req/s, ${rateWindowLabel()}`, color: '--chart-1', fill: true, of: 'rate' }],
  },
  {
    title: 'Latency',
    unit: 'ms',
    tick: fmtMsTick,
    lines: [
      { label: 'p50', color: '--chart-4', of: 'p50' },
      { label: 'p95', color: '--chart-2', of: 'p95' },
      { label: 'p99', color: '--chart-5', of: 'p99' },
    ],
  },
  {
    title: `Responses per second by status class · ${rateWindowLabel()}`,
    unit: '/s',
    lines: [
      { label: '2xx', color: '--s2xx', of: 'c2' },
      { label: '3xx', color: '--s3xx', of: 'c3' },
      { label: '4xx', color: '--s4xx', of: 'c4' },
      { label: '5xx', color: '--s5xx', of: 'c5' },
    ],
  },
  {
    title: 'Queue depth and in flight',
    ...COUNTS,
    lines: [
      { label: 'queued', color: '--chart-5', of: 'queue' },
      { label: 'in flight', color: '--chart-1', of: 'inFlight' },
    ],
  },
  {
    title: 'Workers',
    ...COUNTS,
    lines: [
      { label: 'busy', color: '--chart-2', of: 'busy' },
      { label: 'serving', color: '--chart-4', of: 'serving' },
    ],
  },
];

export function MetricsTab({ app }: { readonly app: AppSummary }) {
  const client = useApi();
  const { apps } = useLive();
  const id = app.definition.id;
  const [samples, setSamples] = useState<MetricsSnapshot[]>([]);

  useEffect(() => {
    let cancelled = false;
    client.call('metrics', { params: { id }, query: { history: '1' } }).then(
      (v) => !cancelled && setSamples((cur) => mergeSamples(v.history, cur)),
      () => undefined,
    );
    // Live samples arrive through the overview's store; append each new one.
    let last = 0;
    const unsub = apps.subscribe(() => {
      const m = apps.getSnapshot().apps.find((a) => a.definition.id === id)?.metrics;
      if (m && m.time > last) {
        last = m.time;
        setSamples((cur) => mergeSamples(cur, [m]));
      }
    });
    return () => {
      cancelled = true;
      unsub();
    };
  }, [client, apps, id]);

  const s = useMemo(() => metricsSeries(samples), [samples]);
  const m = useMemo(() => memorySeries(samples), [samples]);
  const current = samples.at(-1);
  const running = app.status.state !== 'stopped' && app.status.state !== 'failed';

  return (
    <div className="tab-scroll metrics-tab" data-testid="metrics" tabIndex={0} aria-label="Metrics">
      {current && (
        <dl className="metric-tiles">
          <Tile label={`Requests/s, ${rateWindowLabel()}`} value={fmtRate(current.rate)} />
          <Tile label="p50" value={fmtDuration(current.latencyMs.p50)} />
          <Tile label="p95" value={fmtDuration(current.latencyMs.p95)} />
          <Tile label="p99" value={fmtDuration(current.latencyMs.p99)} />
          <Tile label="In flight" value={String(current.inFlight)} />
          <Tile label="Queue" value={String(current.queueDepth)} />
          <Tile label="Requests" value={current.requests.toLocaleString()} />
          <Tile label="Restarts" value={String(current.restarts)} />
        </dl>
      )}
      {!running && samples.length === 0 && <p className="muted">The app is not running. Start it and send some requests to see charts.</p>}
      <div className="chart-grid">
        {CHARTS.map(({ lines, ...chart }) => (
          <UPlotChart
            key={chart.title}
            {...chart}
            series={lines.map(({ of: _, ...line }) => line)}
            data={[s.x, ...lines.map((line) => s[line.of])] as uPlot.AlignedData}
          />
        ))}
        <UPlotChart
          title="Memory per worker"
          unit="MB"
          format={(v) => `${v.toFixed(0)}`}
          tick={(v) => `${fmtTick(v)} MB`}
          series={m.ids.map((wid, i) => ({ label: `worker ${wid}`, color: `--chart-${(i % 5) + 1}` }))}
          data={[m.x, ...m.values] as uPlot.AlignedData}
        />
      </div>
    </div>
  );
}

function Tile({ label, value }: { readonly label: string; readonly value: string }) {
  return (
    <div className="metric-tile card">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function mergeSamples(a: readonly MetricsSnapshot[], b: readonly MetricsSnapshot[]): MetricsSnapshot[] {
  const byTime = new Map<number, MetricsSnapshot>();
  for (const m of a) byTime.set(m.time, m);
  for (const m of b) byTime.set(m.time, m);
  const all = [...byTime.values()].sort((x, y) => x.time - y.time);
  return all.length > KEEP ? all.slice(all.length - KEEP) : all;
}
