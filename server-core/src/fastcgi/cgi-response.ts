// Parses the CGI response a worker writes on FCGI_STDOUT: `Status:` and header lines, a blank line, then
// the body. Headers may arrive split across records, so bytes are held until the blank line is seen.

export interface CgiHead {
  readonly status: number;
  readonly reason: string;
  /** Flat [name, value, name, value, …] as node's writeHead takes it, hop-by-hop headers removed. */
  readonly headers: string[];
  /** The app asked for `Connection: close`. */
  readonly close: boolean;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailers', 'transfer-encoding', 'upgrade']);
const MAX_HEAD = 1 << 20;

export class CgiResponseParser {
  private held: Buffer | null = null;
  head: CgiHead | null = null;

  /**
   * Feeds STDOUT bytes. Returns body bytes that follow the head (possibly empty) once the head is
   * complete, else null. Throws on a malformed head.
   */
  push(chunk: Buffer): Buffer | null {
    if (this.head !== null) return chunk;
    const buf = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
    const end = findHeadEnd(buf);
    if (end === null) {
      if (buf.length > MAX_HEAD) throw new Error('response head larger than 1 MiB');
      this.held = buf === chunk ? Buffer.from(chunk) : buf;
      return null;
    }
    this.held = null;
    this.head = parseHead(buf.toString('latin1', 0, end.headEnd));
    return buf.subarray(end.bodyStart);
  }

  reset(): void {
    this.held = null;
    this.head = null;
  }
}

function findHeadEnd(buf: Buffer): { headEnd: number; bodyStart: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf !== -1) return { headEnd: lf, bodyStart: lf + 2 };
  return null;
}

export function parseHead(text: string): CgiHead {
  let status = 0;
  let reason = '';
  let close = false;
  let location = false;
  const headers: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed response header line: ${JSON.stringify(line.slice(0, 100))}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    if (lower === 'status') {
      const m = /^(\d{3})(?:\s+(.*))?$/.exec(value);
      if (!m) throw new Error(`malformed Status: ${JSON.stringify(value)}`);
      status = Number(m[1]);
      reason = m[2] ?? '';
      continue;
    }
    if (HOP_BY_HOP.has(lower)) {
      if (lower === 'connection' && /\bclose\b/i.test(value)) close = true;
      continue;
    }
    if (lower === 'location') location = true;
    headers.push(name, value);
  }
  if (status === 0) status = location ? 302 : 200;
  return { status, reason, headers, close };
}
