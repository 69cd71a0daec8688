// The Host's one ordered stream of everything live (access, output, app events, status, launch progress, metrics,
// notices), numbered with a global sequence. Kept in a bounded ring so an SSE client can resume with Last-Event-ID.
import type { SseDataMap, SseEnvelope, SseType } from '../control/contract.js';
import { Ring } from '../ring.js';

export type HubListener = (e: SseEnvelope) => void;

export class EventHub {
  /** Envelope ids are the ring's seqs. */
  private readonly ring: Ring<SseEnvelope>;
  private readonly listeners = new Set<HubListener>();

  constructor(readonly capacity = 20_000) {
    this.ring = new Ring({ capacity });
  }

  publish<T extends SseType>(type: T, appId: string | null, data: SseDataMap[T]): SseEnvelope {
    const env = { id: this.ring.nextSeq, type, appId, time: Date.now(), data } as SseEnvelope;
    this.ring.push(env);
    for (const l of this.listeners) {
      try {
        l(env);
      } catch {
        // A broken subscriber must not stop delivery to the others.
      }
    }
    return env;
  }

  subscribe(listener: HubListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get latestId(): number {
    return this.ring.latestSeq;
  }

  /**
   * Events with id > afterId still held (at most `limit`), and how many between were lost to the ring's bound. An
   * event-stream client reads from here whenever it is behind (a resume, a socket that was full), so nothing is
   * queued per client.
   */
  since(afterId: number, limit = Infinity): { events: SseEnvelope[]; missed: { fromId: number; toId: number } | null } {
    // An id from the future (a previous server instance numbered it) gets everything held: Ring.since.
    const { items, missed } = this.ring.since(afterId, limit);
    return { events: items, missed: missed && { fromId: missed.fromSeq, toId: missed.toSeq } };
  }
}
