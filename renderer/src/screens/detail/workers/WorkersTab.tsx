// Placeholder while the Workers tab is written.
import type { AppSummary } from '../../../api/contract';

export function WorkersTab({ app }: { readonly app: AppSummary }) {
  return <div className="tab-scroll">{app.definition.name}</div>;
}
