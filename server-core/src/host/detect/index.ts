// Detection when a folder is added: interpreters, ranked entry points, [tool.gantry], and — once the folder is
// trusted — whether the best entry point imports with each interpreter (the first that does is the suggestion).
// An untrusted folder is only read: what checking it would run is listed instead.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DetectionResult, EntryCandidate, InterpreterCandidate, PartialAppSettings } from '../../control/contract.js';
import { GantryError } from '../../errors.js';
import { readPyprojectGantry } from '../pyproject.js';
import { findEntryPoints } from './entry-points.js';
import { findInterpreters } from './interpreter.js';
import { verifyImport } from './verify.js';

export interface DetectOptions {
  /** Import the best candidate (default true; only in a trusted folder). */
  readonly verify?: boolean;
  /** Use this interpreter instead of the detected one (listed first, checked too). */
  readonly python?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** The user trusts the folder: its interpreters may run and its modules be imported (default true). */
  readonly trusted?: boolean;
}

/** Import checks run side by side, a few at a time (each is a Python process importing the app). */
const PARALLEL_CHECKS = 4;

export async function detectProject(folderIn: string, opts: DetectOptions = {}): Promise<DetectionResult> {
  const folder = path.resolve(folderIn);
  const st = await fs.stat(folder).catch(() => null);
  if (!st?.isDirectory())
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `${folder} is not a folder`, { field: 'folder', reason: 'not a folder' });
  const trusted = opts.trusted !== false;

  const pyproject = await readPyprojectGantry(folder);
  const found = await findInterpreters(folder, opts.env);
  const configured = opts.python || pyproject?.settings.python;
  const configuredReason = opts.python ? 'typed in' : 'set in pyproject.toml [tool.gantry]';
  let interpreters: InterpreterCandidate[] = configured
    ? [{ path: configured, source: 'configured', reason: configuredReason, exists: true }, ...found.filter((c) => c.path !== configured)]
    : found;
  const { candidates, django } = await findEntryPoints(folder, pyproject?.settings.app);
  const best = candidates[0];

  let interpreter: InterpreterCandidate | null = interpreters.find((c) => c.exists) ?? null;
  let verification: DetectionResult['verification'] = null;
  let pythonVersion: string | null = null;
  if (best && trusted && opts.verify !== false) {
    interpreters = await checkEach(interpreters, folder, best, opts.timeoutMs);
    // The configured one stays the choice (the user said so); otherwise the first one the app imports with.
    interpreter = configured ? interpreters[0]! : (interpreters.find((c) => c.imports?.ok) ?? interpreters.find((c) => c.exists) ?? null);
    const v = interpreter?.imports;
    if (v) {
      pythonVersion = v.pythonVersion;
      verification = { app: v.app, python: v.python, ok: v.ok, error: v.error, durationMs: v.durationMs };
    }
  }

  const suggested: PartialAppSettings = {};
  if (best) suggested.app = best.app;
  if (interpreter && (interpreter.source !== 'system' || interpreter.reason !== 'python3 on PATH')) suggested.python = interpreter.path;
  if (best && Object.keys(best.env).length > 0) suggested.env = { ...best.env };
  if (best?.settings) Object.assign(suggested, best.settings);
  return {
    folder,
    interpreter,
    interpreters,
    pythonVersion,
    candidates,
    verification,
    pyproject: pyproject ? { settings: pyproject.settings, profiles: pyproject.profiles, errors: pyproject.errors } : null,
    suggested,
    framework: best?.framework ?? null,
    django,
    trust: { trusted, wouldRun: trusted ? [] : wouldRun(folder, interpreters, best, pyproject?.settings.python) },
  };
}

async function checkEach(
  list: readonly InterpreterCandidate[],
  folder: string,
  best: EntryCandidate,
  timeoutMs?: number,
): Promise<InterpreterCandidate[]> {
  // A candidate that moves the project root (gunicorn --chdir) is imported from there.
  const where = best.settings?.chdir ? path.resolve(folder, best.settings.chdir) : folder;
  const out = list.slice();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < out.length) {
      const i = next++;
      const c = out[i]!;
      if (!c.exists) continue;
      out[i] = { ...c, imports: await verifyImport(c.path, where, best.app, best.env, timeoutMs) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, out.length) }, lane));
  return out;
}

/** What checking an untrusted folder would run, in words. */
function wouldRun(
  folder: string,
  interpreters: readonly InterpreterCandidate[],
  best: EntryCandidate | undefined,
  pyprojectPython: string | undefined,
): string[] {
  const out: string[] = [];
  for (const c of interpreters) {
    if (!c.exists) continue;
    const inside = path.resolve(folder, c.path).startsWith(folder + path.sep);
    if (c.source === 'configured' && pyprojectPython) out.push(`${c.path}, the interpreter pyproject.toml names`);
    else if (inside) out.push(`${c.path}, the folder's own virtualenv interpreter`);
    else if (c.source !== 'system' && c.source !== 'pyenv') out.push(`${c.path} (${c.reason})`);
  }
  if (best) {
    const mod = best.app.split(':')[0]!;
    out.push(
      `the top level of ${best.file && best.file.endsWith('.py') ? best.file : `module ${mod}`} and everything it imports (importing ${best.app}), once with each interpreter listed`,
    );
  }
  return out;
}
