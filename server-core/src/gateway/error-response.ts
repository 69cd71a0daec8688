// Responses the gateway makes itself (413, 502, 503, 504, …): short plain text, with the request id.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isHttp2Response } from './http2-compat.js';

/** Returns the body length written (0 when the response could not be sent). */
export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  requestId: string,
  extra: readonly string[] = [],
  close = false,
): number {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return 0;
  }
  const body = `${status} ${STATUS_CODES[status] ?? ''}\n${message}\n`;
  const headers = [
    'Content-Type',
    'text/plain; charset=utf-8',
    'Content-Length',
    String(Buffer.byteLength(body)),
    'X-Request-ID',
    requestId,
    ...extra,
  ];
  // HTTP/2 ends a stream, not the connection; Connection is not allowed there (RFC 9113 §8.2.2).
  if (close && !isHttp2Response(res)) headers.push('Connection', 'close');
  res.writeHead(status, headers);
  res.end(body);
  return Buffer.byteLength(body);
}

/** A raw error response on a socket whose request node could not parse; the connection is then closed. */
export function writeRawError(socket: Socket, status: number, message: string): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${status} ${STATUS_CODES[status] ?? ''}\n${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
