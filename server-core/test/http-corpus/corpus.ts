// Loads the raw-request corpus: valid|invalid/NNN.http (bytes to send) with NNN.json (what must happen).
//
// .http files are written for people, gunicorn-style: real newlines in the file are ignored, and
// the bytes on the wire are spelled with escapes: \r \n \t \\ \xHH. Macros build large inputs:
//   {repeat:N:TEXT}      TEXT repeated N times
//   {headers:N}          N fields "X-H-i: v\r\n" (i = 1..N)
//   {bigheaders:N:SIZE}  N fields "X-Big-i: " + SIZE bytes of "b" + "\r\n"
//
// .json: { description, interaction?: "send" | "expect-100" | "vanish" | "stall", methods?: [..],
//          responses: [Expected...], close: bool, closeWithinMs?: N (stall only),
//          interim?: [1xx statuses that must come first] }   or   { description, anyOf: [{responses, close}...] }
// Expected: { status: N | [N...], environ?: {KEY: value | null (absent)}, body?: string (what the
//             app read from wsgi.input), bodyLength?: N (its length), wireBodyLength?: N (response body bytes), headers?: {lower-case name: value} }
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ExpectedResponse {
  readonly status: number | readonly number[];
  readonly environ?: Readonly<Record<string, string | null>>;
  readonly body?: string;
  /** How many bytes the app read from wsgi.input. */
  readonly bodyLength?: number;
  /** How many body bytes the response carried on the wire (0 for HEAD). */
  readonly wireBodyLength?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Outcome {
  readonly responses: readonly ExpectedResponse[];
  /** The server must close the connection after the last response (else: it must keep it open). */
  readonly close: boolean;
}

export interface CorpusCase {
  readonly id: string;
  readonly description: string;
  readonly interaction: 'send' | 'expect-100' | 'vanish' | 'stall';
  readonly methods: readonly string[];
  readonly bytes: Buffer;
  readonly outcomes: readonly Outcome[];
  /** When set, the interim (1xx) statuses that must precede the final responses. */
  readonly interim?: readonly number[];
  /** For "stall": how long the server may take to give up (default 15 s). */
  readonly closeWithinMs: number;
}

const HERE = new URL('.', import.meta.url).pathname;

export function expandMacros(text: string): string {
  return text
    .replace(/\{repeat:(\d+):([^}]*)\}/g, (_, n: string, t: string) => t.repeat(Number(n)))
    .replace(/\{headers:(\d+)\}/g, (_, n: string) => Array.from({ length: Number(n) }, (_x, i) => `X-H-${i + 1}: v\\r\\n`).join(''))
    .replace(/\{bigheaders:(\d+):(\d+)\}/g, (_, n: string, size: string) =>
      Array.from({ length: Number(n) }, (_x, i) => `X-Big-${i + 1}: ${'b'.repeat(Number(size))}\\r\\n`).join(''),
    );
}

export function decodeEscapes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out.push(text.charCodeAt(i) & 0xff);
      continue;
    }
    const n = text[++i];
    if (n === 'r') out.push(13);
    else if (n === 'n') out.push(10);
    else if (n === 't') out.push(9);
    else if (n === '\\') out.push(92);
    else if (n === 'x') {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`unknown escape \\${n}`);
  }
  return Buffer.from(out);
}

function loadCase(dir: 'valid' | 'invalid', num: string): CorpusCase {
  const raw = readFileSync(join(HERE, dir, `${num}.http`), 'latin1').replace(/\n/g, '');
  const spec = JSON.parse(readFileSync(join(HERE, dir, `${num}.json`), 'utf8')) as {
    description: string;
    interaction?: CorpusCase['interaction'];
    methods?: string[];
    responses?: ExpectedResponse[];
    close?: boolean;
    anyOf?: Outcome[];
    closeWithinMs?: number;
    interim?: number[];
  };
  const outcomes = spec.anyOf ?? [{ responses: spec.responses ?? [], close: spec.close ?? false }];
  return {
    id: `${dir}/${num}`,
    description: spec.description,
    interaction: spec.interaction ?? 'send',
    methods: spec.methods ?? [],
    bytes: decodeEscapes(expandMacros(raw)),
    outcomes,
    closeWithinMs: spec.closeWithinMs ?? 15_000,
    ...(spec.interim ? { interim: spec.interim } : {}),
  };
}

export function loadCorpus(dir: 'valid' | 'invalid'): CorpusCase[] {
  return readdirSync(join(HERE, dir))
    .filter((f) => f.endsWith('.http'))
    .sort()
    .map((f) => loadCase(dir, f.slice(0, -5)));
}
