// A new app's definition from an add request: the folder's [tool.gantry] and detection fill what the request
// leaves out (the request wins), an id from the name, and a port of its own when none is given.
import fs from 'node:fs/promises';
import path from 'node:path';
import { addAppBodySchema, type AddAppBody, type DetectionResult, type Notice } from '../control/contract.js';
import type { AppDefinition } from '../config/app-definition.js';
import { GantryError } from '../errors.js';
import { checkPortClaims, claimedPorts, invalid, mergePartial, slugify, uniqueId, validateDefinition } from './definitions.js';
import { detectProject } from './detect/index.js';
import { nextFreePort } from './ports.js';
import { readPyprojectGantry } from './pyproject.js';

/** Where ports for new apps start: 8000, or GANTRY_FIRST_PORT (tests and CI use a quieter range). */
function firstPort(): number {
  const v = Number(process.env.GANTRY_FIRST_PORT);
  return Number.isInteger(v) && v > 0 && v < 65000 ? v : 8000;
}

export interface NewApp {
  readonly def: AppDefinition;
  readonly detection: DetectionResult | null;
  readonly notices: Notice[];
}

export async function buildNewApp(input: AddAppBody, origin: AppDefinition['origin'], existing: readonly AppDefinition[]): Promise<NewApp> {
  const parsed = addAppBodySchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const body = parsed.data;
  const folder = path.resolve(body.folder);
  const st = await fs.stat(folder).catch(() => null);
  if (!st?.isDirectory())
    throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `folder: ${folder} is not a folder`, { field: 'folder', reason: 'not a folder' });

  const pyproject = body.importPyproject === false ? null : await readPyprojectGantry(folder);
  const detection =
    body.detect === false
      ? null
      : await detectProject(folder, { verify: true, python: body.settings?.python ?? pyproject?.settings.python });
  const notices: Notice[] = (pyproject?.errors ?? []).map((e) => ({
    code: 'GANTRY_ERR_INVALID_CONFIG',
    message: `pyproject.toml ignored: ${e}`,
    time: Date.now(),
  }));

  // Names are unique too: they label the app in logs and Prometheus series. A chosen name that is taken is an
  // error; a derived one (folder, project name) gets a number.
  const names = new Set(existing.map((d) => d.name.toLowerCase()));
  if (body.name && names.has(body.name.toLowerCase()))
    throw new GantryError('GANTRY_ERR_APP_EXISTS', `an app named "${body.name}" exists`, { field: 'name', reason: 'taken' });
  let name = body.name ?? pyproject?.settings.name ?? pyproject?.projectName ?? path.basename(folder);
  for (let i = 2; names.has(name.toLowerCase()); i++)
    name = `${body.name ?? pyproject?.settings.name ?? pyproject?.projectName ?? path.basename(folder)} (${i})`;
  const taken = new Set(existing.map((d) => d.id));
  if (body.id && taken.has(body.id))
    throw new GantryError('GANTRY_ERR_APP_EXISTS', `an app with id ${body.id} exists`, { field: 'id', reason: 'taken' });
  const now = Date.now();
  const def: AppDefinition = {
    id: body.id ?? uniqueId(slugify(name), taken),
    name,
    folder,
    settings: mergePartial(detection?.suggested, pyproject?.settings, body.settings),
    profiles: { ...(pyproject?.profiles ?? {}), ...(body.profiles ?? {}) },
    activeProfile: body.activeProfile ?? 'dev',
    secretEnvKeys: body.secretEnvKeys ?? pyproject?.secretEnvKeys ?? [],
    dotenv: body.dotenv ?? true,
    origin: pyproject && origin === 'user' ? 'pyproject' : origin,
    createdAt: now,
    updatedAt: now,
  };
  // No bind anywhere: give the app its own free port rather than everyone's default 8000.
  if (!def.settings.bind && !Object.values(def.profiles).some((p) => p.bind)) {
    const first = firstPort();
    const port = (await nextFreePort('127.0.0.1', first - 1, new Set(claimedPorts(existing).keys()))) ?? first;
    def.settings = { ...def.settings, bind: [`127.0.0.1:${port}`] };
  }
  const valid = validateDefinition(def);
  checkPortClaims(valid, existing);
  return { def: valid, detection, notices };
}
