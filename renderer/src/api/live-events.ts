// Subscribes to the control API's event stream (GET /api/events) and hands out parsed envelopes.
// Filters (apps, types) go in the query; the token goes in a header like every other call.
import type { ApiClient } from './client';
import { buildQuery, SSE_TYPES, type SseEnvelope, type SseType } from './contract';
import { openEventStream, type StreamState } from './event-stream';

export interface LiveEventsOptions {
  readonly apps?: readonly string[];
  readonly types?: readonly SseType[];
  readonly onEvent: (event: SseEnvelope) => void;
  readonly onState?: (state: StreamState) => void;
}

const KNOWN = new Set<string>(SSE_TYPES);

export function subscribeLiveEvents(client: ApiClient, options: LiveEventsOptions): () => void {
  const query = buildQuery({ apps: options.apps, types: options.types });
  const stream = openEventStream({
    url: client.url(`/api/events${query}`),
    headers: client.headers(),
    onState: (s) => options.onState?.(s),
    onMessage: (m) => {
      if (!KNOWN.has(m.event)) return;
      let env: SseEnvelope;
      try {
        env = JSON.parse(m.data) as SseEnvelope;
      } catch {
        return; // a malformed frame is dropped, never fatal to the stream
      }
      options.onEvent(env);
    },
  });
  return () => stream.close();
}
