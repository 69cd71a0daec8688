// A uPlot time-series chart that follows its container's width and the theme's colours. The plot is built
// once per series layout and fed with setData afterwards, which is what keeps uPlot fast. Its scales come
// from chart-scales.ts: always a sensible range, and a dot for a sample no line reaches.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { fmtClock } from '../format';
import { fmtClockTick, fmtTick, isolatedPoints, legendValue, xRange, yRange } from './chart-scales';

interface ChartSeries {
  readonly label: string;
  /** A CSS variable name (e.g. --chart-1) or a colour. */
  readonly color: string;
  readonly fill?: boolean;
}

export interface UPlotChartProps {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** [x seconds, ...one array per series] */
  readonly data: uPlot.AlignedData;
  readonly unit: string;
  readonly height?: number;
  /** A value in the legend, before the unit (default: up to two decimals). */
  readonly format?: (v: number) => string;
  /** An axis tick label (default: fmtTick, thousands shortened). */
  readonly tick?: (v: number) => string;
  /** Counts (queue depth): ticks on whole numbers only. */
  readonly integer?: boolean;
}

function cssColor(el: Element, c: string): string {
  return c.startsWith('--') ? getComputedStyle(el).getPropertyValue(c).trim() || '#888' : c;
}

export function UPlotChart({ title, series, data, unit, height = 200, format, tick, integer }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const layout = series.map((s) => `${s.label}:${s.color}`).join('|');
  const [theme, setTheme] = useState(0);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor = cssColor(el, '--text-muted');
    const grid = cssColor(el, '--chart-grid');
    const fmt = format ?? ((v: number) => `${+v.toFixed(2)}`);
    const tickFmt = tick ?? fmtTick;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      // x from the samples themselves: for a lone sample uPlot widens its min/max to a whole day before asking.
      scales: {
        x: { time: true, range: (u) => xRange(u.data[0][0], u.data[0][u.data[0].length - 1]) },
        y: { range: (_u, min, max) => yRange(min, max) },
      },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          values: (_u, splits, _axis, _space, incr) => splits.map((v) => fmtClockTick(v, incr)),
        },
        {
          stroke: axisColor,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          size: 56,
          values: (_u, vals) => vals.map((v) => tickFmt(v)),
          ...(integer ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] } : {}),
        },
      ],
      series: [
        // With the cursor away the legend reads the newest sample (its time and values), not dashes.
        {
          label: 'time',
          value: (u: uPlot, _v: number | null, _s: number, idx: number | null) => {
            const t = legendValue(u.data[0], idx);
            return t === null ? '–' : fmtClock(t * 1000).slice(0, 8);
          },
        },
        ...series.map((s) => {
          const stroke = cssColor(el, s.color);
          // Points only where no line can show the value: the first sample, or one between gaps.
          const points = {
            show: false,
            size: 7,
            fill: stroke,
            filter: (u: uPlot, i: number) => isolatedPoints(u.data[i] as (number | null)[]),
          };
          return {
            label: s.label,
            stroke,
            width: 1.5,
            fill: s.fill ? `${stroke}22` : undefined,
            points,
            value: (u: uPlot, _v: number | null, si: number, idx: number | null) => {
              const v = legendValue(u.data[si] as (number | null)[], idx);
              return v === null ? '–' : `${fmt(v)}${unit ? ` ${unit}` : ''}`;
            },
          };
        }),
      ],
    };
    const p = new uPlot(opts, dataRef.current, el);
    plot.current = p;
    const ro = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    // Theme follows the system: rebuild colours when it flips.
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    const rebuild = () => setTheme((t) => t + 1);
    mq?.addEventListener?.('change', rebuild);
    return () => {
      mq?.removeEventListener?.('change', rebuild);
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when what it draws changes: `layout` stands for `series` (a new array each render
    // with the same labels and colours), and `format` is read when built (an inline function each render);
    // rebuilding on their identity would destroy and recreate uPlot on every render.
  }, [layout, height, unit, theme, integer]); // eslint-disable-line react-hooks/exhaustive-deps -- see the comment above

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    // data-samples / data-first: how much history the chart holds (e2e checks the past is there on open).
    <figure className="chart card" data-samples={data[0].length} data-first={data[0][0] ?? ''}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={box} className="chart-box" role="img" aria-label={`${title} chart`} />
    </figure>
  );
}
