/// <reference types="node" />
// The command is checked by running it: real sh, real curl, a real HTTP server that records what arrived.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlCommand, requestUrl, shellQuote } from './request-curl';

const received: IncomingMessage[] = [];
const server = createServer((req, res) => {
  received.push(req);
  res.end('ok');
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function sh(command: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('/bin/sh', ['-c', command], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
  );
}

describe('curl command', () => {
  it('quotes for a POSIX shell: quotes, $, backticks, spaces, newlines stay literal', async () => {
    for (const s of [`it's`, '$HOME `id` $(id)', 'a b\tc', 'x\ny', "''", '']) expect(await sh(`printf %s ${shellQuote(s)}`)).toBe(s);
  });

  it('sends the same method, path, query and headers (masked stay masked) when run with curl', async () => {
    const cmd = curlCommand(
      {
        method: 'DELETE',
        path: "/items/42/it's",
        query: 'q=a%20b&x=$(id)',
        requestHeaders: {
          Host: 'example:1',
          'X-Note': `it's "$HOME" \`id\``,
          Authorization: 'Bearer ••••',
          Cookie: '••••',
          'Content-Length': '12',
          Accept: '*/*',
        },
      },
      base,
    );
    expect(cmd).not.toContain('Content-Length');
    expect(await sh(`${cmd} -sS`)).toBe('ok');
    const req = received.at(-1)!;
    expect(req.method).toBe('DELETE');
    expect(req.url).toBe("/items/42/it's?q=a%20b&x=$(id)");
    expect(req.headers['x-note']).toBe(`it's "$HOME" \`id\``);
    expect(Buffer.from(req.headers.authorization!, 'latin1').toString('utf8')).toBe('Bearer ••••');
    expect(Buffer.from(req.headers.cookie!, 'latin1').toString('utf8')).toBe('••••');
  });

  it('GET is plain, HEAD uses --head; the URL takes the base origin only', async () => {
    expect(curlCommand({ method: 'GET', path: '/', query: '' }, base)).toBe(`curl '${base}'`);
    expect(requestUrl({ path: '/a', query: 'b=1' }, 'http://127.0.0.1:9/x/y')).toBe('http://127.0.0.1:9/a?b=1');
    await sh(`${curlCommand({ method: 'HEAD', path: '/h', query: '' }, base)} -sS`);
    expect(received.at(-1)!.method).toBe('HEAD');
  });
});
