// The splitter on its own: line ends (\n, \r\n, lone \r, split across chunks), the cap and its marker on
// a character boundary, the idle flush.
import { describe, expect, it } from 'vitest';
import { LineSplitter, truncationMarker } from '../../src/logging/line-splitter.js';

function split(chunks: readonly string[], maxLineBytes = 16): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), { maxLineBytes, idleFlushMs: 0 });
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('ends lines at \\n, \\r\\n and a lone \\r, also across chunks', () => {
    expect(split(['a\nb\r\nc\rd'])).toEqual(['a', 'b', 'c', 'd']);
    expect(split(['a\r', '\nb\r', 'c\n'])).toEqual(['a', 'b', 'c']);
    expect(split(['\n\n'])).toEqual(['', '']);
    // A progress bar redraws from the start of the line: a \r on an empty line is not a line.
    expect(split(['\r10%\r20%\r', '\r30%\n'])).toEqual(['10%', '20%', '30%']);
  });

  it('cuts a long line, counts what it cut, and never splits a character', () => {
    expect(split(['0123456789abcdefXYZ\nok\n'])).toEqual([`0123456789abcdef${truncationMarker(3)}`, 'ok']);
    expect(split(['0123456789abcde', 'é', 'tail'])).toEqual([`0123456789abcde${truncationMarker(6)}`]);
    expect(split(['x'.repeat(1000), 'y'.repeat(1000)], 4)).toEqual([`xxxx${truncationMarker(1996)}`]);
  });

  it('keeps a copy of an unfinished line: the caller may read the next chunk into the same buffer', () => {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l), { maxLineBytes: 8, idleFlushMs: 0 });
    const buf = Buffer.alloc(8);
    for (const piece of ['abc', 'def\nghi', 'jklmno', 'p\n']) {
      buf.write(piece);
      s.push(buf.subarray(0, Buffer.byteLength(piece)));
      buf.fill('#');
    }
    expect(out).toEqual(['abcdef', `ghijklmn${truncationMarker(2)}`]);
  });

  it('flushes an unterminated line once the stream has been quiet', async () => {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l), { idleFlushMs: 20 });
    s.push(Buffer.from('loading'));
    s.push(Buffer.from('...'));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (out.length > 0) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    expect(out).toEqual(['loading...']);
    s.push(Buffer.from(' done\n'));
    expect(out).toEqual(['loading...', ' done']);
  });
});
