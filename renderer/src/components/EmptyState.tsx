// The first thing a new user sees: what Gantry does, and the two ways to get going (their folder, or the demo).
export function EmptyState({
  onAddDemo,
  busy,
  error,
}: {
  readonly onAddDemo: () => void;
  readonly busy: boolean;
  readonly error: string | null;
}) {
  return (
    <section className="empty card" aria-labelledby="empty-title" data-testid="empty-state">
      <svg className="empty-art" width="56" height="56" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M3 20V8l9-5 9 5v12" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
        <path d="M7 20v-7h10v7M7 16h10" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <h2 id="empty-title">Host your first Python web app</h2>
      <p>
        Point Gantry at a project folder with a WSGI app (Flask, Django, or any <code>MODULE:CALLABLE</code>). It finds the virtualenv and
        the entry point, runs it on a port with as many workers as you like, and shows every request live.
      </p>
      <ol className="empty-steps">
        <li>Add a folder, check what Gantry detected, pick a port.</li>
        <li>Press Start; open the URL.</li>
        <li>Watch requests, output and workers in the app&apos;s tabs.</li>
      </ol>
      <div className="row-wrap">
        <a className="btn btn-primary" href="#/add">
          Add a folder
        </a>
        <button type="button" className="btn" onClick={onAddDemo} disabled={busy}>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          Try the demo app
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
