// FastCGI 1.0 record codec: headers, name-value pairs, padding, 65535-byte splits, and a streaming decoder.
// The byte layout is checked against protocol/fastcgi-vectors.json, shared with the Python worker.

export const FCGI_VERSION_1 = 1;
export const FCGI_HEADER_LEN = 8;
export const FCGI_MAX_CONTENT = 65535;

export const RecordType = {
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  DATA: 8,
  GET_VALUES: 9,
  GET_VALUES_RESULT: 10,
  UNKNOWN_TYPE: 11,
} as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

export const FCGI_RESPONDER = 1;
export const FCGI_KEEP_CONN = 1;

export const ProtocolStatus = { REQUEST_COMPLETE: 0, CANT_MPX_CONN: 1, OVERLOADED: 2, UNKNOWN_ROLE: 3 } as const;

export interface FcgiRecord {
  readonly type: number;
  readonly requestId: number;
  /** A view into the received bytes: valid until the decoder is fed again, copy it to keep it. */
  readonly content: Buffer;
}

/** Padding that brings content to a multiple of 8 bytes (what nginx and flup send). */
export function paddingFor(contentLength: number): number {
  return (8 - (contentLength & 7)) & 7;
}

/** Writes one record header at `offset`; returns the offset after it. */
export function writeHeader(buf: Buffer, offset: number, type: number, requestId: number, contentLength: number, paddingLength: number): number {
  buf[offset] = FCGI_VERSION_1;
  buf[offset + 1] = type;
  buf[offset + 2] = (requestId >> 8) & 0xff;
  buf[offset + 3] = requestId & 0xff;
  buf[offset + 4] = (contentLength >> 8) & 0xff;
  buf[offset + 5] = contentLength & 0xff;
  buf[offset + 6] = paddingLength;
  buf[offset + 7] = 0;
  return offset + FCGI_HEADER_LEN;
}

export interface EncodeOptions {
  /** Pad content to 8-byte multiples (default true). */
  readonly pad?: boolean;
}

/**
 * Encodes a stream's content as records of at most 65535 bytes each. An empty `content` gives one empty
 * record: the end-of-stream marker.
 */
export function encodeStream(type: number, requestId: number, content: Uint8Array, options: EncodeOptions = {}): Buffer {
  const pad = options.pad ?? true;
  const n = content.length;
  if (n === 0) return writeEmpty(type, requestId);
  const records = Math.ceil(n / FCGI_MAX_CONTENT);
  let total = 0;
  for (let i = 0; i < records; i++) {
    const len = Math.min(FCGI_MAX_CONTENT, n - i * FCGI_MAX_CONTENT);
    total += FCGI_HEADER_LEN + len + (pad ? paddingFor(len) : 0);
  }
  const out = Buffer.alloc(total);
  let at = 0;
  for (let i = 0; i < records; i++) {
    const start = i * FCGI_MAX_CONTENT;
    const len = Math.min(FCGI_MAX_CONTENT, n - start);
    const padding = pad ? paddingFor(len) : 0;
    at = writeHeader(out, at, type, requestId, len, padding);
    out.set(content.subarray(start, start + len), at);
    at += len + padding;
  }
  return out;
}

function writeEmpty(type: number, requestId: number): Buffer {
  const out = Buffer.allocUnsafe(FCGI_HEADER_LEN);
  writeHeader(out, 0, type, requestId, 0, 0);
  return out;
}

/** A single record (content must be ≤ 65535 bytes). */
export function encodeRecord(type: number, requestId: number, content: Uint8Array = Buffer.alloc(0), options: EncodeOptions = {}): Buffer {
  if (content.length > FCGI_MAX_CONTENT) throw new RangeError('record content exceeds 65535 bytes');
  return content.length === 0 ? writeEmpty(type, requestId) : encodeStream(type, requestId, content, options);
}

export function encodeBeginRequest(requestId: number, role = FCGI_RESPONDER, flags = FCGI_KEEP_CONN): Buffer {
  const out = Buffer.alloc(16);
  writeHeader(out, 0, RecordType.BEGIN_REQUEST, requestId, 8, 0);
  out[8] = (role >> 8) & 0xff;
  out[9] = role & 0xff;
  out[10] = flags;
  return out;
}

export function encodeAbortRequest(requestId: number): Buffer {
  return writeEmpty(RecordType.ABORT_REQUEST, requestId);
}

export function encodeEndRequest(requestId: number, appStatus: number, protocolStatus: number, options: EncodeOptions = {}): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(appStatus >>> 0, 0);
  body[4] = protocolStatus;
  return encodeRecord(RecordType.END_REQUEST, requestId, body, options);
}

export interface EndRequestBody {
  readonly appStatus: number;
  readonly protocolStatus: number;
}

export function decodeEndRequest(content: Buffer): EndRequestBody {
  if (content.length < 8) throw new Error('FCGI_END_REQUEST body shorter than 8 bytes');
  return { appStatus: content.readUInt32BE(0), protocolStatus: content[4]! };
}

export interface BeginRequestBody {
  readonly role: number;
  readonly flags: number;
}

export function decodeBeginRequest(content: Buffer): BeginRequestBody {
  if (content.length < 8) throw new Error('FCGI_BEGIN_REQUEST body shorter than 8 bytes');
  return { role: (content[0]! << 8) | content[1]!, flags: content[2]! };
}

/** Bytes a name or value length takes: 1 below 128, else 4 (high bit set). */
export function lengthSize(n: number): number {
  return n < 128 ? 1 : 4;
}

export function writeLength(buf: Buffer, offset: number, n: number): number {
  if (n < 128) {
    buf[offset] = n;
    return offset + 1;
  }
  buf.writeUInt32BE((n | 0x80000000) >>> 0, offset);
  return offset + 4;
}

/** Name-value pairs as FastCGI encodes them (PARAMS, GET_VALUES). Strings are written as latin-1 bytes. */
export function encodeNameValuePairs(pairs: Iterable<readonly [string | Uint8Array, string | Uint8Array]>): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  for (const [name, value] of pairs) {
    const n = typeof name === 'string' ? Buffer.from(name, 'latin1') : Buffer.from(name);
    const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value);
    const head = Buffer.allocUnsafe(lengthSize(n.length) + lengthSize(v.length));
    writeLength(head, writeLength(head, 0, n.length), v.length);
    parts.push(head, n, v);
    total += head.length + n.length + v.length;
  }
  return Buffer.concat(parts, total);
}

/** Decodes name-value pairs; names and values come back as latin-1 strings (byte-preserving). */
export function decodeNameValuePairs(buf: Buffer): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let at = 0;
  const readLen = (): number => {
    if (at >= buf.length) throw new Error('truncated name-value length');
    const b = buf[at]!;
    if (b < 128) {
      at += 1;
      return b;
    }
    if (at + 4 > buf.length) throw new Error('truncated name-value length');
    const n = buf.readUInt32BE(at) & 0x7fffffff;
    at += 4;
    return n;
  };
  while (at < buf.length) {
    const nl = readLen();
    const vl = readLen();
    if (at + nl + vl > buf.length) throw new Error('truncated name-value pair');
    const name = buf.toString('latin1', at, at + nl);
    at += nl;
    const value = buf.toString('latin1', at, at + vl);
    at += vl;
    out.push([name, value]);
  }
  return out;
}

/**
 * Streaming record decoder: feed it socket chunks, it calls `onRecord` for each complete record.
 * Content is a view into the chunk when the record lies inside one chunk (no copy on the hot path).
 */
export class RecordDecoder {
  private pending: Buffer | null = null;

  constructor(private readonly onRecord: (record: FcgiRecord) => void) {}

  /** Bytes held back waiting for the rest of a record. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let at = 0;
    const n = buf.length;
    while (n - at >= FCGI_HEADER_LEN) {
      if (buf[at] !== FCGI_VERSION_1) throw new Error(`unsupported FastCGI version ${buf[at]}`);
      const contentLength = (buf[at + 4]! << 8) | buf[at + 5]!;
      const end = at + FCGI_HEADER_LEN + contentLength + buf[at + 6]!;
      if (end > n) break;
      const type = buf[at + 1]!;
      const requestId = (buf[at + 2]! << 8) | buf[at + 3]!;
      const start = at + FCGI_HEADER_LEN;
      at = end;
      this.onRecord({ type, requestId, content: buf.subarray(start, start + contentLength) });
    }
    if (at < n) this.pending = Buffer.from(buf.subarray(at));
  }
}
