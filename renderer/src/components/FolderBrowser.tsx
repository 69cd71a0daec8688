// Server-side folder browsing for the browser build (a web page cannot read the user's disk): lists
// sub-folders via GET /api/fs and marks those that look like Python projects.
import { useEffect, useState } from 'react';
import { useApi } from '../app/api-context';
import { errorMessage } from '../../../server-core/src/control/api-error';
import type { FsListing } from '../api/contract';

export interface FolderBrowserProps {
  readonly start: string;
  readonly onChoose: (path: string) => void;
  readonly onClose: () => void;
}

export function FolderBrowser({ start, onChoose, onClose }: FolderBrowserProps) {
  const client = useApi();
  const [path, setPath] = useState<string | undefined>(start || undefined);
  const [listing, setListing] = useState<FsListing | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    setError(null);
    client.call('fsList', { query: { path }, signal: ctrl.signal }).then(setListing, (e: unknown) => {
      if (!ctrl.signal.aborted) setError(errorMessage(e));
    });
    return () => ctrl.abort();
  }, [client, path]);

  return (
    <div className="folder-browser card" role="dialog" aria-label="Choose a project folder" data-testid="folder-browser">
      <div className="folder-browser-head">
        <button
          type="button"
          className="btn btn-sm"
          disabled={!listing?.parent}
          onClick={() => listing?.parent && setPath(listing.parent)}
          aria-label="Parent folder"
        >
          ↑ Up
        </button>
        <code className="folder-browser-path" title={listing?.path}>
          {listing?.path ?? path ?? '…'}
        </code>
        <button type="button" className="btn btn-sm btn-primary" disabled={!listing} onClick={() => listing && onChoose(listing.path)}>
          Use this folder
        </button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onClose} aria-label="Close folder browser">
          ✕
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <ul className="folder-list">
        {listing?.dirs.length === 0 && <li className="faint folder-empty">No sub-folders</li>}
        {listing?.dirs.map((d) => (
          <li key={d.path}>
            <button type="button" className="folder-item" onClick={() => setPath(d.path)} onDoubleClick={() => onChoose(d.path)}>
              <svg
                className={`folder-icon${d.looksLikeProject ? ' is-project' : ''}`}
                width="16"
                height="16"
                viewBox="0 0 16 16"
                aria-hidden="true"
              >
                <path
                  d="M1.5 3.5h5l1.5 1.5h6.5v8h-13z"
                  fill="currentColor"
                  fillOpacity="0.18"
                  stroke="currentColor"
                  strokeWidth="1.2"
                  strokeLinejoin="round"
                />
              </svg>
              <span className="folder-name">{d.name}</span>
              {d.looksLikeProject && (
                <span className="badge plain tone-info" title={d.projectHint ? `Looks like a Python project: ${d.projectHint}` : undefined}>
                  Python project
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
