// Process sampling on this very process and on a real child, through /proc and through ps.
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { BASELINE_TTL_MS, createProcessSampler, rssReaders } from '../../src/supervisor/process-stats.js';

function burn(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
}

async function startChild(): Promise<ChildProcess> {
  // The child prints once it is running, so we sample a live process, not one still exec'ing.
  const child = spawn(process.execPath, ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1000)'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await once(child.stdout!, 'data');
  return child;
}

const platforms: NodeJS.Platform[] = process.platform === 'linux' ? ['linux', 'darwin'] : [process.platform];

describe.each(platforms)('sampler (%s code path)', (platform) => {
  it("this process: RSS > 0 and close to node's own figure", async () => {
    const sampler = createProcessSampler({ platform });
    const stats = await sampler.sample([process.pid]);
    const s = stats.get(process.pid)!;
    expect(s).not.toBeNull();
    expect(s.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    const rss = process.memoryUsage.rss();
    expect(s.rssBytes).toBeGreaterThan(rss * 0.5);
    expect(s.rssBytes).toBeLessThan(rss * 2);
  });

  it('a spawned child: RSS > 0; after it exits, null', async () => {
    const sampler = createProcessSampler({ platform });
    const child = await startChild();
    try {
      const pid = child.pid!;
      const before = await sampler.sample([pid, process.pid]);
      expect(before.get(pid)?.rssBytes).toBeGreaterThan(0);
      expect(before.get(process.pid)).not.toBeNull();
      child.kill('SIGKILL');
      await once(child, 'exit');
      const after = await sampler.sample([pid]);
      expect(after.get(pid)).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('an empty list and a pid that never existed', async () => {
    const sampler = createProcessSampler({ platform });
    expect((await sampler.sample([])).size).toBe(0);
    expect((await sampler.sample([2 ** 22 + 12345])).get(2 ** 22 + 12345)).toBeNull();
  });
});

describe.runIf(process.platform === 'linux')('CPU% from /proc deltas [platform-specific: linux]', () => {
  it('null on the first sample, then reflects a busy loop in this process', async () => {
    const sampler = createProcessSampler();
    const wall0 = performance.now();
    const cpu0 = process.cpuUsage();
    const first = await sampler.sample([process.pid]);
    expect(first.get(process.pid)!.cpuPercent).toBeNull();
    burn(300);
    const second = await sampler.sample([process.pid]);
    const used = process.cpuUsage(cpu0);
    // What this process itself measured over (slightly more than) the same interval: on a busy machine the
    // loop gets less than a core, so compare with that rather than with a fixed floor. /proc counts in
    // 10 ms ticks: within a few points of it over 300 ms.
    const own = ((used.user + used.system) / 1000 / (performance.now() - wall0)) * 100;
    const cpu = second.get(process.pid)!.cpuPercent!;
    expect(own).toBeGreaterThan(0);
    expect(cpu).toBeGreaterThan(own * 0.6);
    expect(cpu).toBeLessThan(own * 1.4 + 10);
  });

  it("a reaped child's baseline is dropped once it has not been sampled for a while, without forget()", async () => {
    let clock = 0;
    const sampler = createProcessSampler({ now: () => clock });
    const child = await startChild();
    try {
      await sampler.sample([child.pid!, process.pid]);
      expect(sampler.tracked).toBe(2);
      child.kill('SIGKILL');
      await once(child, 'exit'); // reaped: nobody samples its pid again
      clock += BASELINE_TTL_MS / 2;
      await sampler.sample([process.pid]);
      expect(sampler.tracked).toBe(2); // a sample missed is not yet a process gone
      clock += BASELINE_TTL_MS;
      await sampler.sample([process.pid]);
      expect(sampler.tracked).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('forget() drops the baseline', async () => {
    const sampler = createProcessSampler();
    await sampler.sample([process.pid]);
    sampler.forget(process.pid);
    expect((await sampler.sample([process.pid])).get(process.pid)!.cpuPercent).toBeNull();
  });
});

describe('synchronous RSS reader (--max-worker-rss after each request)', () => {
  it.runIf(process.platform === 'linux')(
    'follows a growing process, read after read, and answers null once it is gone [platform-specific: linux]',
    async () => {
      const open = (await rssReaders())!;
      const own = open(process.pid)!;
      const first = own.read()!;
      expect(first).toBeGreaterThan(process.memoryUsage.rss() * 0.5);
      const held = Buffer.alloc(64 * 1024 * 1024, 1); // touched: resident
      expect(own.read()!).toBeGreaterThan(first + 60 * 1024 * 1024);
      expect(held.length).toBeGreaterThan(0);
      own.close();
      expect(own.read()).toBeNull();

      const child = await startChild();
      try {
        const reader = open(child.pid!)!;
        expect(reader.read()).toBeGreaterThan(0);
        child.kill('SIGKILL');
        await once(child, 'exit');
        expect(reader.read()).toBeNull();
        reader.close();
      } finally {
        child.kill('SIGKILL');
      }
    },
  );

  it('elsewhere there is none (the periodic sample is all there is)', async () => {
    expect(await rssReaders('darwin')).toBeNull();
    expect(await rssReaders('win32')).toBeNull();
  });
});
