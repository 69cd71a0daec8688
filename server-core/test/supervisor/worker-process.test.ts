// A worker's exit is reported only after its output: a line it (or a child still holding its stderr) wrote
// before going away reaches `output` before `exit`. Before, the exit was reported one turn after the process
// ended, so under load a boot traceback read later was printed a second time, outside the boot report.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkerProcess } from '../../src/supervisor/worker-process.js';
import { SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirPerTest } from '../helpers/tempdir.js';

const tempDir = tempDirPerTest();

/** Runs a worker script of these lines to its end: what it printed (`SOURCE LEVEL: text`), then `exit CODE`, in the order reported. */
async function runToExit(...lines: readonly string[]): Promise<string[]> {
  const dir = await tempDir();
  const script = join(dir.path, 'worker.py');
  writeFileSync(script, [...lines, ''].join('\n'));
  const events: string[] = [];
  return new Promise((resolve) => {
    new WorkerProcess(
      { python: SYSTEM_PYTHON, script, args: [], cwd: dir.path, env: process.env as Record<string, string> },
      {
        ready: () => {},
        bootError: () => {},
        stopping: () => {},
        output: (source, text, level) => events.push(`${source} ${level}: ${text}`),
        exit: (code) => {
          events.push(`exit ${code}`);
          resolve(events);
        },
      },
    );
  });
}

describe('WorkerProcess exit', () => {
  it('comes after every line written to stderr before the pipes closed', async () => {
    // The process exits with 4 at once; a child it leaves holding stderr writes 0.3 s later, then exits.
    const events = await runToExit(
      'import subprocess, sys',
      'subprocess.Popen([sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.stderr.write(\\"late line\\\\n\\")"])',
      'sys.exit(4)',
    );
    expect(events).toEqual(['stderr info: late line', 'exit 4']);
  });
});

describe('WorkerProcess control messages', () => {
  it('says so when a worker sends a control message nobody consumes, instead of dropping it', async () => {
    // fd 3 is the control channel (protocol/WORKER.md); 'request_error' was once sent and silently dropped.
    const lines = await runToExit('import os', 'os.write(3, b\'{"type": "request_error", "request_id": "r1"}\\n\')', 'raise SystemExit(4)');
    expect(lines).toEqual([
      'stderr error: [gantry] unknown control message from worker: {"type": "request_error", "request_id": "r1"}',
      'exit 4',
    ]);
  });
});
