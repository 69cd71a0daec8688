// Placeholder while the Settings tab is written.
import type { AppSummary } from '../../../api/contract';

export function SettingsTab({ app }: { readonly app: AppSummary }) {
  return <div className="tab-scroll">{app.definition.name}</div>;
}
