// An app's state as a coloured pill; green only when running and healthy (rules in state/status-badge.ts).
import type { AppState } from '../api/contract';
import { statusBadge } from '../state/status-badge';

export function StatusBadge({ state, healthy }: { readonly state: AppState; readonly healthy: boolean }) {
  const b = statusBadge(state, healthy);
  return (
    <span
      className={`badge tone-${b.tone}`}
      title={b.title}
      data-state={state}
      data-healthy={healthy ? 'true' : 'false'}
      data-testid="app-state"
    >
      {b.label}
    </span>
  );
}
