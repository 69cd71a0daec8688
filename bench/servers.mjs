// The servers the benchmark compares, each started on loopback port 0 with the same worker count,
// waited on by the line that says it is ready, and stopped with its own graceful signal.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(BENCH_DIR, '..');
export const APPS_DIR = join(BENCH_DIR, 'apps');
export const SYSTEM_PYTHON = '/usr/bin/python3';
const GANTRY_BIN = join(REPO_ROOT, 'server-core', 'bin', 'gantry.js');
const GANTRY_DIST = join(REPO_ROOT, 'server-core', 'dist', 'cli', 'main.js');

/**
 * Each server: how to check it is installed, the command for an app and a concurrency shape,
 * and the output line (with the port) that says it is listening.
 * shape: { workers, threads } — threads 1 means the server's plain process model.
 */
export const SERVERS = {
  gantry: {
    label: 'gantry',
    available: () => (existsSync(GANTRY_DIST) ? null : `${GANTRY_DIST} missing: run \`npm run build -w server-core\``),
    // shape.gatewayProcesses: the multi-core gateway (bench/scaling.mjs); shape.extraArgs: more `gantry serve` flags (A/B runs).
    command: (app, { workers, threads, gatewayProcesses = 1, extraArgs = [] }) => [
      process.execPath,
      [
        GANTRY_BIN,
        'serve',
        '-b',
        '127.0.0.1:0',
        '-w',
        String(workers),
        '--threads',
        String(threads),
        '--gateway-processes',
        String(gatewayProcesses),
        '--chdir',
        APPS_DIR,
        '--python',
        SYSTEM_PYTHON,
        ...extraArgs,
        app,
      ],
    ],
    ready: /Listening at: http:\/\/[^\s:]+:(\d+)/,
    stopSignal: 'SIGTERM',
  },
  'gunicorn-sync': {
    label: 'gunicorn sync',
    available: () => pythonModule('gunicorn'),
    supports: ({ threads }) => threads === 1,
    command: (app, { workers }) => [
      SYSTEM_PYTHON,
      ['-m', 'gunicorn', '-b', '127.0.0.1:0', '-w', String(workers), '-k', 'sync', '--chdir', APPS_DIR, app],
    ],
    // "Listening at" comes before the workers boot: wait for the last worker too.
    readyCount: (shape) => shape.workers,
    ready: /Listening at: http:\/\/[^\s:]+:(\d+)/,
    bootedLine: /Booting worker with pid/g,
    stopSignal: 'SIGTERM',
  },
  'gunicorn-gthread': {
    label: 'gunicorn gthread',
    available: () => pythonModule('gunicorn'),
    command: (app, { workers, threads, gthreadThreads }) => [
      SYSTEM_PYTHON,
      [
        '-m',
        'gunicorn',
        '-b',
        '127.0.0.1:0',
        '-w',
        String(workers),
        '-k',
        'gthread',
        '--threads',
        String(threads > 1 ? threads : gthreadThreads),
        '--chdir',
        APPS_DIR,
        app,
      ],
    ],
    ready: /Listening at: http:\/\/[^\s:]+:(\d+)/,
    bootedLine: /Booting worker with pid/g,
    stopSignal: 'SIGTERM',
  },
  uwsgi: {
    label: 'uWSGI',
    available: () => (which('uwsgi') ? null : 'uwsgi not installed (apt-get install uwsgi uwsgi-plugin-python3)'),
    command: (app, { workers, threads }) => {
      const [module, callable] = app.split(':');
      const args = [
        '--plugin',
        'python3',
        '--http-socket',
        '127.0.0.1:0',
        '--master',
        '--processes',
        String(workers),
        '--chdir',
        APPS_DIR,
        '--module',
        `${module}:${callable}`,
        '--need-app',
        '--die-on-term',
        '--disable-logging',
        '--listen',
        '1024',
      ];
      if (threads > 1) args.push('--threads', String(threads));
      return ['uwsgi', args];
    },
    ready: /bound to TCP address 127\.0\.0\.1:(\d+)/,
    bootedLine: /spawned uWSGI worker \d+/g,
    stopSignal: 'SIGTERM',
  },
};

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return join(dir, cmd);
    } catch {
      // next
    }
  }
  return null;
}

function pythonModule(name) {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', `import ${name}`], { stdio: 'ignore' });
  return r.status === 0 ? null : `${SYSTEM_PYTHON} cannot import ${name}`;
}

/** Starts a server and resolves once it listens and all its workers are up; rejects at the deadline. */
export function startServer(key, app, shape, { timeoutMs = 60_000 } = {}) {
  const spec = SERVERS[key];
  const [cmd, args] = spec.command(app, shape);
  const child = spawn(cmd, args, { cwd: APPS_DIR, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let exited = null;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${key} not ready within ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      const m = spec.ready.exec(out);
      const booted = spec.bootedLine ? (out.match(spec.bootedLine) ?? []).length : shape.workers;
      if (m && booted >= shape.workers) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        // Keep draining output so a chatty server never blocks on a full pipe.
        child.stdout.resume();
        child.stderr.resume();
        resolve({
          key,
          port: Number(m[1]),
          pid: child.pid,
          stop: () => stopServer(child, spec.stopSignal, exit, () => exited),
          output: () => out,
        });
      }
    };
    const onData = (d) => {
      out += d.toString();
      check();
    };
    const fail = (err) => {
      clearTimeout(timer);
      killGroup(child.pid);
      err.message += `\n--- ${key} output ---\n${out.slice(-4000)}`;
      reject(err);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exit.then((e) => fail(new Error(`${key} exited before it was ready (${JSON.stringify(e)})`)));
  });
}

async function stopServer(child, signal, exit, exited, timeoutMs = 20_000) {
  if (exited()) return exited();
  try {
    process.kill(child.pid, signal);
  } catch {
    // gone already
  }
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
  const r = await Promise.race([exit, late]);
  clearTimeout(timer);
  killGroup(child.pid); // nothing of its group may outlive it
  if (r === 'late') {
    await exit;
    return { code: null, signal: 'SIGKILL', forced: true };
  }
  return r;
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // empty group
  }
}
