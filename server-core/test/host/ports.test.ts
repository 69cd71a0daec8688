// Port checks: a taken port is reported with the process holding it (ourselves here), and a free one suggested.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findPortHolder, nextFreePort, probeBind } from '../../src/host/ports.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function occupy(): Promise<number> {
  const s = net.createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

describe('ports', () => {
  it('a listening port is not free, and its holder is this process', async () => {
    const port = await occupy();
    const probe = await probeBind('127.0.0.1', port);
    expect(probe).toMatchObject({ free: false, code: 'EADDRINUSE' });
    const holder = await findPortHolder(port);
    expect(holder?.pid).toBe(process.pid);
    expect(holder?.command).toContain('node');
  });

  it('suggests the next free port, skipping excluded ones', async () => {
    const port = await occupy();
    const next = await nextFreePort('127.0.0.1', port, new Set([port + 1]));
    expect(next).not.toBeNull();
    expect(next!).toBeGreaterThan(port + 1);
    expect((await probeBind('127.0.0.1', next!)).free).toBe(true);
  });

  it('a port nobody holds has no holder', async () => {
    const port = await occupy();
    await new Promise((r) => servers.pop()!.close(r));
    expect(await findPortHolder(port)).toBeNull();
  });
});
