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

export function Sparkline({ values, width = 160, height = 36, label, slots = 60 }: SparklineProps) {
  const max = Math.max(1, ...values);
  const step = width / Math.max(1, slots - 1);
  const offset = Math.max(0, slots - values.length);
  const pts = values.map((v, i) => `${((offset + i) * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  const area = pts.length > 1 ? `M${pts[0]} L${pts.slice(1).join(' L')} L${((offset + values.length - 1) * step).toFixed(1)},${height} L${(offset * step).toFixed(1)},${height} Z` : '';
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="sparkline-base" />
      {area && <path d={area} className="sparkline-area" />}
      {pts.length > 1 && <polyline points={pts.join(' ')} className="sparkline-line" />}
    </svg>
  );
}
