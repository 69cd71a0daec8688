// `gantry ui` and `gantry apps …` as a user runs them: the built CLI, a temp GANTRY_HOME, the demo app.
import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ui } from '../helpers/gantry-ui.js';
import { GANTRY_BIN, REPO_ROOT } from '../helpers/paths.js';
import { tempDirPerTest, type TempDir } from '../helpers/tempdir.js';
import { uiScope } from '../helpers/ui-scope.js';

// New apps get ports from a range away from the 8000s other test suites use.
const env = { ...process.env, GANTRY_FIRST_PORT: String(20000 + 100 * Math.floor(Math.random() * 300)) };

function gantry(home: TempDir, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [GANTRY_BIN, ...args, '--home', home.path], { timeout: 60_000, env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('gantry ui + gantry apps', () => {
  const scope = uiScope('file');
  const tempDir = tempDirPerTest('gantry-cli-');
  let home: TempDir;
  let ui: Ui;
  let url: string;

  beforeAll(async () => {
    home = await scope.tempDir('gantry-cli-');
    ui = await scope.startUi(home.path, env);
    url = `${ui.url}/#token=${ui.token}`;
  });

  it('prints the UI URL with the token in its fragment, and the page answers to it', async () => {
    expect(ui.output()).toMatch(/Gantry UI: http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}\n/);
    const u = new URL(url);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain(u.hash.slice('#token='.length));
    const api = await fetch(new URL('/api/apps', u.origin), { headers: { authorization: `Bearer ${u.hash.slice('#token='.length)}` } });
    expect(api.status).toBe(200);
    expect((await stat(join(home.path, 'ui.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses a second gantry ui on the same config folder, and a taken --port', async () => {
    const second = await gantry(home, 'ui', '--port', '0');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already running');
    const other = await tempDir();
    const port = new URL(url).port;
    const taken = await gantry(other, 'ui', '--port', port);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('GANTRY_ERR_PORT_IN_USE');
    const bad = await gantry(other, 'ui', '--port', 'x');
    expect(bad.code).toBe(2);
  });

  it('lists, adds, starts, launches and stops apps through the running API', async () => {
    const list = await gantry(home, 'apps', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/hello-demo\s+Hello \(demo\)\s+stopped/);

    const add = await gantry(
      home,
      'apps',
      'add',
      join(REPO_ROOT, 'app', 'examples', 'hello'),
      'hello:application',
      '--id',
      'hello2',
      '--name',
      'Hello again',
      '-w',
      '2',
      '--no-detect',
      '-e',
      'X=1',
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^added hello2 \(Hello again\)/);

    const bad = await gantry(home, 'apps', 'add', home.path, '-w', 'zero');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('-w: must be a whole number');

    const show = await gantry(home, 'apps', 'show', 'hello2', '--json');
    expect(JSON.parse(show.stdout).effective.settings).toMatchObject({ workers: 1, env: { X: '1' } }); // dev profile: 1 worker
    expect(JSON.parse(show.stdout).definition.settings.workers).toBe(2);

    const start = await gantry(home, 'apps', 'start', 'hello-demo');
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/hello-demo: running at http:\/\/127\.0\.0\.1:\d+/);
    const demoUrl = /running at (\S+)/.exec(start.stdout)![1]!;
    await (await fetch(new URL('/json', demoUrl))).text();
    await (await fetch(new URL('/nope', demoUrl))).text();
    const logs = await gantry(home, 'apps', 'logs', 'hello-demo', '--status', '4xx');
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/GET\s+\/nope\s+404/);
    expect(logs.stdout).not.toContain('/json');

    const launch = await gantry(home, 'apps', 'launch', 'hello2');
    expect(launch.code, launch.stdout + launch.stderr).toBe(0);
    expect(launch.stdout).toMatch(/✓ import/);
    expect(launch.stdout).toMatch(/launched hello2 \(staging\): http:\/\/127\.0\.0\.1:\d+/);

    const running = await gantry(home, 'apps', 'list', '--json');
    expect(JSON.parse(running.stdout).map((a: any) => [a.definition.id, a.status.state, a.status.profile])).toEqual([
      ['hello-demo', 'running', 'dev'],
      ['hello2', 'running', 'staging'],
    ]);

    expect((await gantry(home, 'apps', 'stop', 'hello2')).stdout).toContain('hello2: stopped');
    const unknown = await gantry(home, 'apps', 'start', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('GANTRY_ERR_APP_UNKNOWN');
  });

  it('names the code and the field of a refusal, and says when ui.json holds a token the API refuses', async () => {
    const badId = await gantry(home, 'apps', 'add', join(REPO_ROOT, 'app', 'examples', 'hello'), '--id', 'Not An Id', '--no-detect');
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^gantry apps: error: GANTRY_ERR_INVALID_CONFIG: .*must be lowercase letters.*\(field: id\)\n$/);

    const stale = await tempDir();
    const info = JSON.parse(await readFile(join(home.path, 'ui.json'), 'utf8')) as { url: string };
    await writeFile(join(stale.path, 'ui.json'), JSON.stringify({ ...info, token: '0'.repeat(64) }));
    const refused = await gantry(stale, 'apps', 'list');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `GANTRY_ERR_UNAUTHORIZED: gantry ui at ${info.url} refused the token in ${join(stale.path, 'ui.json')}`,
    );
  });

  it('stops every app and removes its runtime file on SIGTERM', async () => {
    await ui.stop(); // SIGTERM
    expect(ui.child.exitCode).toBe(0);
    await expect(stat(join(home.path, 'ui.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    const after = await gantry(home, 'apps', 'list');
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('gantry ui is not running');
  });
});
