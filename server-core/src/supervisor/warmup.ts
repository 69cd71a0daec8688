// The warm-up request a new worker must answer (non-5xx) before it takes traffic on reload: a GET
// straight to that worker over FastCGI, bypassing the dispatcher.
import type { CgiHead } from '../fastcgi/cgi-response.js';
import { RequestHeadEncoder } from '../fastcgi/request-head.js';
import { WorkerConnection } from '../fastcgi/worker-connection.js';
import { newRequestId } from '../gateway/request-id.js';
import { timerMs } from '../timer-ms.js';

const encoder = new RequestHeadEncoder([
  ['GATEWAY_INTERFACE', 'CGI/1.1'],
  ['SCRIPT_NAME', ''],
]);

/** Resolves with the status the worker answered, rejects if it could not answer within `timeoutMs`. */
export function warmupRequest(socketPath: string, path: string, timeoutMs: number): Promise<number> {
  const q = path.indexOf('?');
  const names = [
    'REQUEST_METHOD',
    'REQUEST_URI',
    'PATH_INFO',
    'QUERY_STRING',
    'SERVER_PROTOCOL',
    'SERVER_NAME',
    'SERVER_PORT',
    'REMOTE_ADDR',
    'HTTP_HOST',
    'HTTP_X_REQUEST_ID',
    'HTTP_USER_AGENT',
  ];
  const values = [
    'GET',
    path,
    decodeURIComponent(q === -1 ? path : path.slice(0, q)),
    q === -1 ? '' : path.slice(q + 1),
    'HTTP/1.1',
    'localhost',
    '80',
    '127.0.0.1',
    'localhost',
    newRequestId(),
    'gantry-warmup',
  ];
  return new Promise((resolve, reject) => {
    const conn = new WorkerConnection(socketPath);
    let status = 0;
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new Error(`warm-up GET ${path} did not answer within ${timeoutMs} ms`));
    }, timerMs(timeoutMs));
    const finish = (err: Error | null): void => {
      clearTimeout(timer);
      conn.destroy();
      if (err) reject(err);
      else resolve(status);
    };
    conn.ensureConnected((err) => {
      if (err) return finish(err);
      conn.begin((id) => encoder.encode(id, { names, values }, true), {
        head: (h: CgiHead) => {
          status = h.status;
        },
        body: () => true,
        stderr: () => {},
        stdout: () => {},
        end: () => finish(null),
        fail: (e) => finish(e),
      });
    });
  });
}
