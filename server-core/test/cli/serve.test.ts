// `gantry serve` end to end: the built CLI (bin/gantry.js) with real workers — startup lines, access log,
// signals (HUP reload, TTIN/TTOU, TERM), exit codes, boot failures, and no Python process left behind,
// even when gantry itself is SIGKILLed.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GANTRY_BIN } from '../helpers/paths.js';
import { startProcess, type StartedProcess } from '../helpers/process.js';
import { cliScope } from '../helpers/cli-scope.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS, alive, until } from '../runtime/harness.js';

const LISTENING = /Listening at: http:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;

const s = cliScope();

function workerPids(output: string): number[] {
  return [...output.matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
}

async function serve(args: string[], ready = LISTENING): Promise<StartedProcess> {
  return startProcess({
    name: 'gantry',
    command: process.execPath,
    args: [GANTRY_BIN, 'serve', '--chdir', FIXTURE_APPS, '--python', 'python3', ...args],
    ready,
    timeoutMs: 30_000,
  });
}

describe('gantry serve', () => {
  it('serves with N workers, writes the access log, reloads on HUP, scales on TTIN/TTOU, stops on TERM with exit 0', async () => {
    s.tmp = await makeTempDir();
    const accessLog = join(s.tmp.path, 'access.log');
    s.proc = await serve(['-b', '127.0.0.1:0', '-w', '2', '--access-logfile', accessLog, 'basic:application']);
    const p = s.proc;
    const port = Number(p.ready[1]);
    expect(Number(p.ready[2])).toBe(p.pid);
    expect(p.output()).toMatch(/\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[INFO\] Starting gantry/);
    const r = await fetchRaw(`http://127.0.0.1:${port}/`, { headers: { 'User-Agent': 'cli-test' } });
    expect(r.status).toBe(200);
    await until(() => readFileSync(accessLog, 'utf8').includes('"GET / HTTP/1.1" 200 12 "-" "cli-test"'), 10_000, 'access line');
    expect(readFileSync(accessLog, 'utf8')).toMatch(
      /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/ HTTP\/1\.1" 200 12 "-" "cli-test"\n/,
    );

    process.kill(p.pid, 'SIGHUP');
    await p.waitForOutput(/Reload done \(generation 2/, 30_000);
    process.kill(p.pid, 'SIGTTIN');
    await p.waitForOutput(/Scaling workers 2 -> 3/, 10_000);
    await until(() => workerPids(p.output()).length >= 5, 10_000, 'third worker');
    process.kill(p.pid, 'SIGTTOU');
    await p.waitForOutput(/Scaling workers 3 -> 2/, 10_000);
    expect((await fetchRaw(`http://127.0.0.1:${port}/`)).status).toBe(200);

    const pids = workerPids(p.output());
    process.kill(p.pid, 'SIGTERM');
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(p.output()).toContain('Shutting down: Master');
    expect(pids.filter(alive)).toEqual([]);
  });

  it('prints the traceback once and exits 4 when the app cannot be imported, without respawning', async () => {
    const p = await startProcess({
      name: 'gantry',
      command: process.execPath,
      args: [GANTRY_BIN, 'serve', '--chdir', FIXTURE_APPS, '-b', '127.0.0.1:0', '-w', '3', 'broken:application'],
      ready: /Reason: App failed to load/,
      timeoutMs: 30_000,
    });
    s.proc = p;
    const exit = await p.exited;
    expect(exit.code).toBe(4);
    const out = p.output();
    expect(out.match(/Traceback \(most recent call last\)/g)?.length).toBe(1);
    expect(out).toContain("ModuleNotFoundError: No module named 'this_module_does_not_exist_anywhere'");
    expect(workerPids(out).length).toBe(3);
    expect(out).not.toContain('Listening at');
    expect(workerPids(out).filter(alive)).toEqual([]);
  });

  it('exits 2 naming the flag for a bad value', async () => {
    const p = await startProcess({
      name: 'gantry',
      command: process.execPath,
      args: [GANTRY_BIN, 'serve', '--workers', '0', 'basic:application'],
      ready: /error/,
      timeoutMs: 30_000,
    });
    s.proc = p;
    expect((await p.exited).code).toBe(2);
    expect(p.output()).toContain('gantry: error: --workers: must be at least 1');
  });

  it('Ctrl-C (SIGINT to the whole process group) stops gracefully without respawning anything', async () => {
    s.proc = await serve(['-b', '127.0.0.1:0', '-w', '2', 'basic:application']);
    const p = s.proc;
    const pids = workerPids(p.output());
    process.kill(-p.pid, 'SIGINT');
    expect((await p.exited).code).toBe(0);
    expect(workerPids(p.output())).toEqual(pids);
    expect(p.output()).not.toMatch(/exited with|crashed/);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('leaves no worker behind when gantry itself is SIGKILLed', async () => {
    s.proc = await serve(['-b', '127.0.0.1:0', '-w', '2', 'basic:application']);
    const p = s.proc;
    const pids = workerPids(p.output());
    expect(pids.length).toBe(2);
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
    await until(() => pids.every((pid) => !alive(pid)), 10_000, 'workers to notice their parent is gone');
    expect(pids.filter(alive)).toEqual([]);
  });

  it('serves /metrics and /healthz on --metrics-bind, reopens the access log on USR1, stops fast on QUIT', async () => {
    s.tmp = await makeTempDir();
    const accessLog = join(s.tmp.path, 'access.log');
    s.proc = await serve(
      ['-b', '127.0.0.1:0', '--metrics-bind', '127.0.0.1:0', '--access-logfile', accessLog, 'basic:application'],
      /Metrics at: (http:\/\/127\.0\.0\.1:\d+)\/metrics/,
    );
    const p = s.proc;
    const port = Number((await p.waitForOutput(LISTENING))[1]);
    const metricsUrl = p.ready[1]!;
    expect((await fetchRaw(`http://127.0.0.1:${port}/`)).status).toBe(200);
    const metrics = await fetchRaw(`${metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text()).toMatch(/^gantry_\w+/m);
    expect((await fetchRaw(`${metricsUrl}/healthz`)).status).toBe(200);

    await until(() => readFileSync(accessLog, 'utf8').includes('"GET / HTTP/1.1" 200'), 10_000, 'first access line');
    renameSync(accessLog, `${accessLog}.1`);
    process.kill(p.pid, 'SIGUSR1');
    await p.waitForOutput(/Handling signal: usr1/, 10_000);
    expect((await fetchRaw(`http://127.0.0.1:${port}/pid`)).status).toBe(200);
    await until(
      () => existsSync(accessLog) && readFileSync(accessLog, 'utf8').includes('"GET /pid HTTP/1.1" 200'),
      10_000,
      'line in the reopened log',
    );
    expect(readFileSync(`${accessLog}.1`, 'utf8')).not.toContain('/pid');

    const pids = workerPids(p.output());
    process.kill(p.pid, 'SIGQUIT');
    expect((await p.exited).code).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('listens on a unix socket and reports it', async () => {
    s.tmp = await makeTempDir();
    const sock = join(s.tmp.path, 'g.sock');
    s.proc = await serve(['-b', `unix:${sock}`, 'basic:application'], /Listening at: unix:(\S+) \((\d+)\)/);
    expect(s.proc.ready[1]).toBe(sock);
    const body = await new Promise<string>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ socketPath: sock, path: '/' }, (res) => {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString()));
          res.on('end', () => resolve(t));
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(body).toBe('hello world\n');
  });
});
