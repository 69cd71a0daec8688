// A small node:http client for integration tests: status, headers and the whole body.
import { request, type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  text(): string;
}

export function fetchRaw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: false } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: () => body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * POSTs `total` bytes generated 1 MiB at a time (never held whole), honouring back-pressure, and resolves
 * with the response body. `onBlock` runs before each block is written (memory sampling).
 */
export function uploadGenerated(url: string, total: number, onBlock: () => void = () => undefined): Promise<string> {
  const block = Buffer.alloc(1024 * 1024, 0x61);
  return new Promise<string>((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Length': String(total) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += block.length;
        onBlock();
        if (!req.write(block)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
