// Incremental parser for the text/event-stream format (WHATWG HTML §9.2), fed chunks as they arrive: the one
// reader of the control API's event stream, for the renderer, `gantry apps` and the tests. We parse ourselves
// instead of using EventSource so the stream can carry the token and Last-Event-ID as headers and so reconnection
// follows our own back-off. Environment-neutral (ReadableStream, TextDecoder): bundled into the renderer.

export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | null;
}

export interface SseParser {
  /** Feeds decoded text; returns every message completed by it. */
  push(chunk: string): SseMessage[];
  /** The server's requested reconnection delay, if it sent `retry:`. */
  readonly retryMs: number | null;
}

export interface SseParserOptions {
  /** Told of each comment line without its colon, e.g. ` hb` (keep-alives; the spec has them ignored). */
  readonly onComment?: (text: string) => void;
}

export function createSseParser(options: SseParserOptions = {}): SseParser {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;
  let sawId = false;
  let retryMs: number | null = null;

  function dispatch(out: SseMessage[]): void {
    if (data.length > 0) out.push({ event: event || 'message', data: data.join('\n'), id: sawId ? id : null });
    event = '';
    data = [];
    sawId = false;
  }

  function line(text: string, out: SseMessage[]): void {
    if (text === '') return dispatch(out);
    if (text.startsWith(':')) return options.onComment?.(text.slice(1)); // comment / keep-alive
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        event = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) {
          id = value;
          sawId = true;
        }
        break;
      case 'retry':
        if (/^\d+$/.test(value)) retryMs = Number(value);
        break;
      default:
        break;
    }
  }

  return {
    push(chunk) {
      const out: SseMessage[] = [];
      buffer += chunk;
      // Lines end in \r\n, \n or \r; a trailing lone \r may be the first half of \r\n, so keep it.
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c === '\n' || c === '\r') {
          if (c === '\r' && i === buffer.length - 1) break;
          line(buffer.slice(start, i), out);
          if (c === '\r' && buffer[i + 1] === '\n') i++;
          start = i + 1;
        }
      }
      buffer = buffer.slice(start);
      return out;
    },
    get retryMs() {
      return retryMs;
    },
  };
}

/**
 * The messages of a text/event-stream body, as they complete. Reading starts at the first `next()` (so a caller
 * can hold a stream unread) and stops when the body ends, the consumer breaks out, or the request is aborted.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  parser: SseParser = createSseParser(),
): AsyncGenerator<SseMessage, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    // A consumer that stops early cancels the body, so the connection is released rather than left unread.
    await reader.cancel().catch(() => undefined);
  }
}
