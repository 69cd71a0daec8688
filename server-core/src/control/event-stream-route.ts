// GET /api/events wired to the Host's event hub: the subscriber cap, resuming after Last-Event-ID (the client reads
// the hub's ring from there; start and subscription in one synchronous block, so nothing slips between them),
// heartbeats, and the end of a stream. What
// one subscriber is sent, batched or not, is SseClient's (sse.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Host } from '../host/host.js';
import { ROUTES } from './contract.js';
import { refuse } from './error-reply.js';
import { parseInput } from './routes.js';
import { SseClient } from './sse.js';

/**
 * Default cap on event-stream subscribers: more windows than a person opens (the UI uses one per window, the CLI one
 * per command that follows), few enough that subscribers that never read barely cost the apps. Node can neither
 * see nor shrink a TCP socket's kernel buffer, so each held subscriber is written to like a reader until the kernel
 * refuses more (~4 MB on loopback): ~1-2 ms of Host CPU each (docs/performance.md), so the number held is the lever.
 */
const DEFAULT_SSE_MAX_CLIENTS = 16;

export interface EventStreamOptions {
  readonly heartbeatMs?: number;
  /**
   * Bytes of events one SSE client may leave behind a full socket before it is disconnected (it resumes with
   * Last-Event-ID).
   */
  readonly sseMaxBufferedBytes?: number;
  /** Most event-stream subscribers at once; more get 503 GANTRY_ERR_TOO_MANY_STREAMS. */
  readonly sseMaxClients?: number;
  /** Batched streams' interval (ms). */
  readonly sseBatchMs?: number;
}

export interface EventStreams {
  /** Ends every open stream (at close: streaming sockets are cut, not waited for). */
  endAll(): void;
}

export function registerEventStream(
  app: FastifyInstance,
  host: Host,
  options: EventStreamOptions,
  corsFor: (req: FastifyRequest) => Record<string, string>,
): EventStreams {
  const streams = new Set<() => void>();
  app.get(ROUTES.stream.path, (req, reply) => {
    // Over the cap: refused before any other work (a reconnect storm of subscribers must cost the apps next to
    // nothing), after the gate's Host, Origin and token checks.
    if (streams.size >= (options.sseMaxClients ?? DEFAULT_SSE_MAX_CLIENTS)) {
      return refuse(
        reply.headers({ 'retry-after': '5', connection: 'close' }),
        503,
        'GANTRY_ERR_TOO_MANY_STREAMS',
        `already serving ${streams.size} event streams`,
      );
    }
    const query = parseInput(ROUTES.stream.query, req.query, 'query')!;
    const headerId = req.headers['last-event-id'];
    const lastId = typeof headerId === 'string' && /^\d+$/.test(headerId) ? Number(headerId) : query.lastEventId;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': ROUTES.stream.produces,
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...corsFor(req),
    });
    res.socket?.setNoDelay(true);
    const { batch, maxRate, slowMs, access, status, method, minDurationMs, path, columns, minIntervalMs } = query;
    const client = new SseClient(res, host.hub, {
      maxBufferedBytes: options.sseMaxBufferedBytes,
      apps: query.apps,
      types: query.types,
      batch:
        batch === '1'
          ? { maxRate, slowMs, access, status, method, minDurationMs, path, columns, minIntervalMs, intervalMs: options.sseBatchMs }
          : undefined,
    });
    client.raw(`retry: 2000\n: connected, latest id ${host.hub.latestId}\n\n`);
    // The replay (read from the ring as the socket takes it) and the subscription start in one synchronous block,
    // so no event can slip between them.
    client.start(lastId);
    const unsubscribe = host.hub.subscribe((e) => client.send(e));
    const heartbeat = setInterval(() => client.comment('hb'), options.heartbeatMs ?? 15_000);
    const end = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      client.close();
      streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    streams.add(end);
    res.on('close', end);
    res.on('error', end);
  });
  return {
    endAll() {
      for (const end of [...streams]) end();
    },
  };
}
