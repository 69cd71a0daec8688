// A process's start time per platform (what the home lock names its holder by), and how two readings compare. The
// Windows command cannot run here: its output's parsing, the command's shape and the comparison are checked instead.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseWindowsStart, processStartTime, sameStart, windowsStartCommand } from '../../src/host/process-start.js';

describe('Windows start times', () => {
  it('parses what the PowerShell command prints (ms since the epoch), and nothing else', () => {
    expect(parseWindowsStart('1733355000123\r\n')).toBe(1733355000123);
    expect(parseWindowsStart('  1733355000123  ')).toBe(1733355000123);
    for (const bad of [
      '',
      '\r\n',
      '-5',
      '0',
      '1.5',
      '1733355000123 1733355000124',
      'Get-Process : Cannot find a process',
      '12345678901234567890',
    ])
      expect(parseWindowsStart(bad)).toBeNull();
  });

  it('asks Get-Process for one numeric pid, in UTC milliseconds', () => {
    expect(windowsStartCommand(4242)).toBe(
      '[DateTimeOffset]::new((Get-Process -Id 4242 -ErrorAction Stop).StartTime).ToUnixTimeMilliseconds()',
    );
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => windowsStartCommand(bad)).toThrow(RangeError);
  });

  it("this process's own start time comes from its clock, in the same form", () => {
    const own = processStartTime(process.pid, 'win32')!;
    expect(own).toMatch(/^win:\d+$/);
    expect(Math.abs(Number(own.slice(4)) - (Date.now() - process.uptime() * 1000))).toBeLessThan(50);
  });

  it('two readings of one process agree within a second; another start does not', () => {
    expect(sameStart('win:1733355000123', 'win:1733355000900')).toBe(true); // own clock vs Get-Process
    expect(sameStart('win:1733355000123', 'win:1733355002123')).toBe(false); // the pid now runs a later process
    expect(sameStart('4242', '4242')).toBe(true);
    expect(sameStart('4242', '4243')).toBe(false);
    // The start time cannot be told now (the command failed): the pid alone decides, never taking a live lock.
    expect(sameStart('win:1733355000123', null)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('Linux start times [platform-specific: linux]', () => {
  it('stable for one process, different for another, null for none', async () => {
    expect(processStartTime(process.pid)).toBe(processStartTime(process.pid));
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await once(child, 'spawn');
      const start = processStartTime(child.pid!);
      expect(start).toMatch(/^\d+$/);
      expect(sameStart(start!, processStartTime(child.pid!))).toBe(true);
      expect(Number(start)).toBeGreaterThanOrEqual(Number(processStartTime(process.pid)));
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(processStartTime(2 ** 22 + 12345)).toBeNull();
  });
});
