// The multi-core gateway through `gantry serve --gateway-processes N` (runtime/sharded-runtime.ts): N node
// gateway processes share the port, each with its own share of the workers; the primary writes the logs,
// supervises the gateway processes and relays signals. Real processes throughout; every wait is on output,
// a response or a process state, each with a deadline.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchRaw } from '../gateway/http-client.js';
import { spawnGantry, startGantry } from '../helpers/gantry.js';
import type { StartedProcess } from '../helpers/process.js';
import { bootedWorkerPids, loadLoop } from '../helpers/load-loop.js';
import { cliScope } from '../helpers/cli-scope.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { FIXTURE_APPS, alive, until } from '../runtime/harness.js';

const APP = 'conformance:application';

const s = cliScope();

async function serve(args: string[]): Promise<{ p: StartedProcess; url: string }> {
  const p = await startGantry({ chdir: FIXTURE_APPS, python: 'python3', args: args.slice(0, -1), app: args.at(-1)! }); // the app is the last argument
  s.proc = p;
  return { p, url: p.url };
}

const workerPids = bootedWorkerPids;

/** Direct children of `pid`, with their command lines. */
function children(pid: number): Array<{ pid: number; cmd: string }> {
  const out: Array<{ pid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push({ pid: Number(name), cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // gone while we looked
    }
  }
  return out;
}

function gatewayPids(primary: number): number[] {
  return children(primary)
    .filter((c) => c.cmd.includes('shard-main.js') || c.cmd.startsWith('gantry: gateway'))
    .map((c) => c.pid);
}

describe('gantry serve --gateway-processes', () => {
  it('--access-logformat json gives the same entry with 1 and 2 gateway processes, timing fields included', async () => {
    s.tmp = await makeTempDir();
    const keysBy: string[][] = [];
    for (const gp of ['1', '2']) {
      const log = join(s.tmp.path, `access-${gp}.log`);
      const { p, url } = await serve(['-w', '2', '--gateway-processes', gp, '--access-logfile', log, '--access-logformat', 'json', APP]);
      for (let i = 0; i < 4; i++)
        expect((await fetchRaw(`${url}/pid`, { headers: { 'X-Request-ID': `json-${gp}-${i}` } })).status).toBe(200);
      process.kill(p.pid, 'SIGTERM');
      expect((await p.exited).code).toBe(0);
      s.proc = null;
      const entries = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.length).toBe(4);
      for (const e of entries) {
        // The per-request timing (queue → app → first byte → transfer) must cross the gateway-process boundary.
        for (const k of ['queue_ms', 'app_ms', 'ttfb_ms', 'transfer_ms'])
          expect(typeof e[k], `${k} with --gateway-processes ${gp}`).toBe('number');
        expect(e['ttfb_ms'] as number).toBeGreaterThanOrEqual(e['app_ms'] as number);
      }
      keysBy.push(Object.keys(entries[0]!).sort());
    }
    expect(keysBy[1]).toEqual(keysBy[0]);
  });

  it('N gateway processes each own their share of the workers; every worker serves; one access line per request', async () => {
    s.tmp = await makeTempDir();
    const log = join(s.tmp.path, 'access.log');
    const { p, url } = await serve([
      '-w',
      '4',
      '--gateway-processes',
      '2',
      '--access-logfile',
      log,
      '--access-logformat',
      '%({x-request-id}i)s %(s)s',
      APP,
    ]);
    expect(p.output()).toMatch(/4 worker\(s\) × 1 thread\(s\), 2 gateway processes/);
    expect(p.output().match(/Listening at:/g)?.length).toBe(1);
    const gateways = gatewayPids(p.pid);
    expect(gateways.length).toBe(2);
    const pids = workerPids(p.output());
    expect(pids.length).toBe(4);
    // Each gateway process is the parent of two of the workers.
    for (const g of gateways) expect(children(g).filter((c) => pids.includes(c.pid)).length).toBe(2);
    // Every worker id 1..4 appears once, whichever process booted it.
    expect([...p.output().matchAll(/\[worker (\d) pid \d+\] Booting/g)].map((m) => m[1]).sort()).toEqual(['1', '2', '3', '4']);

    const seen = new Set<string>();
    const ids: string[] = [];
    for (let round = 0; round < 15 && seen.size < 4; round++) {
      const batch = Array.from({ length: 8 }, (_, i) => `gp-${round}-${i}`);
      ids.push(...batch);
      const replies = await Promise.all(batch.map((id) => fetchRaw(`${url}/pid`, { headers: { 'X-Request-ID': id } })));
      for (const r of replies) {
        expect(r.status).toBe(200);
        seen.add(r.text());
      }
    }
    expect([...seen].map(Number).sort()).toEqual([...pids].sort());
    process.kill(p.pid, 'SIGTERM');
    expect((await p.exited).code).toBe(0);
    s.proc = null;
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.length).toBe(ids.length);
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual([...ids].sort());
    expect(lines.every((l) => l.endsWith(' 200'))).toBe(true);
  }, 60_000);

  it('kill -9 of a gateway process: its workers go with it, a new one takes its share, the other keeps serving', async () => {
    const { p, url } = await serve(['-w', '2', '--gateway-processes', '2', APP]);
    const [first] = gatewayPids(p.pid);
    const oldWorkers = children(first!).map((c) => c.pid);
    expect(oldWorkers.length).toBe(1);
    const load = loadLoop(`${url}/pid`, 4);
    await until(() => load.okCount() >= 20, 15_000, 'load running');
    process.kill(first!, 'SIGKILL');
    await p.waitForOutput(/gateway process \d \(pid \d+\) exited \(signal SIGKILL\); starting a new one/, 10_000);
    await p.waitForOutput(/gateway process \d is back/, 20_000);
    await until(() => oldWorkers.every((x) => !alive(x)), 10_000, "the dead gateway's worker to exit");
    const fresh = workerPids(p.output()).slice(2);
    expect(fresh.length).toBe(1);
    await until(() => load.seen().has(String(fresh[0])), 15_000, 'the new share serving');
    const { ok, failed } = await load.stop();
    // Only requests on connections the killed process held can fail: at most one per loop.
    expect(failed.length).toBeLessThanOrEqual(4);
    expect(ok).toBeGreaterThan(20);
    expect(gatewayPids(p.pid).length).toBe(2);
  }, 60_000);

  it('HUP reloads every share with zero failed requests; TTIN/TTOU scale across the shares', async () => {
    const { p, url } = await serve(['-w', '2', '--gateway-processes', '2', APP]);
    const old = workerPids(p.output());
    const load = loadLoop(`${url}/pid`, 2);
    await until(() => load.okCount() >= 10, 15_000, 'load running');
    process.kill(p.pid, 'SIGHUP');
    await p.waitForOutput(/Reload done \(generation 2, generation\)/, 30_000);
    expect(p.output().match(/Reload done/g)?.length).toBe(1);
    const fresh = workerPids(p.output()).filter((x) => !old.includes(x));
    expect(fresh.length).toBe(2);
    await until(() => old.every((x) => !alive(x)), 15_000, 'old generation gone');
    await until(() => fresh.every((x) => load.seen().has(String(x))), 15_000, 'new generation serving');

    process.kill(p.pid, 'SIGTTIN');
    await p.waitForOutput(/Scaling workers 2 -> 3/, 10_000);
    await until(() => workerPids(p.output()).length === 5, 10_000, 'third worker booted');
    expect(p.output()).toMatch(/\[worker 3 pid \d+\] Booting/);
    process.kill(p.pid, 'SIGTTOU');
    await p.waitForOutput(/Scaling workers 3 -> 2/, 10_000);
    // Below one worker per gateway process is refused, and the app carries on.
    process.kill(p.pid, 'SIGTTOU');
    await p.waitForOutput(/Scale failed: workers: must be at least gatewayProcesses \(2\)/, 10_000);
    const before = load.okCount();
    await until(() => load.okCount() >= before + 10, 15_000, 'still serving');
    const { failed } = await load.stop();
    expect(failed).toEqual([]);
  }, 90_000);

  it('a request past --timeout gets 504 and the stack is logged, through the primary', async () => {
    const { p, url } = await serve(['-w', '2', '--gateway-processes', '2', '-t', '1', '--access-logfile', '-', APP]);
    const r = await fetchRaw(`${url}/hang`, { headers: { 'X-Request-ID': 'gp-timeout' } });
    expect(r.status).toBe(504);
    await p.waitForOutput(/"GET \/hang HTTP\/1\.1" 504 /, 10_000);
    await p.waitForOutput(/WORKER TIMEOUT \(pid:\d+\) GET \/hang request gp-timeout/, 10_000);
    expect((await fetchRaw(`${url}/`)).status).toBe(200);
  }, 60_000);

  it('TERM drains a request in flight, then every gateway process and worker is gone', async () => {
    const { p, url } = await serve(['-w', '2', '--gateway-processes', '2', APP]);
    const gateways = gatewayPids(p.pid);
    const pids = workerPids(p.output());
    const slow = fetchRaw(`${url}/slow?ms=1500`);
    await p.waitForOutput(/slow-start/, 10_000);
    process.kill(p.pid, 'SIGTERM');
    const r = await slow;
    expect(r.status).toBe(200);
    expect(r.text()).toBe('slow done');
    expect((await p.exited).code).toBe(0);
    s.proc = null;
    expect([...gateways, ...pids].filter(alive)).toEqual([]);
  }, 60_000);

  it('SIGKILL of the primary leaves no gateway process and no worker', async () => {
    const { p } = await serve(['-w', '2', '--gateway-processes', '2', APP]);
    const gateways = gatewayPids(p.pid);
    const pids = workerPids(p.output());
    expect(gateways.length).toBe(2);
    process.kill(p.pid, 'SIGKILL');
    await p.exited;
    s.proc = null;
    await until(() => [...gateways, ...pids].every((x) => !alive(x)), 10_000, 'gateways and workers to notice');
  }, 60_000);

  it('a broken import: the traceback once, exit 4, nothing left running', async () => {
    s.proc = await spawnGantry({
      chdir: FIXTURE_APPS,
      python: 'python3',
      args: ['-w', '2', '--gateway-processes', '2'],
      app: 'no_such_module_here:app',
      ready: /Starting gantry/,
    });
    const exit = await s.proc.exited;
    expect(exit.code).toBe(4);
    expect(s.proc.output()).toMatch(/GANTRY_ERR_APP_IMPORT: ModuleNotFoundError: No module named 'no_such_module_here'/);
    expect(s.proc.output().match(/Traceback \(most recent call last\)/g)?.length).toBe(1);
    const pids = workerPids(s.proc.output());
    expect(pids.filter(alive)).toEqual([]);
    s.proc = null;
  }, 60_000);

  it('more gateway processes than workers is a usage error naming the flag', async () => {
    s.proc = await spawnGantry({
      args: ['-w', '2', '--gateway-processes', '3'],
      app: APP,
      ready: /usage: gantry serve/,
      timeoutMs: 10_000,
    });
    const exit = await s.proc.exited;
    expect(exit.code).toBe(2);
    expect(s.proc.output()).toMatch(/--gateway-processes: must not exceed --workers \(2\)/);
    s.proc = null;
  });
});
