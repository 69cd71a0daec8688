// Log files under faults, through real `gantry serve` processes: a path that cannot be opened is refused at start
// (as gunicorn does); a full disk (the log path is a symlink to /dev/full, a real ENOSPC) is reported on the error
// log, lines are held up to a bound and the rest counted as lost, and writing resumes by itself once the path can
// be written again (the symlink is pointed at a real file) — no USR1 needed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gantryServeArgv } from '../helpers/gantry.js';
import { startProcess } from '../helpers/process.js';
import { cliScope } from '../helpers/cli-scope.js';
import { makeTempDir } from '../helpers/tempdir.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS, until } from '../runtime/harness.js';

const LISTENING = /Listening at: http:\/\/127\.0\.0\.1:(\d+) \((\d+)\)/;
const s = cliScope();
const serveArgs = (...more: string[]) => gantryServeArgv({ chdir: FIXTURE_APPS, python: 'python3', args: more, app: 'basic:application' });

function runToEnd(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (b: Buffer): void => {
      output += b.toString();
      // Listening means the bad path was accepted: stop it, the test has its answer.
      if (LISTENING.test(output)) child.kill('SIGKILL');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('log files under faults', () => {
  it('refuses a log path that cannot be opened, before starting anything', async () => {
    for (const flag of ['--access-logfile', '--error-logfile']) {
      const r = await runToEnd(serveArgs(flag, '/nonexistent-gantry-dir/x.log'));
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain(`${flag}: cannot open /nonexistent-gantry-dir/x.log`);
      expect(r.output).toContain('ENOENT');
      expect(r.output).not.toMatch(LISTENING);
    }
  });

  it('a full disk is reported, lines are held or counted as lost, and writing resumes by itself', async () => {
    s.tmp = await makeTempDir();
    const link = join(s.tmp.path, 'access.log');
    const real = join(s.tmp.path, 'access-real.log');
    symlinkSync('/dev/full', link);
    s.proc = await startProcess({
      name: 'gantry',
      command: process.execPath,
      args: serveArgs('--access-logfile', link),
      ready: LISTENING,
      timeoutMs: 30_000,
    });
    const p = s.proc;
    const port = Number(p.ready[1]);

    expect((await fetchRaw(`http://127.0.0.1:${port}/first`)).status).toBeGreaterThan(0);
    await p.waitForOutput(/cannot write the log file/, 10_000);
    expect(p.output()).toMatch(new RegExp(`\\[ERROR\\] cannot write the log file ${link}: ENOSPC`));

    // More than the hold buffer (1 MiB) while the disk is full: 8 KB user agents, 160 requests.
    const ua = 'u'.repeat(8000);
    const total = 1 + 160;
    for (let i = 0; i < 160; i++)
      expect((await fetchRaw(`http://127.0.0.1:${port}/held-${i}`, { headers: { 'user-agent': ua } })).status).toBeGreaterThan(0);

    // The disk has room again: the same path now leads to a writable file. No signal is sent.
    symlinkSync(real, `${link}.new`);
    renameSync(`${link}.new`, link);
    await until(
      () => /writing the log file .* again after [\d.]+ s; \d+ line\(s\) were lost/.test(p.output()),
      60_000,
      'the recovery on the error log',
    );
    const lost = Number(/; (\d+) line\(s\) were lost/.exec(p.output())![1]);
    await until(() => lines(real).some((l) => l.includes('/held-159')), 10_000, 'the last held line');
    const written = lines(real);
    expect(lost).toBeGreaterThan(0); // 1.3 MB did not fit in 1 MiB
    expect(written.length + lost).toBe(total); // every line is either in the file or counted
    // What was kept is the newest, in order.
    expect(written.at(-1)).toContain('/held-159');

    // And it keeps writing.
    expect((await fetchRaw(`http://127.0.0.1:${port}/after`)).status).toBeGreaterThan(0);
    await until(() => lines(real).some((l) => l.includes('/after')), 10_000, 'a line after the recovery');
  });
});
