// Many slow uploads at once hold a bounded amount of the gateway's memory: each body keeps up to 1 MiB in
// memory while it is buffered, and all of them together at most --body-buffer-memory (gateway/body-memory-pool.ts);
// past that, bodies go to their temporary file. Measured on a real `gantry serve`, by its resident memory and
// by the temporary files it holds open.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../src/config/settings.js';
import { startGantry } from '../helpers/gantry.js';
import { cliScope } from '../helpers/cli-scope.js';
import { fetchRaw } from '../gateway/http-client.js';
import { FIXTURE_APPS, until } from '../runtime/harness.js';
import { cleanupPerTest } from '../helpers/per-test.js';

const s = cliScope();
const defer = cleanupPerTest();

const MiB = 1024 * 1024;
const BODY_MEMORY_TOTAL = defaultSettings().bodyBufferMemory;

async function serve(extra: readonly string[] = []): Promise<number> {
  const p = await startGantry({ chdir: FIXTURE_APPS, python: 'python3', args: ['-w', '1', ...extra], app: 'basic:application' });
  s.proc = p;
  return p.port;
}

/** Temporary body files process `pid` holds open (unlinked at once, so only /proc sees them). */
function spoolFiles(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).includes('gantry-body-')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** Bytes still in the kernel between the clients and the server on `port`: sent, not yet read by the gateway. */
function inFlight(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const [tx, rx] = f[4]!.split(':').map((h) => parseInt(h, 16));
    if (f[1]!.endsWith(`:${hexPort}`)) n += rx!; // the gateway's side: received, not yet read
    if (f[2]!.endsWith(`:${hexPort}`)) n += tx!; // a client's side: written, not yet sent
  }
  return n;
}

/** A POST that sends all of its body but the last byte, then waits (its socket is destroyed after the test). */
async function stalledUpload(port: number, sent: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  defer(() => socket.destroy());
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(`POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: ${sent + 1}\r\n\r\n`);
  await new Promise<void>((resolve) => socket.write(Buffer.alloc(sent, 'u'), () => resolve()));
  return socket;
}

describe('memory held by request bodies being buffered', () => {
  it('200 slow uploads of 1 MiB each hold about the total cap, not 200 MiB', async () => {
    const port = await serve();
    const pid = s.proc!.pid;
    expect((await fetchRaw(`http://127.0.0.1:${port}/count`, { method: 'POST', body: Buffer.alloc(1000) })).text()).toBe('1000');
    const before = rssBytes(pid);
    const n = 200;
    for (let i = 0; i < n; i += 20) await Promise.all(Array.from({ length: 20 }, () => stalledUpload(port, MiB)));
    await until(() => inFlight(port) === 0, 60_000, 'the gateway to have read every upload');
    const grown = rssBytes(pid) - before;
    console.log(`gateway RSS grew ${(grown / MiB).toFixed(0)} MiB with ${n} uploads of 1 MiB stalled (cap ${BODY_MEMORY_TOTAL / MiB} MiB)`);
    expect(grown).toBeLessThan(BODY_MEMORY_TOTAL + 56 * MiB);
    // It still serves.
    expect((await fetchRaw(`http://127.0.0.1:${port}/count`, { method: 'POST', body: Buffer.alloc(1000) })).text()).toBe('1000');
  }, 120_000);

  it('--body-buffer-memory sets that cap: past it, bodies wait in their temporary file (0: every body does)', async () => {
    const n = 8;
    for (const [cap, inMemory] of [
      [2 * MiB, 2],
      [0, 0],
    ] as const) {
      const port = await serve(['--body-buffer-memory', String(cap)]);
      const pid = s.proc!.pid;
      const uploads: Socket[] = [];
      for (let i = 0; i < n; i++) uploads.push(await stalledUpload(port, MiB));
      await until(() => inFlight(port) === 0, 60_000, 'the gateway to have read every upload');
      // Each body fits the 1 MiB a body may keep in memory: only the cap sends some to a file.
      expect(spoolFiles(pid)).toBeGreaterThanOrEqual(n - inMemory);
      for (const c of uploads) c.destroy();
      await s.proc!.stop();
      s.proc = null;
    }
    // With the default cap, the same uploads all stay in memory.
    const port = await serve();
    for (let i = 0; i < n; i++) await stalledUpload(port, MiB);
    await until(() => inFlight(port) === 0, 60_000, 'the gateway to have read every upload');
    expect(spoolFiles(s.proc!.pid)).toBe(0);
  }, 120_000);
});
