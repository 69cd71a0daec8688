// Placeholder while the Output tab is written.
import type { AppSummary } from '../../../api/contract';

export function OutputTab({ app }: { readonly app: AppSummary; readonly query: Readonly<Record<string, string>> }) {
  return <div className="tab-scroll">{app.definition.name}</div>;
}
