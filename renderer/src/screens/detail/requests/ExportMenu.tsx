// "Export ▾" in the Requests toolbar: the rows the table shows (after its filters) as NDJSON, CSV or HAR 1.2. HAR needs headers, which
// lists do not carry: it reads the same requests again with `headers=1` and keeps those that still hold them.
import { useState } from 'react';
import { Popover } from '../../../components/Popover';
import { useApi } from '../../../app/api-context';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import type { AccessEntry, AccessQuery, AccessRecord } from '../../../api/contract';
import { toCsv, toHar, toNdjson } from '../../../state/request-export';
import { download } from '../export/zip-files';

export interface ExportMenuProps {
  readonly appId: string;
  readonly rows: readonly AccessRecord[];
  readonly serverFilter: Omit<AccessQuery, 'before' | 'after' | 'limit' | 'headers'>;
  readonly baseUrl: string | null;
}

export function ExportMenu({ appId, rows, serverFilter, baseUrl }: ExportMenuProps) {
  const client = useApi();
  const [note, setNote] = useState('');
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
  const name = (ext: string) => `${appId}-requests-${stamp()}.${ext}`;

  const har = async () => {
    setNote('Reading headers…');
    try {
      const wanted = new Set(rows.map((r) => r.requestId));
      const found = new Map<string, AccessEntry>();
      let before: number | undefined;
      // Newest first, page by page, until every wanted request is found or the server's history ends.
      for (;;) {
        const page = await client.call('access', {
          params: { id: appId },
          query: { ...serverFilter, headers: '1', limit: 5000, ...(before !== undefined ? { before } : {}) },
        });
        for (const e of page.items) if (wanted.has(e.requestId)) found.set(e.requestId, e);
        if (page.nextBefore === null || found.size === wanted.size) break;
        before = page.nextBefore;
      }
      const entries = rows.map((r) => found.get(r.requestId) ?? r);
      const { version } = await client.call('health', {});
      const { har: log, included, skipped } = toHar(entries, baseUrl ?? 'http://127.0.0.1/', version);
      download(name('har'), JSON.stringify(log, null, 2), 'application/json');
      setNote(
        `HAR: ${included.toLocaleString()} requests${skipped ? `; ${skipped.toLocaleString()} left out (headers no longer kept)` : ''}.`,
      );
    } catch (e) {
      setNote(`Could not export: ${errorMessage(e)}`);
    }
  };

  return (
    <Popover id="req-export-panel" label="Export" panelLabel="Export the rows shown" align="start" testId="export-button">
      {() => (
        <div className="req-export">
          <p className="faint">
            {rows.length === 0
              ? 'No row is shown: nothing to export.'
              : `The ${rows.length === 1 ? 'row' : `${rows.length.toLocaleString()} rows`} shown, as:`}
          </p>
          <div className="row">
            <button
              type="button"
              className="btn btn-sm"
              disabled={rows.length === 0}
              data-testid="export-ndjson"
              onClick={() => (download(name('ndjson'), toNdjson(rows), 'application/x-ndjson'), setNote(''))}
            >
              NDJSON
            </button>
            <button
              type="button"
              className="btn btn-sm"
              disabled={rows.length === 0}
              data-testid="export-csv"
              onClick={() => (download(name('csv'), toCsv(rows), 'text/csv'), setNote(''))}
            >
              CSV
            </button>
            <button type="button" className="btn btn-sm" disabled={rows.length === 0} data-testid="export-har" onClick={() => void har()}>
              HAR
            </button>
          </div>
          {note && (
            <p className="faint" role="status" data-testid="export-note">
              {note}
            </p>
          )}
        </div>
      )}
    </Popover>
  );
}
