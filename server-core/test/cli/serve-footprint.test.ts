// What `gantry serve` loads: not zod (~12 MB of resident memory, docs/performance.md "Memory"), not the
// control plane, not what only optional features need (file watching, the metrics listener). The modules are
// logged by a loader hook (fixtures/log-modules.mjs) while the CLI serves a request.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_CORE_DIR } from '../helpers/paths.js';
import { gantryServeArgv } from '../helpers/gantry.js';
import { startProcess, type StartedProcess } from '../helpers/process.js';
import { cliScope } from '../helpers/cli-scope.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS } from '../runtime/harness.js';

const HOOK = join(SERVER_CORE_DIR, 'test', 'fixtures', 'log-modules.mjs');

const s = cliScope();

async function loadedBy(args: string[]): Promise<string[]> {
  s.tmp = await makeTempDir();
  const log = join(s.tmp.path, 'modules.log');
  s.proc = await startProcess({
    name: 'gantry',
    command: process.execPath,
    args: ['--import', HOOK, ...gantryServeArgv({ chdir: FIXTURE_APPS, python: 'python3', args, app: 'basic:application' })],
    env: { ...process.env, GANTRY_TEST_MODULE_LOG: log },
    ready: /Listening at: http:\/\/127\.0\.0\.1:(\d+)/,
    timeoutMs: 30_000,
  });
  expect((await fetchRaw(`http://127.0.0.1:${s.proc.ready[1]}/`)).status).toBe(200);
  s.proc.child.kill('SIGTERM');
  expect((await s.proc.exited).code).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const packageOf = (url: string): string | null => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? null;

const runtimeImports = (src: string): string[] =>
  [...src.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('gantry serve footprint', () => {
  it('no module a gateway process loads imports zod or config/settings.ts at run time (types are fine)', () => {
    const src = join(SERVER_CORE_DIR, 'src');
    const dirs = ['cli', 'config', 'errors.ts', 'fastcgi', 'gateway', 'logging', 'metrics', 'runtime', 'supervisor'];
    const files = dirs.flatMap((d) =>
      d.endsWith('.ts')
        ? [join(src, d)]
        : readdirSync(join(src, d), { recursive: true, encoding: 'utf8' })
            .filter((f) => f.endsWith('.ts'))
            .map((f) => join(src, d, f)),
    );
    // The subcommands that are the control plane, and the control plane's modules in config/: the one that adds zod to
    // the table, and the on-disk app definition format the Host reads (the next test checks serve never loads them).
    const exempt = new Set(['cli/ui.ts', 'cli/apps.ts', 'config/settings.ts', 'config/app-definition.ts']);
    const offenders = files
      .filter((f) => !exempt.has(relative(src, f)))
      .flatMap((f) =>
        runtimeImports(readFileSync(f, 'utf8'))
          .filter((i) => i === 'zod' || i.startsWith('zod/') || /(^|\/)config\/settings\.js$|^\.\/settings\.js$/.test(i))
          .map((i) => `${relative(src, f)}: ${i}`),
      );
    expect(files.length).toBeGreaterThan(40);
    expect(offenders).toEqual([]);
  });

  it('loads no package (zod, fastify, execa, chokidar) and nothing of the control plane', async () => {
    const urls = await loadedBy(['-w', '2']);
    expect(
      urls.some((u) => u.endsWith('/dist/cli/serve.js')),
      'the hook saw the CLI',
    ).toBe(true);
    expect(urls.some((u) => u.endsWith('/dist/config/settings-table.js'))).toBe(true);
    expect([...new Set(urls.map(packageOf).filter((p) => p !== null))]).toEqual([]);
    const ours = urls.map((u) => /\/dist\/(.*)\.js$/.exec(u)?.[1]).filter((p): p is string => p !== undefined);
    expect(
      ours.filter((p) =>
        /^(control|host|docs)\/|^config\/(settings|app-definition)$|^supervisor\/file-watcher$|^gateway\/metrics-server$/.test(p),
      ),
    ).toEqual([]);
  });

  it('with --gateway-processes 2, neither the primary nor the gateway processes load zod', async () => {
    const urls = await loadedBy(['-w', '2', '--gateway-processes', '2']);
    expect(
      urls.some((u) => u.endsWith('/dist/runtime/shard-main.js')),
      'the hook saw a gateway process',
    ).toBe(true);
    expect([...new Set(urls.map(packageOf).filter((p) => p !== null))]).toEqual([]);
  });

  it('loads the metrics listener only with --metrics-bind, still without zod', async () => {
    const urls = await loadedBy(['--metrics-bind', '127.0.0.1:0']);
    expect(urls.some((u) => u.endsWith('/dist/gateway/metrics-server.js'))).toBe(true);
    expect(urls.filter((u) => packageOf(u) === 'zod')).toEqual([]);
  });
});
