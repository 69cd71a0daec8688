// The contract is bundled into the browser: it may import zod, the settings table and the config format at run time,
// nothing else.
// Every route it declares is documented in docs/control-api.md and served by the control API.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPath, buildQuery, ROUTES, accessQuerySchema, addAppBodySchema } from '../../src/control/contract.js';
import { REPO_ROOT, SERVER_CORE_DIR } from '../helpers/paths.js';
import { harnessScope } from './api-client.js';

const runtimeImports = (src: string): string[] =>
  [...src.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('contract', () => {
  it('imports only zod, the settings table, the app definition, the access and output column codecs and the rate window at run time (browser-safe)', async () => {
    const contract = await readFile(join(SERVER_CORE_DIR, 'src/control/contract.ts'), 'utf8');
    expect(new Set(runtimeImports(contract))).toEqual(
      new Set([
        'zod',
        '../config/settings.js',
        '../config/app-definition.js',
        './access-columns.js',
        './output-columns.js',
        '../metrics/rate-window.js',
      ]),
    );
    // The rate window is a constant with no imports of its own (gantry serve reads it without the contract).
    expect(runtimeImports(await readFile(join(SERVER_CORE_DIR, 'src/metrics/rate-window.ts'), 'utf8'))).toEqual([]);
    const definitions = await readFile(join(SERVER_CORE_DIR, 'src/config/app-definition.ts'), 'utf8');
    expect(new Set(runtimeImports(definitions))).toEqual(new Set(['zod', './settings.js']));
    const settings = await readFile(join(SERVER_CORE_DIR, 'src/config/settings.ts'), 'utf8');
    expect(new Set(runtimeImports(settings))).toEqual(new Set(['zod', './settings-table.js']));
    // The table is what `gantry serve` loads: no zod, and nothing that needs node.
    const table = await readFile(join(SERVER_CORE_DIR, 'src/config/settings-table.ts'), 'utf8');
    expect(new Set(runtimeImports(table))).toEqual(new Set(['../errors.js', './rules.js']));
    for (const file of ['src/config/rules.ts', 'src/errors.ts', 'src/control/access-columns.ts', 'src/control/output-columns.ts'])
      expect(runtimeImports(await readFile(join(SERVER_CORE_DIR, file), 'utf8')), file).toEqual([]);
  });

  it('the client, its error and the SSE parser import only each other and the contract at run time (browser-safe)', async () => {
    const neutral = new Set(['./contract.js', './api-error.js', './sse-parser.js']);
    for (const file of ['client', 'api-error', 'sse-parser']) {
      const src = await readFile(join(SERVER_CORE_DIR, `src/control/${file}.ts`), 'utf8');
      for (const spec of runtimeImports(src)) expect(neutral, `${file}.ts imports ${spec}`).toContain(spec);
    }
  });

  it('every route is in the docs route table', async () => {
    const doc = await readFile(join(REPO_ROOT, 'docs/control-api.md'), 'utf8');
    for (const r of Object.values(ROUTES)) expect(doc, r.path).toContain(`| ${r.method} | \`${r.path}\``);
  });

  it('builds paths and queries the way the server reads them', () => {
    expect(buildPath(ROUTES.restartWorker.path, { id: 'my-app', workerId: 3 })).toBe('/api/apps/my-app/workers/3/restart');
    expect(buildPath(ROUTES.request.path, { id: 'a', requestId: 'x/y' })).toBe('/api/apps/a/requests/x%2Fy');
    const q = buildQuery({ status: ['4xx', '5xx'], path: 'a b', limit: 5, method: undefined });
    expect(q).toBe('?status=4xx%2C5xx&path=a%20b&limit=5');
    expect(accessQuerySchema.parse(Object.fromEntries(new URLSearchParams(q.slice(1))))).toEqual({
      status: ['4xx', '5xx'],
      path: 'a b',
      limit: 5,
    });
    expect(addAppBodySchema.safeParse({ folder: '/x', settings: { workers: 2 } }).success).toBe(true);
  });
});

describe('every contract route is served', () => {
  const h = harnessScope();

  it('health names the versions and the config folder', async () => {
    const r = await h.api('GET', '/api/health');
    expect(r.body).toMatchObject({ ok: true, contractVersion: 1, pid: process.pid, home: h.home.path });
    expect(r.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('no route answers 404 "no route"', async () => {
    for (const [name, r] of Object.entries(ROUTES)) {
      if (name === 'stream') continue; // long-lived; covered by sse.test.ts
      const path = r.path.replace(':workerId', '1').replace(/:[A-Za-z]+/g, 'x');
      const res = await h.client.send(r.method, path, r.method === 'GET' || r.method === 'DELETE' ? {} : { json: {} });
      expect(JSON.stringify(res.body), `${r.method} ${path}`).not.toContain('no route');
    }
  });
});
