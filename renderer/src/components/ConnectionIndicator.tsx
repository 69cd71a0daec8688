// Whether live updates are flowing; announced politely to screen readers when it changes.
import type { StreamState } from '../api/event-stream';

const LABELS: Record<StreamState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

export function ConnectionIndicator({ state }: { readonly state: StreamState }) {
  return (
    <span className="conn" data-state={state} role="status" aria-live="polite" title="Live updates from Gantry">
      <span className="conn-dot" aria-hidden="true" />
      {LABELS[state]}
    </span>
  );
}
