// requireTool: a test that needs an external program (nginx, gunicorn, wrk...) says so up front.
// Missing on CI (CI=true) is a failure, never a silent skip; missing on a laptop skips loudly.
import { findOnPath } from '../../src/which.js';

export interface ToolCheck {
  /** Absolute path of the tool, or null when it is missing (only possible outside CI). */
  readonly path: string | null;
  /** Why the tests that need it are skipped; empty when the tool is there. */
  readonly skipReason: string;
}

/** PATH, then sbin: nginx and friends live there, and a non-root PATH may lack it. */
const which = (name: string): string | null => findOnPath(name, process.env, ['/usr/sbin', '/sbin']);

/**
 * Looks a tool up by name or absolute path. On CI a missing tool throws (the test file fails and
 * says what to install); elsewhere it returns path null and a reason, and prints the reason loudly,
 * so the caller can `describe.skipIf(!tool.path)`.
 */
export function requireTool(name: string, hint = ''): ToolCheck {
  const path = which(name);
  if (path) return { path, skipReason: '' };
  const reason = `required tool "${name}" not found${hint ? ` (${hint})` : ''}`;
  if (process.env.CI === 'true') {
    throw new Error(`${reason}; CI must install it (see .ci/run)`);
  }
  process.stderr.write(`\n*** SKIPPING: ${reason}. These tests did NOT run. ***\n\n`);
  return { path: null, skipReason: reason };
}

/** Requires a Python module importable by the given interpreter (e.g. flask under /usr/bin/python3). */
export async function requirePythonModule(python: string, module: string, hint = ''): Promise<ToolCheck> {
  const tool = requireTool(python, hint);
  if (!tool.path) return tool;
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(tool.path, ['-c', `import ${module}`], { stdio: 'ignore' });
  if (r.status === 0) return tool;
  const reason = `Python module "${module}" not importable by ${python}${hint ? ` (${hint})` : ''}`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must install it (see .ci/run)`);
  process.stderr.write(`\n*** SKIPPING: ${reason}. These tests did NOT run. ***\n\n`);
  return { path: null, skipReason: reason };
}
