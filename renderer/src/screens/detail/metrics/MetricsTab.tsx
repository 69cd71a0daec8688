// Placeholder while the Metrics tab is written.
import type { AppSummary } from '../../../api/contract';

export function MetricsTab({ app }: { readonly app: AppSummary }) {
  return <div className="tab-scroll">{app.definition.name}</div>;
}
