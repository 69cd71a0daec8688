// An app's named URLs on the Host's router (http and https://NAME.localhost:PORT), shown beside its own bind.
import type { AppSummary } from '../api/contract';
import { ExternalLink } from './ExternalLink';

export function SiteLinks({ sites }: { readonly sites: AppSummary['sites'] }) {
  if (!sites || sites.https.length === 0) return null;
  return (
    <span className="site-links" data-testid="site-links">
      {sites.https.map((u) => (
        <ExternalLink key={u} href={u} className="mono site-link-https">
          {u}
        </ExternalLink>
      ))}
      {sites.http.map((u) => (
        <ExternalLink key={u} href={u} className="mono faint">
          {u}
        </ExternalLink>
      ))}
    </span>
  );
}
