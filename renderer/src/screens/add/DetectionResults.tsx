// What Gantry found in a folder — interpreter, entry-point candidates and why — and the entry point the
// user picks (a candidate, or their own MODULE:CALLABLE).
import type { DetectionResult } from '../../api/contract';
import { scrollToEnd } from '../../components/scroll-to-end';

export interface DetectionResultsProps {
  readonly detection: DetectionResult;
  readonly entry: string;
  readonly onEntry: (entry: string) => void;
  readonly entryError?: string | undefined;
}

export function DetectionResults({ detection: d, entry, onEntry, entryError }: DetectionResultsProps) {
  const known = d.candidates.some((c) => c.app === entry);
  const verification = d.verification;
  return (
    <div className="stack detection" data-testid="detection">
      <div className="detect-line">
        <span className="detect-key">Interpreter</span>
        {d.interpreter ? (
          <span>
            <code>{d.interpreter.path}</code>
            {d.pythonVersion && <span className="muted"> · Python {d.pythonVersion}</span>}
            <span className="muted"> · {d.interpreter.reason}</span>
            {!d.interpreter.exists && <span className="field-error"> (does not exist)</span>}
          </span>
        ) : (
          <span className="field-error">No Python interpreter found.</span>
        )}
      </div>
      {d.framework && (
        <div className="detect-line">
          <span className="detect-key">Framework</span>
          <span>{d.framework}</span>
        </div>
      )}
      {d.pyproject && (
        <div className="detect-line">
          <span className="detect-key">pyproject.toml</span>
          <span>
            [tool.gantry] found: its settings{Object.keys(d.pyproject.profiles).length ? ` and profiles (${Object.keys(d.pyproject.profiles).join(', ')})` : ''} will be imported.
            {d.pyproject.errors.map((e) => (
              <span key={e} className="field-error">
                {' '}
                {e}
              </span>
            ))}
          </span>
        </div>
      )}

      <fieldset className="entry-choice">
        <legend className="field-label">Entry point</legend>
        {d.candidates.length === 0 && <p className="muted">No WSGI entry point found; type one below.</p>}
        {d.candidates.map((c) => (
          <label key={c.app} className="entry-option">
            <input type="radio" name="entry" className="checkbox" value={c.app} checked={entry === c.app} onChange={() => onEntry(c.app)} />
            <span>
              <code className="entry-app">{c.app}</code> <span className="badge plain tone-neutral">{c.framework}</span>
              <span className="entry-reason muted">{c.reason}</span>
            </span>
          </label>
        ))}
        <label className="entry-option">
          <input type="radio" name="entry" className="checkbox" checked={!known} onChange={() => onEntry('')} />
          <span className="entry-custom">
            <span>Other:</span>
            <input
              className="input input-mono"
              aria-label="Custom entry point (MODULE:CALLABLE)"
              placeholder="package.module:application"
              value={known ? '' : entry}
              aria-invalid={!!entryError}
              onFocus={() => known && onEntry('')}
              onChange={(e) => onEntry(e.target.value)}
            />
          </span>
        </label>
        {entryError && <p className="field-error">{entryError}</p>}
      </fieldset>

      {verification && (
        <div className={`alert ${verification.ok ? 'tone-ok' : 'tone-err'}`} data-testid="verification" data-ok={String(verification.ok)}>
          <div className="alert-body">
            {verification.ok ? (
              <span>
                <code>{verification.app}</code> imports cleanly ({Math.round(verification.durationMs)} ms).
              </span>
            ) : (
              <>
                <strong>
                  Importing <code>{verification.app}</code> failed:
                </strong>
                <pre className="codeblock" tabIndex={0} aria-label="Import error" ref={scrollToEnd}>
                  {verification.error}
                </pre>
              </>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
