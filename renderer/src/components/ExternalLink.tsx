// A link that leaves Gantry: a new tab in a browser, the system browser in Electron.
import type { ReactNode } from 'react';
import { preload } from '../api/preload';

export function ExternalLink({
  href,
  children,
  className,
}: {
  readonly href: string;
  readonly children?: ReactNode;
  readonly className?: string;
}) {
  return (
    <a
      href={href}
      className={className}
      target="_blank"
      rel="noopener noreferrer"
      onClick={(e) => {
        const open = preload()?.openExternal;
        if (open) {
          e.preventDefault();
          open(href);
        }
      }}
    >
      {children ?? href}
      <span aria-hidden="true"> ↗</span>
      <span className="visually-hidden"> (opens in a new window)</span>
    </a>
  );
}
