// Where the project lives, for the moment the user wants to go there: the path with a copy button (in a
// browser, Gantry cannot open anything on the machine), and in the desktop app "Show in file manager",
// "Open in terminal" and "Open in editor" through the preload. Terminal and editor get the app's id, not the
// path: main opens only a registered app's folder.
import { useState } from 'react';
import { preload } from '../api/preload';
import { useCopy } from '../hooks/use-copy';

export function ProjectFolder({ appId, folder }: { readonly appId: string; readonly folder: string }) {
  const [open, setOpen] = useState(false);
  // No clipboard access (an insecure origin, a denied permission): the path is selectable text.
  const { copied, copy, reset } = useCopy();
  const [failed, setFailed] = useState<string | null>(null);
  const bridge = preload();
  const reveal = bridge?.revealFile;
  const run = (action: (id: string) => Promise<void>) => {
    setFailed(null);
    // Main's message says why (no editor configured, no terminal installed); it is shown as is.
    action(appId).catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
  };
  return (
    <span className="project-folder">
      <button
        type="button"
        className="btn btn-sm btn-ghost"
        aria-expanded={open}
        aria-controls="project-folder-panel"
        onClick={() => (setOpen(!open), reset(), setFailed(null))}
      >
        Project folder
      </button>
      {open && (
        <span
          id="project-folder-panel"
          className="project-folder-panel card"
          role="group"
          aria-label="Project folder"
          data-testid="project-folder"
        >
          <code className="project-folder-path" data-testid="project-folder-path">
            {folder}
          </code>
          <span className="row">
            <button type="button" className="btn btn-sm" onClick={() => void copy(folder)}>
              Copy path
            </button>
            {reveal && (
              <button type="button" className="btn btn-sm" onClick={() => void reveal(folder)}>
                Show in file manager
              </button>
            )}
            {bridge?.openTerminal && (
              <button type="button" className="btn btn-sm" onClick={() => run(bridge.openTerminal!)}>
                Open in terminal
              </button>
            )}
            {bridge?.openEditor && (
              <button type="button" className="btn btn-sm" onClick={() => run(bridge.openEditor!)}>
                Open in editor
              </button>
            )}
            <span role="status" className="muted">
              {failed ?? (copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Could not copy: select the path above.' : '')}
            </span>
          </span>
        </span>
      )}
    </span>
  );
}
