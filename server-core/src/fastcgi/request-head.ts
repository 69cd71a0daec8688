// Builds the bytes that open a FastCGI request in one buffer, for one socket write:
// BEGIN_REQUEST + PARAMS record(s) + empty PARAMS (+ empty STDIN when there is no body).
// This runs once per HTTP request, so constant params are encoded once and copied, and the variable
// ones are written straight into a single allocation.
import {
  FCGI_HEADER_LEN,
  FCGI_KEEP_CONN,
  FCGI_MAX_CONTENT,
  FCGI_RESPONDER,
  RecordType,
  encodeNameValuePairs,
  lengthSize,
  paddingFor,
  writeHeader,
  writeLength,
} from './records.js';

/** Variable params of one request, as parallel arrays (names are ASCII, values latin-1 strings). */
export interface ParamList {
  readonly names: string[];
  readonly values: string[];
}

export class RequestHeadEncoder {
  private readonly constant: Buffer;

  /** `constantPairs` are the params every request on this listener carries (SERVER_PORT, SCRIPT_NAME, …). */
  constructor(constantPairs: ReadonlyArray<readonly [string, string]>) {
    this.constant = encodeNameValuePairs(constantPairs);
  }

  encode(requestId: number, params: ParamList, endStdin: boolean): Buffer {
    const { names, values } = params;
    const count = names.length;
    let contentLength = this.constant.length;
    for (let i = 0; i < count; i++) {
      const nl = names[i]!.length;
      const vl = values[i]!.length;
      contentLength += nl + vl + lengthSize(nl) + lengthSize(vl);
    }
    if (contentLength > FCGI_MAX_CONTENT) return this.encodeLarge(requestId, params, endStdin);
    const padding = paddingFor(contentLength);
    const total = 16 + FCGI_HEADER_LEN + contentLength + padding + FCGI_HEADER_LEN + (endStdin ? FCGI_HEADER_LEN : 0);
    const out = Buffer.allocUnsafe(total);
    let at = writeBegin(out, requestId);
    at = writeHeader(out, at, RecordType.PARAMS, requestId, contentLength, padding);
    at += this.constant.copy(out, at);
    for (let i = 0; i < count; i++) {
      const name = names[i]!;
      const value = values[i]!;
      at = writeLength(out, at, name.length);
      at = writeLength(out, at, value.length);
      at += out.write(name, at, 'latin1');
      at += out.write(value, at, 'latin1');
    }
    out.fill(0, at, at + padding);
    at += padding;
    at = writeHeader(out, at, RecordType.PARAMS, requestId, 0, 0);
    if (endStdin) writeHeader(out, at, RecordType.STDIN, requestId, 0, 0);
    return out;
  }

  /** Params past 64 KiB (huge cookies): rare, so build the stream then split it into records. */
  private encodeLarge(requestId: number, params: ParamList, endStdin: boolean): Buffer {
    const pairs: Array<[string, string]> = params.names.map((n, i) => [n, params.values[i]!]);
    const content = Buffer.concat([this.constant, encodeNameValuePairs(pairs)]);
    const parts: Buffer[] = [];
    const begin = Buffer.allocUnsafe(16);
    writeBegin(begin, requestId);
    parts.push(begin);
    for (let start = 0; start < content.length; start += FCGI_MAX_CONTENT) {
      const len = Math.min(FCGI_MAX_CONTENT, content.length - start);
      const padding = paddingFor(len);
      const rec = Buffer.alloc(FCGI_HEADER_LEN + len + padding);
      writeHeader(rec, 0, RecordType.PARAMS, requestId, len, padding);
      content.copy(rec, FCGI_HEADER_LEN, start, start + len);
      parts.push(rec);
    }
    const tail = Buffer.allocUnsafe(endStdin ? 16 : 8);
    writeHeader(tail, 0, RecordType.PARAMS, requestId, 0, 0);
    if (endStdin) writeHeader(tail, 8, RecordType.STDIN, requestId, 0, 0);
    parts.push(tail);
    return Buffer.concat(parts);
  }
}

function writeBegin(out: Buffer, requestId: number): number {
  writeHeader(out, 0, RecordType.BEGIN_REQUEST, requestId, 8, 0);
  out[8] = 0;
  out[9] = FCGI_RESPONDER;
  out[10] = FCGI_KEEP_CONN;
  out.fill(0, 11, 16);
  return 16;
}

/** STDIN records carrying `chunk` (split at 65535), header and padding around a copy of the data. */
export function encodeStdin(requestId: number, chunk: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start < chunk.length; start += FCGI_MAX_CONTENT) {
    const len = Math.min(FCGI_MAX_CONTENT, chunk.length - start);
    const padding = paddingFor(len);
    const head = Buffer.alloc(FCGI_HEADER_LEN + (padding > 0 ? 0 : 0));
    writeHeader(head, 0, RecordType.STDIN, requestId, len, padding);
    out.push(head, chunk.subarray(start, start + len));
    if (padding > 0) out.push(PADDING.subarray(0, padding));
  }
  return out;
}

const PADDING = Buffer.alloc(8);
