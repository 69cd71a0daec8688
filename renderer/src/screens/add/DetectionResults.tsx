// What Gantry found in a folder — interpreters (and whether the app imports with each), entry-point candidates
// and why — and the choices the user makes: the interpreter (one found, or a path) and the entry point (a
// candidate, or their own MODULE:CALLABLE). A folder not trusted yet is only read: the prompt says what checking
// it would run.
import { useState } from 'react';
import type { DetectionResult, InterpreterCandidate } from '../../api/contract';
import { scrollToEnd } from '../../components/scroll-to-end';

export interface DetectionResultsProps {
  readonly detection: DetectionResult;
  readonly entry: string;
  readonly onEntry: (entry: string) => void;
  readonly entryError?: string | undefined;
  /** The chosen interpreter's path. */
  readonly python: string;
  readonly onPython: (path: string) => void;
  /** Check a typed interpreter path (detect again with it). */
  readonly onCheckPython: (path: string) => void;
  /** The user trusts the folder: detect again, running what the prompt listed. */
  readonly onTrust: () => void;
  readonly busy: boolean;
}

/** The line of an import error that says what went wrong. */
function lastLine(text: string | null): string {
  const lines = (text ?? '').trimEnd().split('\n');
  return lines[lines.length - 1]?.trim() ?? '';
}

export function DetectionResults({
  detection: d,
  entry,
  onEntry,
  entryError,
  python,
  onPython,
  onCheckPython,
  onTrust,
  busy,
}: DetectionResultsProps) {
  const known = d.candidates.some((c) => c.app === entry);
  const chosen = d.interpreters.find((c) => c.path === python);
  const verification = chosen?.imports ?? (d.verification && d.verification.python === python ? d.verification : null);
  const [typed, setTyped] = useState(chosen ? '' : python);
  return (
    <div className="stack detection" data-testid="detection">
      {!d.trust.trusted && (
        <div className="alert tone-warn trust-prompt" data-testid="trust-prompt" role="group" aria-labelledby="trust-title">
          <div className="alert-body stack">
            <strong id="trust-title">Gantry has not run anything from this folder yet.</strong>
            <span>Checking which interpreter the app imports with runs code from it:</span>
            <ul className="trust-list">
              {d.trust.wouldRun.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
            <span className="row">
              <button type="button" className="btn btn-primary btn-sm" onClick={onTrust} disabled={busy}>
                Trust this folder and check
              </button>
              <span className="muted">Only if you trust where it came from. Gantry remembers your answer.</span>
            </span>
          </div>
        </div>
      )}
      <fieldset className="entry-choice interpreter-choice" data-testid="interpreters">
        <legend className="field-label">Interpreter</legend>
        {d.interpreters.length === 0 && <p className="field-error">No Python interpreter found; type a path below.</p>}
        {byOutcome(d.interpreters).map((c) => (
          <label
            key={c.path}
            className="entry-option"
            data-interpreter={c.path}
            data-imports={c.imports ? String(c.imports.ok) : 'unchecked'}
          >
            <input
              type="radio"
              name="python"
              className="checkbox"
              value={c.path}
              checked={python === c.path}
              onChange={() => onPython(c.path)}
              disabled={!c.exists}
            />
            <span>
              <code className="entry-app">{c.path}</code>
              {c.imports?.pythonVersion && <span className="muted"> · Python {c.imports.pythonVersion}</span>} <ImportBadge c={c} />
              <span className="entry-reason muted">
                {c.reason}
                {!c.exists && <span className="field-error"> (does not exist)</span>}
                {c.imports && !c.imports.ok && <span className="import-why"> — {lastLine(c.imports.error)}</span>}
              </span>
            </span>
          </label>
        ))}
        <label className="entry-option">
          <input
            type="radio"
            name="python"
            className="checkbox"
            checked={!chosen && python !== ''}
            onChange={() => typed && onPython(typed)}
          />
          <span className="entry-custom">
            <span>Path:</span>
            <input
              className="input input-mono"
              aria-label="Interpreter path"
              placeholder="/path/to/python3"
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
                if (e.target.value) onPython(e.target.value);
              }}
            />
            {d.trust.trusted && (
              <button type="button" className="btn btn-sm" disabled={!typed.trim() || busy} onClick={() => onCheckPython(typed.trim())}>
                Check
              </button>
            )}
          </span>
        </label>
      </fieldset>
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
            [tool.gantry] found: its settings
            {Object.keys(d.pyproject.profiles).length ? ` and profiles (${Object.keys(d.pyproject.profiles).join(', ')})` : ''} will be
            imported.
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

      {verification && d.trust.trusted && (
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

function ImportBadge({ c }: { readonly c: InterpreterCandidate }) {
  if (!c.imports) return <span className="badge plain tone-neutral">not checked</span>;
  return c.imports.ok ? (
    <span className="badge plain tone-ok">imports the app</span>
  ) : (
    <span className="badge plain tone-err">does not import it</span>
  );
}

/** The ones the app imports with first, then the unchecked, then those it does not import with (found order kept). */
function byOutcome(list: readonly InterpreterCandidate[]): InterpreterCandidate[] {
  const rank = (c: InterpreterCandidate) => (!c.exists ? 3 : !c.imports ? 1 : c.imports.ok ? 0 : 2);
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map((x) => x.c);
}
