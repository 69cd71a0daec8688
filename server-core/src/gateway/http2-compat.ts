// HTTP/2 requests and responses as the gateway sees them (node:http2's compatibility API): how to tell
// them apart, and response heads without HTTP/1-only parts. Loads nothing, so plain-HTTP serving stays lean.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function isHttp2(req: Pick<IncomingMessage, 'httpVersionMajor'>): boolean {
  return req.httpVersionMajor === 2;
}

export function isHttp2Response(res: ServerResponse): boolean {
  return 'stream' in res;
}

/** RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2 (node throws on them). */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** A flat [name, value, …] response head with the HTTP/1-only fields left out. */
export function http2ResponseHeaders(flat: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (CONNECTION_SPECIFIC.has(flat[i]!.toLowerCase())) continue;
    out.push(flat[i]!, flat[i + 1]!);
  }
  return out;
}

/** RFC 9113 §7 INTERNAL_ERROR, written out so this module keeps loading nothing (node:http2 constants). */
const H2_INTERNAL_ERROR = 0x2;

/**
 * Ends an incomplete HTTP/2 response so the client can tell: RST_STREAM with INTERNAL_ERROR, never a clean
 * END_STREAM (`res.destroy()` without an error resets with NO_ERROR, which clients read as a complete
 * response). Only the stream goes; the connection's other streams carry on.
 */
export function resetHttp2Stream(res: ServerResponse): void {
  (res as unknown as { stream: { close(code: number): void } }).stream.close(H2_INTERNAL_ERROR);
}
