// Request limits and hostile input over real workers: every bad request gets its status and the server
// keeps serving afterwards.
import { describe, expect, it } from 'vitest';
import { RawConnection, parseResponses, rawExchange, type RawResponse } from '../helpers/raw-http.js';
import { appScope } from '../runtime/harness.js';
import { fetchRaw } from './http-client.js';

const app = appScope({ workers: 1, limitRequestLine: 200, limitRequestFields: 10, limitRequestFieldSize: 100, limitRequestBody: 1000 });

/** Sends raw bytes and waits for the server to close the connection, as it must after a refused request. */
async function sendUntilClosed(data: string): Promise<{ responses: RawResponse[]; closed: boolean }> {
  const c = await RawConnection.connect(app.port);
  try {
    await c.write(data).catch(() => undefined);
    const closed = await c.waitForClose(10_000);
    return { responses: parseResponses(c.received, [], true).responses, closed };
  } finally {
    c.destroy();
  }
}

async function stillServing(): Promise<void> {
  const r = await fetchRaw(`${app.url}/`);
  expect(r.status).toBe(200);
}

describe('limits', () => {
  it("414 for a request line over the limit (ours, and past node's own head limit)", async () => {
    for (const len of [300, 100_000]) {
      const { responses, closed } = await sendUntilClosed(`GET /${'a'.repeat(len)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(responses[0]!.status).toBe(414);
      expect(closed).toBe(true);
    }
    await stillServing();
  });

  it('431 for too many header fields and for one field too large', async () => {
    const many = Array.from({ length: 11 }, (_, i) => `X-H${i}: v\r\n`).join('');
    expect((await rawExchange(app.port, `GET / HTTP/1.1\r\nHost: x\r\n${many}\r\n`)).responses[0]!.status).toBe(431);
    expect((await rawExchange(app.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(120)}\r\n\r\n`)).responses[0]!.status).toBe(431);
    const huge = await rawExchange(app.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ${'b'.repeat(200_000)}\r\n\r\n`);
    expect(huge.responses[0]!.status).toBe(431);
    await stillServing();
  });

  it('413 for a body over the limit, by Content-Length and by chunked length', async () => {
    expect((await rawExchange(app.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n')).responses[0]!.status).toBe(413);
    const chunk = 'x'.repeat(600);
    const chunked = `POST /count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`;
    const r = await rawExchange(app.port, chunked);
    expect(r.responses[0]!.status).toBe(413);
    await stillServing();
  });

  it('400 for Content-Length together with Transfer-Encoding (smuggling), connection closed', async () => {
    const smuggle =
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /pid HTTP/1.1\r\nHost: x\r\n\r\n';
    const { responses, closed } = await sendUntilClosed(smuggle);
    expect(responses[0]!.status).toBe(400);
    expect(responses.length).toBe(1);
    expect(closed).toBe(true);
    await stillServing();
  });

  it('505 for an HTTP version we do not speak', async () => {
    for (const v of ['2.0', '9.9']) {
      const { responses, closed } = await sendUntilClosed(`GET / HTTP/${v}\r\nHost: x\r\n\r\n`);
      expect(responses[0]?.status, v).toBe(505);
      expect(closed).toBe(true);
    }
  });

  it('400 for garbage, a missing or doubled Host, duplicate conflicting Content-Length', async () => {
    for (const bad of [
      'NOT HTTP AT ALL\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx',
      'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n',
    ]) {
      const { responses, closed } = await sendUntilClosed(bad);
      expect(responses[0]?.status, bad).toBe(400);
      expect(closed).toBe(true);
    }
    await stillServing();
  });

  it('keeps serving when a client vanishes mid-upload', async () => {
    const c = await RawConnection.connect(app.port);
    await c.write('POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n' + 'y'.repeat(100));
    c.destroy();
    await stillServing();
    const r = await fetchRaw(`${app.url}/count`, { method: 'POST', body: 'z'.repeat(900) });
    expect(r.text()).toBe('900');
  });
});
