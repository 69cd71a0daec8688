#!/usr/bin/env node
// What a kill -9 of one gateway process costs clients (`--gateway-processes`): `gantry serve -w 2
// --gateway-processes 2` under N loops of requests, each on a new connection (the worst case: connections are
// dealt to gateway processes as they arrive), one gateway process SIGKILLed after a warm-up; prints the requests
// that failed and how. Only those the killed process was serving should: at most one per loop.
// Usage: npm run build -w server-core && node bench/kill-gateway.mjs [--loops 4] [--rounds 3]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { APPS_DIR, SYSTEM_PYTHON } from './servers.mjs';
import { descendants } from './rss.mjs';

const { values } = parseArgs({ options: { loops: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' } } });
const GANTRY = new URL('../server-core/bin/gantry.js', import.meta.url).pathname;

function get(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', reject);
  });
}

for (let round = 1; round <= Number(values.rounds); round++) {
  const p = spawn(
    process.execPath,
    [
      GANTRY,
      'serve',
      '--chdir',
      APPS_DIR,
      '--python',
      SYSTEM_PYTHON,
      '-b',
      '127.0.0.1:0',
      '-w',
      '2',
      '--gateway-processes',
      '2',
      'bench_apps:hello',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const port = await new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && (out.match(/Booting worker/g) ?? []).length >= 2) {
        clearInterval(t);
        resolve(Number(m[1]));
      }
    }, 50);
    p.once('exit', () => reject(new Error(`gantry serve exited:\n${out}`)));
  });
  let running = true;
  let ok = 0;
  const failed = [];
  const loops = Array.from({ length: Number(values.loops) }, async () => {
    while (running) {
      try {
        if ((await get(port)) === 200) ok++;
        else failed.push('non-200');
      } catch (err) {
        failed.push(err.message);
      }
    }
  });
  while (ok < 500) await new Promise((r) => setImmediate(r));
  const gateway = descendants(p.pid).find((pid) => pid !== p.pid && /gateway/.test(readCmd(pid)));
  process.kill(gateway, 'SIGKILL');
  while (!/gateway process \d is back/.test(out)) await new Promise((r) => setTimeout(r, 20));
  const after = ok;
  while (ok < after + 500) await new Promise((r) => setImmediate(r));
  running = false;
  await Promise.all(loops);
  console.log(
    `round ${round}: killed pid ${gateway}; ${ok} ok, ${failed.length} failed${failed.length ? ` (${[...new Set(failed)].join(', ')})` : ''}`,
  );
  p.kill('SIGTERM');
  await once(p, 'exit');
}

function readCmd(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
