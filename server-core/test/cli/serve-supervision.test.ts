// Issue 3 supervision through `gantry serve` under a steady request loop: kill -9 of a worker, TTIN/TTOU,
// HUP, --reload (good edit and syntax error), recycling by count, RSS and lifetime, QUIT vs TERM with a
// request in flight, a timeout with its stack, and no orphans when gantry is SIGKILLed mid-request.
// No sleeps: every wait is on gantry's output, a response, or a process exit, each with a deadline.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnGantry, startGantry } from '../helpers/gantry.js';
import type { StartedProcess } from '../helpers/process.js';
import { bootedWorkerPids, loadLoop } from '../helpers/load-loop.js';
import { cliScope } from '../helpers/cli-scope.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS, alive, until } from '../runtime/harness.js';

const APP = 'conformance:application';

const s = cliScope();

async function serve(args: string[], chdir = FIXTURE_APPS): Promise<{ p: StartedProcess; url: string }> {
  const p = await startGantry({ chdir, python: 'python3', args: args.slice(0, -1), app: args.at(-1)! }); // the app is the last argument
  s.proc = p;
  return { p, url: p.url };
}

const workerPids = bootedWorkerPids;

describe('workers under a steady request loop', () => {
  it('kill -9 of a worker: only a request it had in flight may fail (502), and the count is restored', async () => {
    const { p, url } = await serve(['-w', '2', APP]);
    const pids = workerPids(p.output());
    expect(pids.length).toBe(2);
    const load = loadLoop(`${url}/pid`, 4);
    await until(() => load.okCount() >= 20, 15_000, 'load running');
    process.kill(pids[0]!, 'SIGKILL');
    await until(() => workerPids(p.output()).length === 3, 15_000, 'replacement booted');
    const replacement = workerPids(p.output())[2]!;
    await until(() => load.seen().has(String(replacement)), 15_000, 'replacement serving');
    const { ok, failed } = await load.stop();
    // One worker thread: it had at most one request in flight.
    expect(failed.length).toBeLessThanOrEqual(1);
    for (const f of failed) expect(f).toBe('status 502');
    expect(ok).toBeGreaterThan(20);
    expect(alive(pids[0]!)).toBe(false);
    expect([pids[1]!, replacement].every(alive)).toBe(true);
  }, 60_000);

  it('kill -9 of a threaded worker: at most its --threads in-flight requests fail, each 502', async () => {
    const { p, url } = await serve(['-w', '2', '--threads', '4', APP]);
    const pids = workerPids(p.output());
    const load = loadLoop(`${url}/pid`, 8);
    await until(() => pids.every((x) => load.seen().has(String(x))), 15_000, 'both workers serving');
    process.kill(pids[0]!, 'SIGKILL');
    await until(() => workerPids(p.output()).length === 3, 15_000, 'replacement booted');
    const replacement = workerPids(p.output())[2]!;
    await until(() => load.seen().has(String(replacement)), 15_000, 'replacement serving');
    const { failed } = await load.stop();
    expect(failed.length).toBeLessThanOrEqual(4);
    for (const f of failed) expect(f).toBe('status 502');
  }, 60_000);

  it('TTOU while every worker has a request in flight: both requests finish', async () => {
    const { p, url } = await serve(['-w', '2', '--graceful-timeout', '30', APP]);
    const slow = [fetchRaw(`${url}/slow?ms=1500`), fetchRaw(`${url}/slow?ms=1500`)];
    await until(() => (p.output().match(/slow-start/g) ?? []).length === 2, 10_000, 'both workers busy');
    process.kill(p.pid, 'SIGTTOU');
    await p.waitForOutput(/Scaling workers 2 -> 1/, 10_000);
    expect((await Promise.all(slow)).map((r) => r.text())).toEqual(['slow done', 'slow done']);
    const pids = workerPids(p.output());
    await until(() => pids.filter(alive).length === 1, 15_000, 'one worker left');
  }, 60_000);

  it('TTIN/TTOU scale up and down with zero failed requests; the removed worker exits', async () => {
    const { p, url } = await serve(['-w', '1', APP]);
    // Four loops: the dispatcher gives a request to the first idle worker, so a third worker only gets work
    // while more than two requests are in flight (with two loops that depended on timing).
    const load = loadLoop(`${url}/pid`, 4);
    await until(() => load.okCount() >= 10, 15_000, 'load running');
    process.kill(p.pid, 'SIGTTIN');
    await p.waitForOutput(/Scaling workers 1 -> 2/, 10_000);
    process.kill(p.pid, 'SIGTTIN');
    await p.waitForOutput(/Scaling workers 2 -> 3/, 10_000);
    await until(() => workerPids(p.output()).length === 3, 10_000, 'three workers booted');
    await until(() => load.seen().size === 3, 15_000, 'all three workers serving');
    process.kill(p.pid, 'SIGTTOU');
    await p.waitForOutput(/Scaling workers 3 -> 2/, 10_000);
    process.kill(p.pid, 'SIGTTOU');
    await p.waitForOutput(/Scaling workers 2 -> 1/, 10_000);
    const pids = workerPids(p.output());
    await until(() => pids.filter(alive).length === 1, 15_000, 'two workers stopped');
    const before = load.okCount();
    await until(() => load.okCount() >= before + 10, 15_000, 'still serving');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
  }, 60_000);

  it('HUP reloads into new worker pids with zero failed requests; the old ones exit', async () => {
    const { p, url } = await serve(['-w', '2', APP]);
    const old = workerPids(p.output());
    const load = loadLoop(`${url}/pid`);
    await until(() => load.okCount() >= 10, 15_000, 'load running');
    process.kill(p.pid, 'SIGHUP');
    await p.waitForOutput(/Reload done \(generation 2/, 30_000);
    const fresh = workerPids(p.output()).filter((x) => !old.includes(x));
    expect(fresh.length).toBe(2);
    await until(() => fresh.every((x) => load.seen().has(String(x))), 15_000, 'new generation serving');
    await until(() => old.every((x) => !alive(x)), 15_000, 'old generation gone');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
  }, 60_000);
});

describe('HUP with --reload-mode rolling', () => {
  it('replaces the workers one at a time with zero failed requests', async () => {
    const { p, url } = await serve(['-w', '2', '--reload-mode', 'rolling', APP]);
    const old = workerPids(p.output());
    const load = loadLoop(`${url}/pid`);
    await until(() => load.okCount() >= 10, 15_000, 'load running');
    process.kill(p.pid, 'SIGHUP');
    await p.waitForOutput(/Reload done \(generation 2, rolling\)/, 30_000);
    expect(p.output()).toMatch(/Reload started \(generation 2, rolling\)/);
    const fresh = workerPids(p.output()).filter((x) => !old.includes(x));
    expect(fresh.length).toBe(2);
    await until(() => fresh.every((x) => load.seen().has(String(x))), 15_000, 'new workers serving');
    await until(() => old.every((x) => !alive(x)), 15_000, 'old workers gone');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
  }, 60_000);
});

describe('HUP reload, in flight and into a broken app', () => {
  it('a request in flight during HUP finishes on the old worker, which then exits', async () => {
    const { p, url } = await serve(['-w', '1', '--graceful-timeout', '30', APP]);
    const [old] = workerPids(p.output());
    const slow = fetchRaw(`${url}/slow?ms=2000`);
    await p.waitForOutput(/slow-start/, 10_000);
    process.kill(p.pid, 'SIGHUP');
    await p.waitForOutput(/Reload done \(generation 2/, 30_000);
    const fresh = workerPids(p.output()).filter((x) => x !== old);
    expect(fresh.length).toBe(1);
    expect((await fetchRaw(`${url}/pid`)).text()).toBe(String(fresh[0]));
    const r = await slow;
    expect(r.status).toBe(200);
    expect(r.text()).toBe('slow done');
    await until(() => !alive(old!), 15_000, 'old worker gone after its request');
  }, 60_000);

  it('HUP into code that no longer imports: the old workers keep serving and the error is shown', async () => {
    s.tmp = await makeTempDir();
    const mod = join(s.tmp.path, 'hupapp.py');
    writeFileSync(
      mod,
      `def application(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [b'good']\n`,
    );
    const { p, url } = await serve(['-w', '2', 'hupapp:application'], s.tmp.path);
    const old = workerPids(p.output());
    const load = loadLoop(`${url}/`);
    await until(() => load.okCount() >= 10, 15_000, 'load running');
    writeFileSync(mod, `import module_that_is_not_there_hup\n`);
    process.kill(p.pid, 'SIGHUP');
    await p.waitForOutput(/Reload to generation 2 failed, the old workers keep serving/, 30_000);
    expect(p.output()).toContain("No module named 'module_that_is_not_there_hup'");
    expect(p.output()).not.toContain('Reason: App failed to load.');
    const before = load.okCount();
    await until(() => load.okCount() >= before + 10, 15_000, 'still serving');
    const { failed, bodies } = await load.stop();
    expect(failed).toEqual([]);
    expect([...bodies]).toEqual(['good']);
    expect(old.every(alive)).toBe(true);
    expect(p.child.exitCode).toBeNull();
  }, 60_000);
});

describe('--reload (dev)', () => {
  it('an edited module reloads gracefully (new pids, no failed request); a syntax error keeps the old workers and shows the error', async () => {
    s.tmp = await makeTempDir();
    const mod = join(s.tmp.path, 'devapp.py');
    const source = (v: string): string =>
      `import os\nVERSION = '${v}'\ndef application(environ, start_response):\n    body = ('%s %d' % (VERSION, os.getpid())).encode()\n    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])\n    return [body]\n`;
    writeFileSync(mod, source('v1'));
    const { p, url } = await serve(['-w', '2', '--reload', 'devapp:application'], s.tmp.path);
    const first = workerPids(p.output());
    const load = loadLoop(`${url}/`);
    await until(() => [...load.seen()].some((b) => b.startsWith('v1 ')), 15_000, 'v1 served');

    writeFileSync(mod, source('v2'));
    await p.waitForOutput(/Reload done \(generation 2/, 30_000);
    const second = workerPids(p.output()).filter((x) => !first.includes(x));
    expect(second.length).toBe(2);
    await until(() => second.every((x) => load.seen().has(`v2 ${x}`)), 15_000, 'v2 from both new workers');
    await until(() => first.every((x) => !alive(x)), 15_000, 'v1 workers gone');

    writeFileSync(mod, source('v3').replace('def application', 'def application(:'));
    await p.waitForOutput(/Not reloading, syntax error/, 30_000);
    expect(p.output()).toMatch(/SyntaxError/);
    expect(p.output()).toContain('devapp.py');
    const { failed, bodies } = await load.stop();
    expect(failed).toEqual([]);
    const after = await fetchRaw(`${url}/`);
    expect(after.text()).toMatch(/^v2 \d+$/);
    expect(second).toContain(Number(after.text().split(' ')[1]));
    expect([...bodies].some((b) => b.startsWith('v3'))).toBe(false);
    expect(p.output()).not.toMatch(/Reload done \(generation 3/);
  }, 90_000);
});

describe('recycling through gantry serve, rolling under load', () => {
  it('--max-requests (+ jitter): workers are replaced with zero failed requests', async () => {
    const { p, url } = await serve(['-w', '2', '--max-requests', '5', '--max-requests-jitter', '3', APP]);
    const load = loadLoop(`${url}/pid`);
    await until(() => workerPids(p.output()).length >= 5, 30_000, 'three recycles');
    await until(() => load.seen().size >= 4, 15_000, 'replacements serving');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
  }, 60_000);

  it('--max-worker-rss: a worker that leaks on purpose is replaced, rolling, with zero failed requests', async () => {
    const { p, url } = await serve(['-w', '1', '--max-worker-rss', '80', APP]);
    const [leaky] = workerPids(p.output());
    const load = loadLoop(`${url}/pid`);
    await until(() => load.okCount() >= 5, 15_000, 'load running');
    expect((await fetchRaw(`${url}/leak?mb=120`)).text()).toBe(String(leaky));
    await until(() => workerPids(p.output()).length === 2, 30_000, 'replacement for the leaky worker');
    const replacement = workerPids(p.output())[1]!;
    await until(() => load.seen().has(String(replacement)), 15_000, 'replacement serving');
    await until(() => !alive(leaky!), 15_000, 'leaky worker gone');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
    expect(p.output()).toMatch(/max-worker-rss/);
  }, 60_000);

  it('--max-worker-lifetime: workers are replaced by age with zero failed requests', async () => {
    const { p, url } = await serve(['-w', '1', '--max-worker-lifetime', '1', APP]);
    const load = loadLoop(`${url}/pid`);
    await until(() => workerPids(p.output()).length >= 3, 30_000, 'two lifetime recycles');
    await until(() => load.seen().size >= 2, 15_000, 'a replacement serving');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
  }, 60_000);
});

describe('stops and timeouts', () => {
  it('TERM lets an in-flight request finish; QUIT does not wait for one', async () => {
    const { p, url } = await serve(['-w', '1', '--graceful-timeout', '30', APP]);
    const slow = fetchRaw(`${url}/slow?ms=1500`);
    await p.waitForOutput(/slow-start/, 10_000);
    process.kill(p.pid, 'SIGTERM');
    expect((await slow).text()).toBe('slow done');
    expect((await p.exited).code).toBe(0);
    s.proc = null;

    const q = await serve(['-w', '1', '--graceful-timeout', '30', APP]);
    const pids = workerPids(q.p.output());
    const hung = fetchRaw(`${q.url}/hang`).then(
      (r) => `status ${r.status}`,
      (e: unknown) => String(e),
    );
    await q.p.waitForOutput(/hang-start/, 10_000);
    const started = Date.now();
    process.kill(q.p.pid, 'SIGQUIT');
    const exit = await q.p.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await hung).not.toBe('status 200');
    await until(() => pids.every((x) => !alive(x)), 10_000, 'workers gone');
  }, 60_000);

  it('-t: a request past the timeout gets 504 and an access line, the stack is logged with its request id, the worker is replaced', async () => {
    const { p, url } = await serve(['-w', '1', '-t', '1', '--access-logfile', '-', APP]);
    const [pid] = workerPids(p.output());
    const r = await fetchRaw(`${url}/hang`, { headers: { 'X-Request-ID': 'conf-timeout' } });
    expect(r.status).toBe(504);
    expect(r.headers['x-request-id']).toBe('conf-timeout');
    await p.waitForOutput(/"GET \/hang HTTP\/1\.1" 504 /, 10_000);
    await p.waitForOutput(/WORKER TIMEOUT \(pid:\d+\) GET \/hang request conf-timeout/, 10_000);
    await until(() => /conformance\.py", line \d+ in raw_app/.test(p.output()), 10_000, 'stack of the hung request');
    await until(() => workerPids(p.output()).length === 2 && !alive(pid!), 15_000, 'replacement');
    expect((await fetchRaw(`${url}/`)).status).toBe(200);
  }, 60_000);

  it('SIGKILL of gantry while workers are inside app code (threads) leaves no Python process', async () => {
    const { p, url } = await serve(['-w', '2', '--threads', '2', APP]);
    const pids = workerPids(p.output());
    const hung = [fetchRaw(`${url}/hang`), fetchRaw(`${url}/hang`), fetchRaw(`${url}/hang`)].map((x) => x.catch(() => null));
    await until(() => (p.output().match(/hang-start/g) ?? []).length === 3, 10_000, 'three requests inside the app');
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
    s.proc = null;
    await until(() => pids.every((x) => !alive(x)), 10_000, 'workers to notice gantry is gone');
    expect(pids.filter(alive)).toEqual([]);
    await Promise.all(hung);
  }, 60_000);
});

describe('more exit paths and log files', () => {
  it('TERM while the workers are still importing: exit 0 at once, no worker left', async () => {
    s.tmp = await makeTempDir();
    const gate = join(s.tmp.path, 'never');
    s.proc = await spawnGantry({
      chdir: FIXTURE_APPS,
      python: 'python3',
      env: { CONFORMANCE_GATE: gate },
      args: ['-w', '2'],
      app: APP,
      ready: /Booting worker with pid: \d+[\s\S]*Booting worker with pid: \d+/,
    });
    const p = s.proc;
    const pids = workerPids(p.output());
    expect(pids.length).toBe(2);
    process.kill(p.pid, 'SIGTERM');
    const exit = await p.exited;
    expect(exit.code).toBe(0);
    expect(p.output()).not.toContain('Listening at');
    await until(() => pids.every((x) => !alive(x)), 10_000, 'booting workers gone');
  }, 60_000);

  it('a worker whose respawn can no longer import the app: the app fails once with the traceback, gantry exits 4, nothing left', async () => {
    s.tmp = await makeTempDir();
    const mod = join(s.tmp.path, 'laterbroken.py');
    writeFileSync(
      mod,
      `def application(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/plain')])\n    return [b'ok']\n`,
    );
    const { p, url } = await serve(['-w', '2', 'laterbroken:application'], s.tmp.path);
    const pids = workerPids(p.output());
    expect((await fetchRaw(`${url}/`)).status).toBe(200);
    writeFileSync(mod, 'raise ImportError("broken since start")\n');
    process.kill(pids[0]!, 'SIGKILL');
    const exit = await p.exited;
    expect(exit.code).toBe(4);
    expect(p.output().match(/Traceback \(most recent call last\)/g)?.length).toBe(1);
    expect(p.output()).toMatch(/GANTRY_ERR_APP_IMPORT: ImportError: broken since start/);
    expect(p.output()).toContain('Reason: App failed to load.');
    await until(() => workerPids(p.output()).every((x) => !alive(x)), 10_000, 'every worker gone');
  }, 60_000);

  it('USR1 reopens --error-logfile too: after a rename, new lines go to a fresh file', async () => {
    s.tmp = await makeTempDir();
    const errorLog = join(s.tmp.path, 'error.log');
    // --error-logfile takes the "Listening at" line away from stderr: wait for it in the file instead.
    s.proc = await spawnGantry({
      chdir: FIXTURE_APPS,
      python: 'python3',
      args: ['-w', '1', '--error-logfile', errorLog],
      app: APP,
      ready: /^/,
    });
    // started; readiness is read from the file
    const p = s.proc;
    await until(
      () => existsSync(errorLog) && /Listening at: http:\/\/127\.0\.0\.1:\d+/.test(readFileSync(errorLog, 'utf8')),
      30_000,
      'Listening in the error log',
    );
    const url = `http://127.0.0.1:${/Listening at: http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(errorLog, 'utf8'))![1]}`;
    renameSync(errorLog, `${errorLog}.1`);
    process.kill(p.pid, 'SIGUSR1');
    // As gunicorn, "Handling signal: usr1" is the old file's last line; then the file is reopened.
    await until(() => readFileSync(`${errorLog}.1`, 'utf8').includes('Handling signal: usr1'), 10_000, 'usr1 line');
    expect((await fetchRaw(`${url}/rid?t=after-usr1`, { headers: { 'X-Request-ID': 'usr1-rid' } })).status).toBe(200);
    await until(
      () => existsSync(errorLog) && readFileSync(errorLog, 'utf8').includes('[usr1-rid] stderr-mark after-usr1'),
      10_000,
      'app stderr in the reopened file',
    );
    expect(readFileSync(`${errorLog}.1`, 'utf8')).toContain('Listening at');
    expect(readFileSync(`${errorLog}.1`, 'utf8')).not.toContain('after-usr1');
  }, 60_000);
});
