// The one text/event-stream parser (src/control/sse-parser.ts) that the renderer, `gantry apps` and the tests read
// the event stream with.
import { describe, expect, it } from 'vitest';
import { createSseParser, readSse, type SseMessage } from '../../src/control/sse-parser.js';

/** A body that delivers exactly these byte chunks. */
function body(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else controller.close();
    },
  });
}

describe('SSE parser', () => {
  it('parses events split across chunks at any byte', () => {
    const text = 'id: 7\nevent: access\ndata: {"a":1}\n\n: hb\n\nid: 8\nevent: status\ndata: x\ndata: y\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = createSseParser();
      const out = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(out).toEqual([
        { event: 'access', data: '{"a":1}', id: '7' },
        { event: 'status', data: 'x\ny', id: '8' },
      ]);
    }
  });

  it('accepts CRLF and CR line endings, including a CRLF split between chunks', () => {
    const p = createSseParser();
    expect(p.push('data: one\r')).toEqual([]);
    expect(p.push('\n\r\ndata: two\r\r\n')).toEqual([
      { event: 'message', data: 'one', id: null },
      { event: 'message', data: 'two', id: null },
    ]);
  });

  it('ignores comments and events without data, and reads retry', () => {
    const comments: string[] = [];
    const p = createSseParser({ onComment: (c) => comments.push(c) });
    expect(p.push(': keep-alive\n\nevent: nothing\n\nretry: 2500\n\n')).toEqual([]);
    expect(p.retryMs).toBe(2500);
    expect(comments).toEqual([' keep-alive']);
  });

  it('reads a body whose chunks split a UTF-8 character and a line ending', async () => {
    const bytes = new TextEncoder().encode('id: 1\r\ndata: {"p":"/café—ü"}\r\n\r\n');
    const at = bytes.indexOf(0xc3) + 1; // inside "é"
    const crlf = bytes.lastIndexOf(0x0d); // between the last \r and \n
    const got: SseMessage[] = [];
    for await (const m of readSse(body([bytes.slice(0, at), bytes.slice(at, crlf), bytes.slice(crlf)]))) got.push(m);
    expect(got).toEqual([{ event: 'message', data: '{"p":"/café—ü"}', id: '1' }]);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: a\n\ndata: b\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const messages = readSse(stream);
    expect((await messages.next()).value).toMatchObject({ data: 'a' });
    await messages.return(); // what `break` in a for-await does
    expect(cancelled).toBe(true);
  });
});
