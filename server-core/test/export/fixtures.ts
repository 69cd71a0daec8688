// Export test inputs: the demo app and the fixture projects (Flask factory, Django with static files),
// copied to a temp folder when a test needs to change them or run them.
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputFromFolder } from '../../src/export/source.js';
import type { ExportInput } from '../../src/export/types.js';
import { DEMO_APP, FIXTURE_PROJECTS } from '../helpers/paths.js';

export const FLASK_FACTORY = join(FIXTURE_PROJECTS, 'flaskfactory');
export const DJANGO_STATIC = join(FIXTURE_PROJECTS, 'djangostatic');
export const ALL_PROJECTS = { demo: DEMO_APP, flask: FLASK_FACTORY, django: DJANGO_STATIC } as const;

export function exportInput(folder: string, profile = 'staging'): Promise<ExportInput> {
  return inputFromFolder(folder, profile);
}

/** A copy of a fixture project under `dir`, with `extraToml` appended to its pyproject.toml. */
export async function copyProject(from: string, dir: string, extraToml = ''): Promise<string> {
  const to = join(dir, 'project');
  await cp(from, to, { recursive: true, filter: (src) => !src.includes('__pycache__') && !src.endsWith('staticfiles') });
  if (extraToml !== '') {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(join(to, 'pyproject.toml'), 'utf8');
    await writeFile(join(to, 'pyproject.toml'), `${text}\n${extraToml}\n`);
  }
  return to;
}
