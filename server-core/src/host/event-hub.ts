// The Host's one ordered stream of everything live (access, output, app events, status, launch progress, metrics,
// notices), numbered with a global sequence. Kept in a bounded ring so an SSE client can resume with Last-Event-ID.
import type { SseDataMap, SseEnvelope, SseType } from '../control/contract.js';

export type HubListener = (e: SseEnvelope) => void;

export class EventHub {
  private seq = 0;
  private readonly ring: SseEnvelope[] = [];
  private readonly listeners = new Set<HubListener>();

  constructor(readonly capacity = 20_000) {}

  publish<T extends SseType>(type: T, appId: string | null, data: SseDataMap[T]): SseEnvelope {
    const env = { id: ++this.seq, type, appId, time: Date.now(), data } as SseEnvelope;
    this.ring.push(env);
    // Trim in batches: shifting a 20 000-entry array on every event would cost more than the event itself.
    if (this.ring.length > this.capacity + (this.capacity >> 3)) this.ring.splice(0, this.ring.length - this.capacity);
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
    return this.seq;
  }

  /**
   * Events with id > afterId still held (at most `limit`), and how many between were lost to the ring's bound. An
   * event-stream client reads from here whenever it is behind (a resume, a socket that was full), so nothing is
   * queued per client.
   */
  since(afterId: number, limit = Infinity): { events: SseEnvelope[]; missed: { fromId: number; toId: number } | null } {
    // An id from the future means a previous server instance numbered it: everything held here is new to the client.
    if (afterId > this.seq) return { events: this.ring.slice(0, limit), missed: null };
    const first = this.ring[0]?.id ?? this.seq + 1;
    const missed = afterId + 1 < first && afterId < this.seq ? { fromId: afterId + 1, toId: first - 1 } : null;
    // Ids are dense, so the start index is arithmetic.
    const start = Math.max(0, afterId + 1 - first);
    return { events: this.ring.slice(start, start + limit), missed };
  }
}
