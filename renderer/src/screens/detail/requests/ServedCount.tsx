// "N served" in the Requests header: the live tally reconciled with the metrics sample and the rows held
// (state/served-count.ts). It subscribes to the tally itself, so a batch repaints this count and not the table.
import { useRef } from 'react';
import { useStore } from '../../../state/external-store';
import { servedCount, type MetricsSample, type ServedShown, type ServedTally } from '../../../state/served-count';

export function ServedCount({
  tally,
  metrics,
  startedAt,
  rowsThisRun,
}: {
  readonly tally: ServedTally;
  readonly metrics: MetricsSample | null;
  readonly startedAt: number | null;
  readonly rowsThisRun: number;
}) {
  const live = useStore(tally);
  // What this header showed last: the count never goes back within a run.
  const shown = useRef<ServedShown | null>(null);
  const n = servedCount({ live, metrics, startedAt, rowsThisRun }, shown.current);
  if (n !== null) shown.current = { startedAt, n };
  if (n === null) return null;
  return <span data-testid="served">{n.toLocaleString()} served · </span>;
}
