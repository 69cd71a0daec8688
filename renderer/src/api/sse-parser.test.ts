// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser';

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
    const p = createSseParser();
    expect(p.push(': keep-alive\n\nevent: nothing\n\nretry: 2500\n\n')).toEqual([]);
    expect(p.retryMs).toBe(2500);
  });
});
