// A config save that cannot be written (a full disk; here a file-size limit makes the write fail with EFBIG the
// same way) through a real `gantry ui`: the API answers GANTRY_ERR_CONFIG_WRITE naming the file and the cause —
// an expected failure, not a 500 bug with a stack —, nothing changes (in memory or on disk), and the next save
// that fits works.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import { uiScope } from '../helpers/ui-scope.js';

const s = uiScope();

describe('a config save that cannot be written', () => {
  it('is GANTRY_ERR_CONFIG_WRITE, changes nothing, and the next save that fits works', async () => {
    const home = await s.tempDir('gantry-cfgw-');
    // 64 KiB: the token, lock and a few small apps fit; a definition with a 100 KB env value does not.
    const ui = await s.startUi(home.path, process.env, { fileSizeLimit: 64 * 1024 });
    const folder = join(home.path);
    const add = await ui.api('POST', '/api/apps', {
      folder,
      id: 'site',
      detect: false,
      settings: { app: 'app:application', python: SYSTEM_PYTHON, bind: ['127.0.0.1:24250'] },
    });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const saved = await readFile(join(home.path, 'apps.json'), 'utf8');

    const big = await ui.api('PATCH', '/api/apps/site', {
      settings: { app: 'app:application', python: SYSTEM_PYTHON, bind: ['127.0.0.1:24250'], env: { BIG: 'x'.repeat(100_000) } },
    });
    expect(big.status, JSON.stringify(big.body).slice(0, 500)).toBe(507);
    expect(big.body.code).toBe('GANTRY_ERR_CONFIG_WRITE');
    expect(big.body.message).toMatch(/apps\.json/);
    expect(big.body.details).toMatchObject({ file: join(home.path, 'apps.json'), cause: 'EFBIG' });
    expect(big.body.stack).toBeUndefined();
    expect(ui.output()).not.toMatch(/internal error/);
    const added = await ui.api('POST', '/api/apps', {
      folder,
      id: 'other',
      detect: false,
      settings: { app: 'app:application', bind: ['127.0.0.1:24251'], env: { BIG: 'y'.repeat(100_000) } },
    });
    expect(added.body.code).toBe('GANTRY_ERR_CONFIG_WRITE');

    // Nothing changed: not in memory, not on disk, and no temporary file is left behind.
    expect((await ui.api('GET', '/api/apps/site')).body.definition.settings.env?.BIG).toBeUndefined();
    expect((await ui.api('GET', '/api/apps')).body.apps.map((a: { definition: { id: string } }) => a.definition.id)).not.toContain('other');
    expect(await readFile(join(home.path, 'apps.json'), 'utf8')).toBe(saved);
    expect((await readdir(home.path)).filter((f) => f.includes('.tmp'))).toEqual([]);

    const small = await ui.api('PATCH', '/api/apps/site', { name: 'Site renamed' });
    expect(small.status, JSON.stringify(small.body)).toBe(200);
    expect(JSON.parse(await readFile(join(home.path, 'apps.json'), 'utf8')).apps.find((a: { id: string }) => a.id === 'site').name).toBe(
      'Site renamed',
    );
  }, 60_000);
});
