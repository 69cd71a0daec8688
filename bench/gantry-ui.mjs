// Starts a real `gantry ui --port 0 --home HOME` for a bench and resolves with its printed URL, the token (printed in
// the fragment, `#token=…`, so no server ever receives it) and the control API's typed client (needs the build).
// BENCH_NODE_ARGS (space-separated) go to its node, e.g. `BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'` to
// see where the Host's CPU goes; its output is appended to BENCH_CHILD_LOG when set (`--trace-gc`). GANTRY_BIN runs
// another build's bin/gantry.js (a before/after comparison in one sitting).
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiClient } from '../server-core/dist/control/client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function startGantryUi(home) {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      process.env.GANTRY_BIN ?? path.join(ROOT, 'server-core/bin/gantry.js'),
      'ui',
      '--port',
      '0',
      '--home',
      home,
    ],
    { env: { ...process.env, GANTRY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const on = (b) => {
      if (process.env.BENCH_CHILD_LOG) appendFileSync(process.env.BENCH_CHILD_LOG, b);
      log += b;
      const m = /Gantry UI: (http:\/\/\S+)/.exec(log);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (c) => reject(new Error(`gantry ui exited ${c}:\n${log}`)));
  });
  const u = new URL(url);
  const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
  return { child, url, origin: u.origin, token, client: createApiClient({ baseUrl: u.origin, token }) };
}
