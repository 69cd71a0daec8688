// The FastCGI codec against protocol/fastcgi-vectors.json, byte for byte (the Python worker is checked
// against the same file), plus the request-head encoder the gateway uses on every request.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RequestHeadEncoder, encodeStdin } from '../../src/fastcgi/request-head.js';
import {
  RecordDecoder,
  RecordType,
  decodeBeginRequest,
  decodeEndRequest,
  decodeNameValuePairs,
  encodeAbortRequest,
  encodeBeginRequest,
  encodeEndRequest,
  encodeNameValuePairs,
  encodeRecord,
  encodeStream,
  type FcgiRecord,
} from '../../src/fastcgi/records.js';

interface VectorRecord {
  type: number;
  requestId: number;
  contentHex: string;
  paddingLength: number;
  role?: number;
  flags?: number;
  appStatus?: number;
  protocolStatus?: number;
  pairs?: Array<[string, string]>;
}
interface Vector {
  name: string;
  canonical: boolean;
  hex: string;
  records: VectorRecord[];
  streams?: Array<{ type: number; requestId: number; pairs?: Array<[string, string]>; contentHex?: string }>;
}

const vectors = (
  JSON.parse(readFileSync(new URL('../../../protocol/fastcgi-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] }
).vectors;

function decodeAll(bytes: Buffer, chunkSize = bytes.length): FcgiRecord[] {
  const out: FcgiRecord[] = [];
  const d = new RecordDecoder((r) => out.push({ ...r, content: Buffer.from(r.content) }));
  for (let i = 0; i < bytes.length; i += chunkSize) d.push(bytes.subarray(i, i + chunkSize));
  expect(d.buffered).toBe(0);
  return out;
}

/** Encodes one vector record the way our encoder would. */
function encodeVectorRecord(r: VectorRecord): Buffer {
  if (r.type === RecordType.BEGIN_REQUEST) return encodeBeginRequest(r.requestId, r.role, r.flags);
  if (r.type === RecordType.END_REQUEST) return encodeEndRequest(r.requestId, r.appStatus!, r.protocolStatus!);
  if (r.type === RecordType.ABORT_REQUEST) return encodeAbortRequest(r.requestId);
  return encodeRecord(r.type, r.requestId, Buffer.from(r.contentHex, 'hex'));
}

describe('FastCGI vectors', () => {
  expect(vectors.length).toBeGreaterThan(10);

  for (const v of vectors) {
    it(`decodes ${v.name} (whole and byte by byte)`, () => {
      const bytes = Buffer.from(v.hex, 'hex');
      for (const size of [bytes.length, 1, 7]) {
        const got = decodeAll(bytes, size);
        expect(got.map((r) => [r.type, r.requestId, r.content.toString('hex')])).toEqual(
          v.records.map((r) => [r.type, r.requestId, r.contentHex]),
        );
      }
      for (const [i, r] of v.records.entries()) {
        const content = Buffer.from(r.contentHex, 'hex');
        if (r.role !== undefined) expect(decodeBeginRequest(content)).toEqual({ role: r.role, flags: r.flags });
        if (r.appStatus !== undefined)
          expect(decodeEndRequest(content)).toEqual({ appStatus: r.appStatus, protocolStatus: r.protocolStatus });
        if (r.pairs) expect(decodeNameValuePairs(content)).toEqual(r.pairs);
        void i;
      }
      for (const s of v.streams ?? []) {
        const content = Buffer.concat(
          v.records.filter((r) => r.type === s.type && r.requestId === s.requestId).map((r) => Buffer.from(r.contentHex, 'hex')),
        );
        if (s.pairs) expect(decodeNameValuePairs(content)).toEqual(s.pairs);
        if (s.contentHex) expect(content.toString('hex')).toBe(s.contentHex);
      }
    });

    if (v.canonical) {
      it(`encodes ${v.name} byte-identically`, () => {
        const streamed = new Set<string>();
        const parts: Buffer[] = [];
        for (const r of v.records) {
          const s = v.streams?.find((x) => x.type === r.type && x.requestId === r.requestId);
          if (s) {
            const key = `${s.type}/${s.requestId}`;
            if (streamed.has(key)) continue;
            streamed.add(key);
            // A stream is written whole: our encoder decides the record split (65535) itself.
            const content = s.pairs ? encodeNameValuePairs(s.pairs) : Buffer.from(s.contentHex!, 'hex');
            const records = v.records.filter((x) => x.type === s.type && x.requestId === s.requestId);
            const hasEnd = records.some((x) => x.contentHex === '');
            const nonEmpty = records.filter((x) => x.contentHex !== '');
            if (s.pairs && nonEmpty.length > 1) {
              // The vector splits a pair across records on purpose: rebuild its split.
              for (const x of nonEmpty) parts.push(encodeRecord(x.type, x.requestId, Buffer.from(x.contentHex, 'hex')));
            } else parts.push(encodeStream(s.type, s.requestId, content));
            if (hasEnd) parts.push(encodeRecord(s.type, s.requestId));
            continue;
          }
          parts.push(encodeVectorRecord(r));
        }
        expect(Buffer.concat(parts).toString('hex')).toBe(v.hex);
      });
    }
  }

  it('name-value pairs round-trip with 1- and 4-byte lengths and latin-1 bytes', () => {
    const pairs: Array<[string, string]> = [
      ['A', ''],
      ['N'.repeat(127), 'v'.repeat(128)],
      ['PATH_INFO', '/caf\u00e9'],
      ['X', 'y'.repeat(70000)],
    ];
    expect(decodeNameValuePairs(encodeNameValuePairs(pairs))).toEqual(pairs);
  });

  it('splits a stream at 65535 bytes with 8-byte padding', () => {
    const out = encodeStream(RecordType.STDOUT, 1, Buffer.alloc(65540, 0x78));
    const recs = decodeAll(out);
    expect(recs.map((r) => r.content.length)).toEqual([65535, 5]);
    expect(out.length).toBe(8 + 65535 + 1 + 8 + 5 + 3);
  });
});

describe('RequestHeadEncoder', () => {
  const encoder = new RequestHeadEncoder([
    ['SCRIPT_NAME', ''],
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
  ]);

  it('writes BEGIN + PARAMS + empty PARAMS + empty STDIN in one buffer', () => {
    const buf = encoder.encode(1, { names: ['REQUEST_METHOD', 'PATH_INFO'], values: ['GET', '/caf\u00e9'] }, true);
    const recs = decodeAll(buf);
    expect(recs.map((r) => r.type)).toEqual([RecordType.BEGIN_REQUEST, RecordType.PARAMS, RecordType.PARAMS, RecordType.STDIN]);
    expect(decodeBeginRequest(recs[0]!.content)).toEqual({ role: 1, flags: 1 });
    expect(decodeNameValuePairs(recs[1]!.content)).toEqual([
      ['SCRIPT_NAME', ''],
      ['GATEWAY_INTERFACE', 'CGI/1.1'],
      ['REQUEST_METHOD', 'GET'],
      ['PATH_INFO', '/caf\u00e9'],
    ]);
    expect(recs[2]!.content.length).toBe(0);
    expect(recs[3]!.content.length).toBe(0);
    expect(buf.length % 8).toBe(0);
  });

  it('leaves STDIN open when a body follows, and matches the generic encoder byte for byte', () => {
    const params = { names: ['HTTP_COOKIE'], values: ['a=1'] };
    const buf = encoder.encode(1, params, false);
    const expected = Buffer.concat([
      encodeBeginRequest(1),
      encodeStream(
        RecordType.PARAMS,
        1,
        encodeNameValuePairs([
          ['SCRIPT_NAME', ''],
          ['GATEWAY_INTERFACE', 'CGI/1.1'],
          ['HTTP_COOKIE', 'a=1'],
        ]),
      ),
      encodeRecord(RecordType.PARAMS, 1),
    ]);
    expect(buf.toString('hex')).toBe(expected.toString('hex'));
  });

  it('splits params past 64 KiB across records', () => {
    const big = 'c'.repeat(100_000);
    const recs = decodeAll(encoder.encode(1, { names: ['HTTP_COOKIE'], values: [big] }, true));
    const params = recs.filter((r) => r.type === RecordType.PARAMS && r.content.length > 0);
    expect(params.length).toBe(2);
    expect(decodeNameValuePairs(Buffer.concat(params.map((r) => r.content)))).toContainEqual(['HTTP_COOKIE', big]);
  });

  it('encodes STDIN chunks as padded records', () => {
    const parts = encodeStdin(1, Buffer.from('hello world'));
    expect(Buffer.concat(parts).toString('hex')).toBe('01050001000b050068656c6c6f20776f726c640000000000');
  });
});

describe('RecordDecoder with streamTypes', () => {
  it('hands STDOUT/STDERR content on in pieces that add up, other records whole, whatever the read sizes', () => {
    const body = Buffer.alloc(70_001);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 0xff;
    const bytes = Buffer.concat([
      encodeStream(RecordType.STDOUT, 1, body),
      encodeStream(RecordType.STDERR, 1, Buffer.from('line one\nline two\n')),
      encodeRecord(RecordType.STDOUT, 1),
      encodeEndRequest(1, 0, 0),
    ]);
    for (const size of [1, 7, 4096, 65536, bytes.length]) {
      const got: FcgiRecord[] = [];
      const d = new RecordDecoder((r) => got.push({ ...r, content: Buffer.from(r.content) }), {
        streamTypes: [RecordType.STDOUT, RecordType.STDERR],
      });
      for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
      expect(d.buffered).toBe(0);
      const of = (t: number) => Buffer.concat(got.filter((r) => r.type === t).map((r) => r.content));
      expect(of(RecordType.STDOUT).equals(body)).toBe(true);
      expect(of(RecordType.STDERR).toString()).toBe('line one\nline two\n');
      const ends = got.filter((r) => r.type === RecordType.END_REQUEST);
      expect(ends.map((r) => decodeEndRequest(r.content))).toEqual([{ appStatus: 0, protocolStatus: 0 }]);
      expect(got.at(-1)!.type).toBe(RecordType.END_REQUEST);
      // The empty STDOUT record (end of stream) still arrives, whole.
      expect(got.some((r) => r.type === RecordType.STDOUT && r.content.length === 0)).toBe(true);
    }
  });
});
