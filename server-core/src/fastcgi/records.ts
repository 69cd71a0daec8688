// FastCGI 1.0 record codec: headers, name-value pairs, padding, 65535-byte splits, and a streaming decoder.
// The byte layout is checked against protocol/fastcgi-vectors.json, shared with the Python worker.

const FCGI_VERSION_1 = 1;
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
  /**
   * Gantry's extension (protocol/WORKER.md): what the app wrote to sys.stdout while the request ran, as that
   * request's stream. The worker sends it only when started with --request-stdout; it ends with END_REQUEST.
   */
  GANTRY_STDOUT: 64,
} as const;

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
export function writeHeader(
  buf: Buffer,
  offset: number,
  type: number,
  requestId: number,
  contentLength: number,
  paddingLength: number,
): number {
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

export interface RecordDecoderOptions {
  /**
   * Record types whose content may be handed on in pieces as it arrives (the stream records: STDOUT,
   * STDERR). A 64 KiB response piece is a 65535-byte record that socket reads nearly always cut in two;
   * made whole, it costs two copies and the garbage they leave (a third of the gateway's time in a large
   * download). Such a record then reaches `onRecord` as several records of the same type and id whose
   * contents add up to the original; other types always arrive whole.
   */
  readonly streamTypes?: readonly number[];
}

/**
 * Streaming record decoder: feed it socket chunks, it calls `onRecord` for each complete record.
 * Content is a view into the chunk when the record lies inside one chunk (no copy on the hot path).
 */
export class RecordDecoder {
  private pending: Buffer | null = null;
  private readonly streamed = new Uint8Array(256);
  /** A stream record being handed on in pieces: its type and id, content still to come, padding to skip. */
  private partType = 0;
  private partId = 0;
  private partLeft = 0;
  private padLeft = 0;

  constructor(
    private readonly onRecord: (record: FcgiRecord) => void,
    options: RecordDecoderOptions = {},
  ) {
    for (const t of options.streamTypes ?? []) this.streamed[t & 0xff] = 1;
  }

  /** Bytes held back waiting for the rest of a record. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    let at = 0;
    if (this.partLeft > 0 || this.padLeft > 0) {
      if (this.partLeft > 0) {
        const n = Math.min(this.partLeft, buf.length);
        this.partLeft -= n;
        at = n;
        this.onRecord({ type: this.partType, requestId: this.partId, content: buf.subarray(0, n) });
      }
      if (this.partLeft === 0 && this.padLeft > 0) {
        const n = Math.min(this.padLeft, buf.length - at);
        this.padLeft -= n;
        at += n;
      }
      if (this.partLeft > 0 || this.padLeft > 0 || at === buf.length) return;
    }
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, at === 0 ? buf : buf.subarray(at)]);
      this.pending = null;
      at = 0;
    }
    const n = buf.length;
    while (n - at >= FCGI_HEADER_LEN) {
      if (buf[at] !== FCGI_VERSION_1) throw new Error(`unsupported FastCGI version ${buf[at]}`);
      const contentLength = (buf[at + 4]! << 8) | buf[at + 5]!;
      const paddingLength = buf[at + 6]!;
      const end = at + FCGI_HEADER_LEN + contentLength + paddingLength;
      const type = buf[at + 1]!;
      const requestId = (buf[at + 2]! << 8) | buf[at + 3]!;
      const start = at + FCGI_HEADER_LEN;
      if (end > n) {
        if (contentLength === 0 || this.streamed[type] !== 1) break;
        // Hand on what has come of this record's content; the rest follows in the next chunks.
        const have = n - start;
        const content = Math.min(contentLength, have);
        this.partType = type;
        this.partId = requestId;
        this.partLeft = contentLength - content;
        this.padLeft = paddingLength - (have - content);
        at = n;
        if (content > 0) this.onRecord({ type, requestId, content: buf.subarray(start, start + content) });
        return;
      }
      at = end;
      this.onRecord({ type, requestId, content: buf.subarray(start, start + contentLength) });
    }
    if (at < n) this.pending = Buffer.from(buf.subarray(at));
  }
}
