// The Export tab: a profile rendered as files a server runs (systemd + nginx, Dockerfile, Compose,
// Kubernetes). Pick a target, a profile and the server on the command line; every file is previewed as it
// will be written; download one, all (zip), or write them into the project's deploy/TARGET/ folder.
import { useEffect, useState } from 'react';
import { useApi } from '../../../app/api-context';
import { errorMessage } from '../../../../../server-core/src/control/api-error';
import { EXPORT_TARGETS, type AppSummary, type ExportResult, type ExportTarget } from '../../../api/contract';
import { download, zipFiles } from './zip-files';
import './export.css';

const TARGET_LABELS: Record<ExportTarget, string> = {
  systemd: 'systemd unit',
  nginx: 'nginx site',
  compose: 'Docker Compose',
  kubernetes: 'Kubernetes',
  dockerfile: 'Dockerfile',
};

export function ExportTab({ app }: { readonly app: AppSummary }) {
  const client = useApi();
  const id = app.definition.id;
  const [target, setTarget] = useState<ExportTarget>('systemd');
  const [profile, setProfile] = useState(app.profiles.includes('staging') ? 'staging' : app.definition.activeProfile);
  const [server, setServer] = useState<'gantry' | 'gunicorn'>('gantry');
  const [result, setResult] = useState<ExportResult | null>(null);
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [written, setWritten] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    setError(null);
    setWritten(null);
    client
      .call('exportApp', { params: { id }, body: { target, profile, server }, signal: ac.signal })
      .then((r) => {
        setResult(r);
        setSelected(0);
      })
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setError(errorMessage(e));
      });
    return () => ac.abort();
  }, [client, id, target, profile, server]);

  const write = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await client.call('exportApp', { params: { id }, body: { target, profile, server, write: true } });
      setWritten(r.writtenTo);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const file = result?.files[selected] ?? null;
  const folder = `${id}-${target}`;
  return (
    <div className="export-tab" data-export-state={result ? 'ready' : error ? 'error' : 'loading'}>
      <div className="tab-toolbar export-toolbar" role="toolbar" aria-label="Export choices">
        <label className="field">
          <span className="field-label">Target</span>
          <select className="select" aria-label="Export target" value={target} onChange={(e) => setTarget(e.target.value as ExportTarget)}>
            {EXPORT_TARGETS.map((t) => (
              <option key={t} value={t}>
                {TARGET_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Profile</span>
          <select className="select" aria-label="Export profile" value={profile} onChange={(e) => setProfile(e.target.value)}>
            {app.profiles.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Command line</span>
          <select
            className="select"
            aria-label="Export command line"
            value={server}
            onChange={(e) => setServer(e.target.value as 'gantry' | 'gunicorn')}
          >
            <option value="gantry">gantry serve</option>
            <option value="gunicorn">gunicorn</option>
          </select>
        </label>
        <span className="toolbar-sep" aria-hidden="true" />
        <div className="btn-group">
          <button
            type="button"
            className="btn"
            disabled={!file}
            onClick={() => file && download(file.path.split('/').at(-1)!, file.content, 'text/plain')}
          >
            Download file
          </button>
          <button
            type="button"
            className="btn"
            disabled={!result}
            onClick={() => result && download(`${folder}.zip`, zipFiles(folder, result.files), 'application/zip')}
          >
            Download all (.zip)
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!result || busy}
            onClick={() => void write()}
            title={`Write the files into ${app.definition.folder}/deploy/${target}/`}
          >
            {busy && <span className="spinner" aria-hidden="true" />}Write to deploy/{target}/
          </button>
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {written && (
        <p className="field-ok" role="status">
          Written to {written}
        </p>
      )}
      {result && result.notes.length > 0 && (
        <ul className="export-notes" aria-label="Notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {result && (
        <div className="export-body">
          <ul className="export-files" role="listbox" aria-label="Files">
            {result.files.map((f, i) => (
              <li key={f.path} role="option" aria-selected={i === selected}>
                <button type="button" className="export-file" onClick={() => setSelected(i)}>
                  <span className="export-file-path">{f.path}</span>
                  <span className="muted export-file-summary">{f.summary}</span>
                </button>
              </li>
            ))}
          </ul>
          {file && (
            <pre className="codeblock export-preview" aria-label={`Preview of ${file.path}`} data-file={file.path}>
              {file.content}
            </pre>
          )}
        </div>
      )}
    </div>
  );
}
