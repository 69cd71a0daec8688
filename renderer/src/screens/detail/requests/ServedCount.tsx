// "N served" in the Requests header: the live tally reconciled with the metrics sample and the rows held
// (state/served-count.ts). The tally publishes with the table's updates (one commit), or alone when the table has
// none coming (paused, filtered out): then only this count repaints.
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
