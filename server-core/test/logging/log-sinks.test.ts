// The log bus (subscribers), log files (append, reopen after rotation) and the error
// log's gunicorn-shaped lines with worker tags and levels.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ErrorLog } from '../../src/logging/error-log.js';
import { LogBus } from '../../src/logging/log-bus.js';
import { LogFile } from '../../src/logging/log-file.js';
import type { OutputLine } from '../../src/runtime/types.js';
import { tempDirScope } from '../helpers/tempdir.js';

const tmp = tempDirScope();

const line = (over: Partial<OutputLine> = {}): OutputLine => ({
  time: Date.UTC(2026, 10, 24, 1, 2, 3),
  app: 'a',
  source: 'stderr',
  level: 'error',
  workerId: 3,
  workerPid: 4121,
  requestId: null,
  text: 'hello',
  ...over,
});

describe('LogBus', () => {
  it('fans out; unsubscribe works; a throwing subscriber does not stop the others', async () => {
    const bus = new LogBus();
    const got: string[] = [];
    bus.on('output', () => {
      throw new Error('bad subscriber');
    });
    const off = bus.on('output', (l) => got.push(l.text));
    const errors: unknown[] = [];
    const onErr = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onErr);
    bus.emitOutput(line({ text: 'one' }));
    off();
    bus.emitOutput(line({ text: 'two' }));
    bus.emitOutput(line({ text: 'three' }));
    await new Promise((r) => setImmediate(r));
    process.off('uncaughtException', onErr);
    expect(got).toEqual(['one']);
    expect(errors.length).toBe(3);
  });
});

describe('LogFile and ErrorLog', () => {
  it('appends, and reopens a rotated file', async () => {
    const path = join(tmp.path, 'x.log');
    writeFileSync(path, 'old\n');
    const f = new LogFile(path, process.stdout);
    await f.opened();
    f.writeLine('a');
    f.flush();
    renameSync(path, `${path}.1`);
    f.reopen();
    f.writeLine('b');
    await f.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('old\na\n');
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('b\n');
  });

  it('writes gunicorn-shaped lines, tags worker output, filters by level', async () => {
    process.env.TZ = 'UTC';
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const log = new ErrorLog(new LogFile('-', out), 'info', 777);
    log.log('info', 'Listening at: http://127.0.0.1:8000 (777)', Date.UTC(2026, 10, 24, 1, 2, 3));
    log.log('debug', 'hidden');
    log.output(line({ text: 'from the app', requestId: 'r-1' }));
    log.output(line({ source: 'gantry', level: 'warning', text: 'Worker exited' }));
    await log.close();
    expect(text.split('\n')).toEqual([
      '[2026-11-24 01:02:03 +0000] [777] [INFO] Listening at: http://127.0.0.1:8000 (777)',
      '[worker 3 pid 4121] [r-1] from the app',
      '[2026-11-24 01:02:03 +0000] [777] [WARNING] [worker 3 pid 4121] Worker exited',
      '',
    ]);
  });
});
