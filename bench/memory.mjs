#!/usr/bin/env node
// Idle memory of `gantry serve -w 2` (issue 7): the gateway's RSS, each worker's after it has served a
// few requests, and a bare `python3` with the same app imported, measured the same way (VmRSS from
// /proc/PID/status). The worker target is: at most 2 MB above that bare interpreter.
// Usage: node bench/memory.mjs [--json FILE] [--apps bench_apps:hello,flaskjson:app] [--requests N]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { descendants } from './rss.mjs';
import { APPS_DIR, startServer, SYSTEM_PYTHON } from './servers.mjs';

export const WORKER_TARGET_MB = 2;
const DEFAULT_APPS = [
  { app: 'bench_apps:hello', path: '/' },
  { app: 'flaskjson:app', path: '/json' },
];

/**
 * A process's memory from /proc: VmRSS (what the target is about), RssAnon (the heap, Python's object
 * arenas, stacks: the part that is the process's own) and RssFile (pages of the python binary and
 * libraries, shared with every other python process but counted in each one's RSS); privateKB is
 * Private_Clean + Private_Dirty from smaps_rollup, which depends on what else runs (two workers share
 * the binary's pages; a lone bare interpreter does not), so compare anon, not private, across processes.
 */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  let privateKB = null;
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    privateKB = [...rollup.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)].reduce((s, m) => s + Number(m[1]), 0);
  } catch {
    // no smaps_rollup (old kernel)
  }
  return { rssKB: field('VmRSS'), anonKB: field('RssAnon'), fileKB: field('RssFile'), privateKB };
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `python3 -u -c 'import MODULE'` in the apps folder, blocked on stdin once the import is done. */
async function bareInterpreter(module) {
  const code = `import sys; sys.path.insert(0, ${JSON.stringify(APPS_DIR)}); import ${module}; print('imported', flush=True); sys.stdin.read()`;
  const child = spawn(SYSTEM_PYTHON, ['-u', '-c', code], { cwd: APPS_DIR, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const started = Date.now();
  while (!out.includes('imported')) {
    if (child.exitCode !== null || Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      const e = new Error(`${SYSTEM_PYTHON} cannot import ${module}: ${err.trim().split('\n').pop()}`);
      e.skip = true; // the app is not installed here (e.g. no Flask): nothing to compare
      throw e;
    }
    await sleep(20);
  }
  await sleep(300); // as idle as the workers
  const mem = memoryOf(child.pid);
  child.stdin.end();
  await exited;
  return mem;
}

/** Serves `app` with `gantry serve -w 2`, sends `requests` requests, and measures everything idle. */
export async function measureApp({ app, path }, { requests = 20, workers = 2 } = {}) {
  const module = app.split(':')[0];
  const bareRuns = [];
  for (let i = 0; i < 3; i++) bareRuns.push(await bareInterpreter(module));
  bareRuns.sort((a, b) => a.rssKB - b.rssKB);
  const bare = bareRuns[1]; // the median of three
  const server = await startServer('gantry', app, { workers, threads: 1 });
  try {
    const url = `http://127.0.0.1:${server.port}${path}`;
    for (let i = 0; i < requests; i++) {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: status ${res.status}`);
    }
    await sleep(1000); // let the requests' garbage go and the workers settle
    const workerPids = descendants(server.pid).filter((p) => cmdline(p).some((a) => a.endsWith('gantry_worker.py')));
    if (workerPids.length !== workers) throw new Error(`expected ${workers} workers, found ${workerPids.length}`);
    const gateway = memoryOf(server.pid);
    const workerMem = workerPids.map((pid) => {
      const m = memoryOf(pid);
      return { pid, ...m, aboveBareKB: m.rssKB - bare.rssKB };
    });
    const worst = Math.max(...workerMem.map((w) => w.aboveBareKB));
    return {
      app,
      requests,
      gateway,
      workers: workerMem,
      bare,
      worstAboveBareKB: worst,
      targetMB: WORKER_TARGET_MB,
      withinTarget: worst <= WORKER_TARGET_MB * 1024,
    };
  } finally {
    await server.stop();
  }
}

export async function measureAll(apps = DEFAULT_APPS, opts = {}) {
  const results = [];
  for (const a of apps) {
    try {
      results.push(await measureApp(a, opts));
    } catch (e) {
      results.push({ app: a.app, [e.skip ? 'skipped' : 'error']: e.message.split('\n')[0] });
    }
  }
  return results;
}

const mb = (kb) => (kb / 1024).toFixed(1);
const signedMb = (kb) => `${kb >= 0 ? '+' : ''}${(kb / 1024).toFixed(2)}`;

/** The memory section's lines, for this script and for `npm run bench`. */
export function formatMemory(results) {
  const lines = [
    `Idle memory after ${results.find((r) => r.requests)?.requests ?? 0} requests, gantry serve -w 2: VmRSS MB (anon = RssAnon) from /proc/PID/status; worker target: RSS <= bare interpreter with the app imported + ${WORKER_TARGET_MB} MB`,
  ];
  const header = ['app', 'gateway', 'workers', 'workers anon', `bare ${SYSTEM_PYTHON} + app (anon)`, 'worker - bare', 'target'];
  const rows = results.map((r) => {
    if (r.error || r.skipped) return [r.app, '-', '-', '-', '-', '-', r.error ? `error: ${r.error}` : `skipped: ${r.skipped}`];
    return [
      r.app,
      mb(r.gateway.rssKB),
      r.workers.map((w) => mb(w.rssKB)).join(' / '),
      r.workers.map((w) => mb(w.anonKB)).join(' / '),
      `${mb(r.bare.rssKB)} (${mb(r.bare.anonKB)})`,
      r.workers.map((w) => signedMb(w.aboveBareKB)).join(' / '),
      r.withinTarget ? 'met' : 'MISSED',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  lines.push(line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line));
  return lines.join('\n');
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      json: { type: 'string' },
      apps: { type: 'string' },
      requests: { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (opts.help) {
    console.log('node bench/memory.mjs [--json FILE] [--apps MODULE:APP[=PATH],...] [--requests N]');
    return 0;
  }
  const apps = opts.apps
    ? opts.apps
        .split(',')
        .filter(Boolean)
        .map((s) => {
          const [app, path] = s.split('=');
          return { app, path: path ?? DEFAULT_APPS.find((d) => d.app === app)?.path ?? '/' };
        })
    : DEFAULT_APPS;
  const results = await measureAll(apps, { requests: Number(opts.requests) });
  console.log(formatMemory(results));
  if (opts.json) {
    writeFileSync(
      opts.json,
      JSON.stringify({ version: 1, date: new Date().toISOString(), python: SYSTEM_PYTHON, results }, null, 2) + '\n',
    );
    console.log(`\nwrote ${opts.json}`);
  }
  return results.some((r) => r.error) ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
