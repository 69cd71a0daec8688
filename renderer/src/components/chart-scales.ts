// The scales of the Metrics charts, kept apart from uPlot so they can be tested: ranges that always draw
// (never NaN, negative or zero-height), a time window wide enough to read when the history is short, the
// points that a line cannot show (a lone sample), and axis ticks in units a person reads.

/** Seconds: a chart whose history is shorter still spans this much, ending at its newest sample. */
export const MIN_SPAN_S = 60;

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at or above a positive `v`. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) {
    // The small tolerance keeps 3 from becoming 5 through 2.9999999 × 10^0 rounding.
    if (m * mag >= v * (1 - 1e-9)) return m * mag;
  }
  return 10 * mag;
}

/**
 * y runs from 0 (rates, latencies, counts and memory are never below it) to a nice value a little above the
 * largest one. No data, or only zeros, gives [0, 1] rather than an empty range; a negative value (a bug
 * upstream) stays in view instead of being cut off.
 */
export function yRange(min: number | null | undefined, max: number | null | undefined): [number, number] {
  const lo = finite(min) && min < 0 ? -niceCeil(-min) : 0;
  const hi = finite(max) && max > 0 ? niceCeil(max * 1.05) : 0;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * x in seconds since the epoch: the samples' span, but at least MIN_SPAN_S ending at the newest one (a
 * single sample is a point on a minute-wide axis, not a zero-width range); with no samples, the last
 * minute. A sliver is added on the right so the newest point is not cut in half by the edge.
 */
export function xRange(
  min: number | null | undefined,
  max: number | null | undefined,
  nowS = Date.now() / 1000,
  minSpan = MIN_SPAN_S,
): [number, number] {
  const hi = finite(max) ? max : nowS;
  let lo = finite(min) && min <= hi ? min : hi;
  if (hi - lo < minSpan) lo = hi - minSpan;
  return [lo, hi + (hi - lo) * 0.015];
}

/**
 * The samples a line cannot show: a value with no value on either side (the only sample so far, or one
 * between gaps). uPlot draws lines between points and nothing for a lone one, so these get a dot.
 */
export function isolatedPoints(ys: ArrayLike<number | null | undefined>): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (!finite(ys[i])) continue;
    if ((i === 0 || !finite(ys[i - 1])) && (i === ys.length - 1 || !finite(ys[i + 1]))) out.push(i);
  }
  return out.length > 0 ? out : null;
}

/** A tick label: at most two decimals, thousands and millions shortened past 1 000 (12k req/s, not 12000). */
export function fmtTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

/** A latency tick, given in ms, with its unit: seconds from 1 000 ms on (1.5 s, not 1500 or 1.5k). */
export function fmtMsTick(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms === 0) return '0';
  return Math.abs(ms) >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${+ms.toFixed(2)} ms`;
}

/**
 * What a chart's legend shows for a series: the value under the cursor, or with the cursor away (idx null) the
 * newest value drawn, so the legend reads the current numbers instead of a dash while there is data.
 */
export function legendValue(ys: ArrayLike<number | null | undefined>, idx: number | null | undefined): number | null {
  if (idx !== null && idx !== undefined) return finite(ys[idx]) ? ys[idx] : null;
  for (let i = ys.length - 1; i >= 0; i--) if (finite(ys[i])) return ys[i] as number;
  return null;
}

/**
 * A time-axis tick (epoch seconds) on the 24-hour local clock, like the legend and the Time columns (uPlot's
 * default, "12:28am", read as another clock beside them): to the second when the ticks are less than a minute apart.
 */
export function fmtClockTick(seconds: number, incrSeconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return incrSeconds < 60 ? `${hm}:${p(d.getSeconds())}` : hm;
}
