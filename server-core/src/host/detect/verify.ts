// Imports a candidate entry point in a short-lived Python process (project folder first on sys.path, bounded
// by a timeout) and reports the error verbatim when it fails — the traceback the user would otherwise meet at start.
import { runTool } from '../../subprocess.js';
import type { ImportVerification } from '../../control/contract.js';

// Resolves MODULE:CALLABLE the way the worker does: dotted attribute, or a factory call like create_app().
const SCRIPT = `
import sys, importlib, traceback
folder, spec = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
sys.stdout.write("GANTRY-PYTHON " + sys.version.split()[0] + "\\n"); sys.stdout.flush()
mod_name, _, attr = spec.partition(":")
attr = attr or "application"
try:
    mod = importlib.import_module(mod_name)
    if "(" in attr:
        obj = eval(attr, vars(mod))
    else:
        obj = mod
        for part in attr.split("."):
            obj = getattr(obj, part)
except SystemExit:
    raise
except BaseException:
    traceback.print_exc()
    sys.exit(4)
if not callable(obj):
    sys.stderr.write("%s:%s is not callable (got %s)\\n" % (mod_name, attr, type(obj).__name__))
    sys.exit(3)
`;

/** Kept under this name for the launch's steps (launch.ts); the helper itself is ../../subprocess.ts. */
export { runTool as run } from '../../subprocess.js';

export async function verifyImport(
  python: string,
  folder: string,
  app: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 20_000,
): Promise<ImportVerification & { pythonVersion: string | null }> {
  const started = Date.now();
  const r = await runTool(python, ['-c', SCRIPT, folder, app], { cwd: folder, env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs });
  const pythonVersion = /GANTRY-PYTHON (\S+)/.exec(r.stdout)?.[1] ?? null;
  const ok = r.code === 0 && !r.timedOut && r.error === null;
  let error: string | null = null;
  if (!ok) {
    if (r.error) error = r.error;
    else if (r.timedOut) error = `importing ${app} did not finish within ${timeoutMs} ms\n${r.stderr}`.trimEnd();
    else error = r.stderr.trimEnd() || `exited with code ${r.code}`;
  }
  return { app, python, ok, error, durationMs: Date.now() - started, pythonVersion };
}
