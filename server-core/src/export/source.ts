// Where an export's input comes from: an app of a running Host (its definition, and the worker memory Gantry has
// measured), or a project folder on its own (its [tool.gantry], filled by detection as `gantry apps add` does).
// Either way the settings are the profile's effective ones (host/effective.ts), the same the app runs with.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AppDefinition } from '../config/app-definition.js';
import { GantryError } from '../errors.js';
import { mergePartial, slugify, validateDefinition } from '../host/definitions.js';
import { detectProject } from '../host/detect/index.js';
import { hasProfile, profileNames, resolveForApp, type Resolved } from '../host/effective.js';
import { readPyprojectGantry } from '../host/pyproject.js';
import type { ExportInput } from './types.js';

/** The profile an export uses when none is named: the one `launch` checks before going live. */
export const DEFAULT_EXPORT_PROFILE = 'staging';

const PROJECT_FILES = /^(requirements.*\.txt|pyproject\.toml|poetry\.lock|Pipfile|Pipfile\.lock|manage\.py)$/;

async function projectFiles(folder: string): Promise<string[]> {
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  return names.filter((n) => PROJECT_FILES.test(n)).sort();
}

export async function buildExportInput(
  def: AppDefinition,
  profile: string,
  r: Resolved,
  workerRssBytes: number | null,
): Promise<ExportInput> {
  return {
    appId: def.id,
    name: def.name,
    folder: def.folder,
    profile,
    settings: r.settings,
    secretEnvKeys: r.secretEnvKeys,
    workerRssBytes,
    projectFiles: await projectFiles(def.folder),
  };
}

/** A folder's definition as `gantry apps add` would make it, without importing the app or picking a port. */
async function definitionFromFolder(folderIn: string): Promise<AppDefinition> {
  const folder = path.resolve(folderIn);
  const st = await fs.stat(folder).catch(() => null);
  if (!st?.isDirectory())
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `folder: ${folder} is not a folder`, { field: 'folder', reason: 'not a folder' });
  const pyproject = await readPyprojectGantry(folder);
  if (pyproject && pyproject.errors.length > 0)
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `pyproject.toml: ${pyproject.errors[0]}`, {
      field: 'tool.gantry',
      reason: pyproject.errors[0],
    });
  const detection = await detectProject(folder, { verify: false, python: pyproject?.settings.python });
  const name = pyproject?.settings.name || pyproject?.projectName || path.basename(folder);
  return validateDefinition({
    id: slugify(name),
    name,
    folder,
    settings: mergePartial(detection.suggested, pyproject?.settings),
    profiles: pyproject?.profiles ?? {},
    activeProfile: 'dev',
    secretEnvKeys: pyproject?.secretEnvKeys ?? [],
    dotenv: true,
    origin: 'pyproject',
    createdAt: 0,
    updatedAt: 0,
  });
}

export async function inputFromFolder(folder: string, profile: string): Promise<ExportInput> {
  const def = await definitionFromFolder(folder);
  if (!hasProfile(def, profile))
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `profile: no profile named ${profile} (profiles: ${profileNames(def).join(', ')})`, {
      field: 'profile',
      reason: `no profile named ${profile}`,
    });
  return buildExportInput(def, profile, await resolveForApp(def, profile), null);
}
