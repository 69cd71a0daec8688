// Detection when a folder is added: interpreter, ranked entry points, [tool.gantry], and an import check of the best.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DetectionResult, PartialAppSettings } from '../../control/contract.js';
import { GantryError } from '../../errors.js';
import { readPyprojectGantry } from '../pyproject.js';
import { findEntryPoints } from './entry-points.js';
import { findInterpreters } from './interpreter.js';
import { verifyImport } from './verify.js';

export interface DetectOptions {
  /** Import the best candidate (default true). */
  readonly verify?: boolean;
  /** Use this interpreter instead of the detected one. */
  readonly python?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export async function detectProject(folderIn: string, opts: DetectOptions = {}): Promise<DetectionResult> {
  const folder = path.resolve(folderIn);
  const st = await fs.stat(folder).catch(() => null);
  if (!st?.isDirectory()) throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `${folder} is not a folder`, { field: 'folder', reason: 'not a folder' });

  const pyproject = await readPyprojectGantry(folder);
  const interpreters = await findInterpreters(folder, opts.env);
  const configured = opts.python || pyproject?.settings.python;
  const interpreter = configured
    ? { path: configured, source: 'configured' as const, reason: 'set in the app settings', exists: true }
    : (interpreters.find((c) => c.exists) ?? null);
  const { candidates, django } = await findEntryPoints(folder, pyproject?.settings.app);
  const best = candidates[0];

  let verification: DetectionResult['verification'] = null;
  let pythonVersion: string | null = null;
  if (best && interpreter && opts.verify !== false) {
    // A candidate that moves the project root (gunicorn --chdir) is imported from there.
    const where = best.settings?.chdir ? path.resolve(folder, best.settings.chdir) : folder;
    const v = await verifyImport(interpreter.path, where, best.app, best.env, opts.timeoutMs);
    pythonVersion = v.pythonVersion;
    verification = { app: v.app, python: v.python, ok: v.ok, error: v.error, durationMs: v.durationMs };
  }

  const suggested: PartialAppSettings = {};
  if (best) suggested.app = best.app;
  if (interpreter && interpreter.source !== 'system' && interpreter.source !== 'configured') suggested.python = interpreter.path;
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
  };
}
