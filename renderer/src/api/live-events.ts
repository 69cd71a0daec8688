// Subscribes to the control API's event stream (GET /api/events) and hands out parsed envelopes.
// Filters (apps, types) go in the query; the token goes in a header like every other call. A batched stream
// (the live tables) gets one `batch` frame per interval: its events are handed out one by one, in order, and
// its access counts (what happened, what matched, what was sent) go to onBatch, after its events (a metrics sample
// heads its batch, and the counts beside it came after it: state/served-count.ts). Access entries and output lines
// may come by column (columns=1, control/access-columns.ts, output-columns.ts): they are handed out as envelopes like
// the rest.
import type { ApiClient } from '../../../server-core/src/control/client';
import {
  buildQuery,
  decodeAccessColumns,
  decodeOutputColumns,
  SSE_TYPES,
  type EventsQuery,
  type SseBatch,
  type SseEnvelope,
  type SseType,
} from './contract';
import { openEventStream, type StreamState } from './event-stream';

export type BatchQuery = Omit<EventsQuery, 'token' | 'apps' | 'types' | 'lastEventId' | 'batch'>;

export interface LiveEventsOptions {
  readonly apps?: readonly string[];
  readonly types?: readonly SseType[];
  /** Ask for batched frames, with these settings. */
  readonly batch?: BatchQuery;
  readonly lastEventId?: string | null;
  readonly onEvent: (event: SseEnvelope) => void;
  readonly onBatch?: (counts: NonNullable<SseBatch['access']>) => void;
  readonly onState?: (state: StreamState) => void;
  /** After each frame's events and counts were all handed out (state/served-count.ts: ServedTally.settle). */
  readonly onFrameEnd?: () => void;
}

export interface LiveEvents {
  (): void;
  /** The id to resume after (to re-subscribe with other settings without losing or repeating events). */
  readonly lastEventId: () => string | null;
}

const KNOWN = new Set<string>(SSE_TYPES);

export function subscribeLiveEvents(client: ApiClient, options: LiveEventsOptions): LiveEvents {
  const query = buildQuery({ apps: options.apps, types: options.types, ...(options.batch ? { batch: '1', ...options.batch } : {}) });
  const stream = openEventStream({
    url: client.url(`/api/events${query}`),
    headers: client.headers(),
    lastEventId: options.lastEventId ?? null,
    onState: (s) => options.onState?.(s),
    onMessage: (m) => {
      if (m.event !== 'batch' && !KNOWN.has(m.event)) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(m.data);
      } catch {
        return; // a malformed frame is dropped, never fatal to the stream
      }
      if (m.event !== 'batch') {
        options.onEvent(parsed as SseEnvelope);
        return options.onFrameEnd?.();
      }
      const batch = parsed as SseBatch;
      for (const e of batch.events) if (KNOWN.has(e.type)) options.onEvent(e);
      if (batch.accessColumns)
        for (const r of decodeAccessColumns(batch.accessColumns))
          options.onEvent({ id: r.id, type: 'access', appId: r.appId, time: r.data.time, data: r.data });
      if (batch.outputColumns)
        for (const r of decodeOutputColumns(batch.outputColumns))
          options.onEvent({ id: r.id, type: 'output', appId: r.appId, time: r.data.time, data: r.data });
      if (batch.access) options.onBatch?.(batch.access);
      options.onFrameEnd?.();
    },
  });
  return Object.assign(() => stream.close(), { lastEventId: () => stream.lastEventId });
}
