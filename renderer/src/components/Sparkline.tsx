// A tiny inline SVG line of recent values (requests/s). SVG rather than uPlot: dozens of these render at
// once on the overview and need no axes or interaction.
export interface SparklineProps {
  readonly values: readonly number[];
  readonly width?: number;
  readonly height?: number;
  readonly label: string;
  /** Number of slots; fewer values are right-aligned so the line grows from the right. */
  readonly slots?: number;
}

export function Sparkline({ values: raw, width = 160, height = 36, label, slots = 60 }: SparklineProps) {
  // A value that is not a number (none should be) draws as 0 rather than breaking the whole path.
  const values = raw.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const max = Math.max(1, ...values);
  const step = width / Math.max(1, slots - 1);
  const offset = Math.max(0, slots - values.length);
  const xy = values.map((v, i) => [((offset + i) * step).toFixed(1), (height - 2 - (v / max) * (height - 4)).toFixed(1)] as const);
  const pts = xy.map(([x, y]) => `${x},${y}`);
  const area =
    pts.length > 1
      ? `M${pts[0]} L${pts.slice(1).join(' L')} L${((offset + values.length - 1) * step).toFixed(1)},${height} L${(offset * step).toFixed(1)},${height} Z`
      : '';
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      preserveAspectRatio="none"
    >
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="sparkline-base" />
      {area && <path d={area} className="sparkline-area" />}
      {pts.length > 1 && <polyline points={pts.join(' ')} className="sparkline-line" />}
      {/* One sample has no line yet: a dot (a zero-length round-capped line stays round when the SVG is stretched). */}
      {xy.length === 1 && (
        <line x1={xy[0]![0]} y1={xy[0]![1]} x2={xy[0]![0]} y2={xy[0]![1]} className="sparkline-dot" data-testid="sparkline-dot" />
      )}
    </svg>
  );
}
