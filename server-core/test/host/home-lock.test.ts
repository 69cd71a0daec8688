// One Host per config folder, through real `gantry ui` processes: two started together on one folder give exactly
// one running Host and one clear refusal naming it; a lock left by a killed process is taken over, even when its
// pid now belongs to another live process (the lock names pid AND process start time).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertGantryBuilt, GANTRY_BIN } from '../helpers/paths.js';
import { tempDirPerTest } from '../helpers/tempdir.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const env = { ...process.env, GANTRY_FIRST_PORT: String(21000 + 10 * Math.floor(Math.random() * 90)) };

interface Run {
  readonly child: ChildProcess;
  /** Resolves with the printed URL, or with the exit (code and output) if it stopped first. */
  readonly outcome: Promise<{ url: string } | { code: number | null; output: string }>;
  output(): string;
}

const tempDir = tempDirPerTest('gantry-lock-');
const defer = cleanupPerTest();

/** `gantry ui` on `home`, killed after the test (if it has not exited by then). */
function gantryUi(home: string): Run {
  const child = spawn(process.execPath, [GANTRY_BIN, 'ui', '--port', '0', '--no-sites', '--home', home], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const outcome = new Promise<{ url: string } | { code: number | null; output: string }>((resolve) => {
    const onData = (b: Buffer): void => {
      output += b.toString();
      const m = /Gantry UI: (\S+)\n/.exec(output);
      if (m) resolve({ url: m[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => resolve({ code, output }));
  });
  const run = { child, outcome, output: () => output };
  defer(() => stop(run, 'SIGKILL'));
  return run;
}

async function stop(r: Run, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  const exited = new Promise((res) => r.child.once('exit', res));
  r.child.kill(signal);
  await exited;
}

beforeAll(() => assertGantryBuilt());

describe('one Host per config folder', () => {
  it('two gantry ui started together: exactly one runs, the other exits 1 naming the holder', async () => {
    const home = await tempDir();
    for (let round = 0; round < 3; round++) {
      const a = gantryUi(home.path);
      const b = gantryUi(home.path);
      const outcomes = await Promise.all([a.outcome, b.outcome]);
      const winners = outcomes.filter((o) => 'url' in o);
      const losers = outcomes.filter((o) => !('url' in o)) as { code: number | null; output: string }[];
      expect(winners, `round ${round}: ${a.output()} | ${b.output()}`).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const winner = 'url' in outcomes[0]! ? a : b;
      expect(losers[0]!.code).toBe(1);
      expect(losers[0]!.output).toContain('GANTRY_ERR_HOME_LOCKED');
      expect(losers[0]!.output).toContain(`already running for ${home.path}`);
      expect(losers[0]!.output).toContain(`gantry ui (pid ${winner.child.pid},`);
      // The loser touched nothing: the winner's files are the winner's.
      expect(JSON.parse(readFileSync(join(home.path, 'ui.json'), 'utf8')).pid).toBe(winner.child.pid);
      await stop(winner);
      expect([winner.child.exitCode, winner.child.signalCode], winner.output()).toEqual([0, null]);
    }
  });

  it('a lock left by a killed gantry ui is stale, even when its pid now runs another process', async () => {
    const home = await tempDir();
    const first = gantryUi(home.path);
    expect('url' in (await first.outcome)).toBe(true);
    await stop(first, 'SIGKILL'); // leaves host.lock and ui.json behind

    // Simulate pid reuse: the files now name a live process that is not Gantry (and started at another time).
    const impostor = spawn('sleep', ['600'], { stdio: 'ignore' });
    defer(() => impostor.kill('SIGKILL'));
    for (const name of ['host.lock', 'ui.json']) {
      const file = join(home.path, name);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pid: impostor.pid }));
    }
    const second = gantryUi(home.path);
    const o = await second.outcome;
    expect('url' in o, second.output()).toBe(true);
    // And now that one holds it, for real.
    const third = gantryUi(home.path);
    const refused = await third.outcome;
    expect('code' in refused && refused.code).toBe(1);
    expect(third.output()).toContain(`pid ${second.child.pid}`);
  });
});
