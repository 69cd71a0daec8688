// [tool.gantry]: read (kebab- or camelCase keys, profiles), and "save to project" keeping the rest of the file.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { beforeEach, describe, expect, it } from 'vitest';
import { readPyprojectGantry, writePyprojectGantry } from '../../src/host/pyproject.js';
import { SERVER_CORE_DIR } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';

const t = tempDirScope();
beforeEach(async () => {
  await cp(resolve(SERVER_CORE_DIR, 'test/fixtures/detect/pyproject'), t.path, { recursive: true });
});

describe('pyproject [tool.gantry]', () => {
  it('reads settings (kebab-case accepted), env and profiles, and the project name', async () => {
    const r = await readPyprojectGantry(t.path);
    expect(r).toMatchObject({
      projectName: 'tomlsite',
      settings: { app: 'site_app:application', workers: 2, maxRequests: 500, env: { GREETING: 'from pyproject' } },
      profiles: { staging: { workers: 3 } },
      errors: [],
    });
  });

  it('reports invalid keys instead of importing them', async () => {
    await writeFile(join(t.path, 'pyproject.toml'), '[tool.gantry]\nworkers = 0\nnope = 1\napp = "ok:app"\n');
    const r = await readPyprojectGantry(t.path);
    expect(r!.settings).toEqual({ app: 'ok:app' });
    expect(r!.errors).toHaveLength(2);
    expect(r!.errors[0]).toMatch(/^tool\.gantry\.workers:/);
  });

  it('writes back only the [tool.gantry] sections, keeping other content and comments', async () => {
    const res = await writePyprojectGantry(t.path, {
      settings: { app: 'site_app:application', workers: 5, env: { A: '1' } },
      profiles: { dev: { reload: true } },
    });
    expect(res.commentsPreserved).toBe(true);
    const text = await readFile(join(t.path, 'pyproject.toml'), 'utf8');
    expect(text).toContain('# A project that carries its Gantry settings.');
    expect(text).toContain('line-length = 100  # keep this comment');
    expect(text).not.toContain('max-requests'); // the old section is replaced whole
    const doc = parse(text) as any;
    expect(doc.tool.gantry).toEqual({ app: 'site_app:application', workers: 5, env: { A: '1' }, profiles: { dev: { reload: true } } });
    expect(doc.project.name).toBe('tomlsite');
    expect(await readPyprojectGantry(t.path)).toMatchObject({ settings: { workers: 5 }, profiles: { dev: { reload: true } } });
  });

  it('re-serialises the whole file (and says so) when tool.gantry is an inline table', async () => {
    await writeFile(join(t.path, 'pyproject.toml'), '# gone\n[tool]\ngantry = { app = "x:y" }\n');
    const res = await writePyprojectGantry(t.path, { settings: { app: 'a:b' } });
    expect(res.commentsPreserved).toBe(false);
    expect((parse(await readFile(join(t.path, 'pyproject.toml'), 'utf8')) as any).tool.gantry).toEqual({ app: 'a:b' });
  });
});
