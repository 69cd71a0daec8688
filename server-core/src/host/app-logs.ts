// Per-app history the control API pages through: access entries, output lines, events and metrics snapshots,
// each in its own bounded ring (src/ring.ts). The runtime keeps no history; these survive restarts of the app.
import {
  OUTPUT_HISTORY,
  type AccessRecord,
  type EventRecord,
  type HostAppEvent,
  type OutputPage,
  type OutputRecord,
} from '../control/contract.js';
import { accessFilter, type AccessFilter } from '../logging/access-filter.js';
import { outputLineBytes } from '../logging/line-splitter.js';
import { Ring } from '../ring.js';
import type { AccessEntry, MetricsSnapshot, OutputLine } from '../runtime/types.js';

export interface LogCapacities {
  readonly access: number;
  readonly output: number;
  readonly events: number;
  readonly metrics: number;
  /** Byte budget of the output ring (logging/line-splitter.ts outputLineBytes). */
  readonly outputBytes: number;
}
const DEFAULT_CAPACITIES: LogCapacities = {
  access: 10_000,
  output: OUTPUT_HISTORY.maxLines,
  events: 1_000,
  metrics: 600,
  outputBytes: OUTPUT_HISTORY.maxBytes,
};

export class AppLogs {
  readonly access: Ring<AccessRecord>;
  readonly output: Ring<OutputRecord>;
  readonly events: Ring<EventRecord>;
  readonly metrics: Ring<MetricsSnapshot>;
  private readonly caps: LogCapacities;

  constructor(caps: LogCapacities = DEFAULT_CAPACITIES) {
    this.caps = caps;
    this.access = new Ring({ capacity: caps.access });
    this.output = new Ring<OutputRecord>({ capacity: caps.output, maxBytes: caps.outputBytes, sizeOf: outputLineBytes });
    this.events = new Ring({ capacity: caps.events });
    this.metrics = new Ring({ capacity: caps.metrics });
  }

  /** Each add returns the record as kept and as the API and the event stream show it: the item and its seq. */
  addAccess(entry: AccessEntry): AccessRecord {
    return keep(this.access, entry);
  }

  addOutput(line: OutputLine): OutputRecord {
    return keep(this.output, line);
  }

  addEvent(event: HostAppEvent): EventRecord {
    return keep(this.events, event);
  }

  queryAccess(f: AccessFilter & { before?: number; after?: number; limit?: number }) {
    const matches = accessFilter(f);
    return this.access.page(matches ?? (() => true), f);
  }

  queryOutput(f: {
    requestId?: string;
    source?: string[];
    level?: string[];
    search?: string;
    since?: number;
    before?: number;
    after?: number;
    limit?: number;
    maxBytes?: number;
  }): OutputPage {
    const needle = f.search?.toLowerCase();
    const since = f.since;
    const page = this.output.page(
      (l) =>
        (since === undefined || l.time >= since) &&
        (!f.requestId || l.requestId === f.requestId) &&
        (!f.source || f.source.includes(l.source)) &&
        (!f.level || f.level.includes(l.level)) &&
        (!needle || l.text.toLowerCase().includes(needle)),
      f,
    );
    const ring = this.output;
    return {
      ...page,
      kept: {
        oldestSeq: ring.oldestSeq,
        oldestTime: ring.oldest?.time ?? null,
        evicted: ring.size > 0 ? ring.oldestSeq - 1 : ring.latestSeq,
        lines: ring.size,
        bytes: ring.bytes,
        maxLines: this.caps.output,
        maxBytes: this.caps.outputBytes,
      },
    };
  }
}

/** A copy that keeps symbol properties (an access entry's header reference), numbered with the ring's next seq. */
function keep<T>(ring: Ring<T & { readonly seq: number }>, item: T): T & { readonly seq: number } {
  const record = Object.assign({}, item, { seq: ring.nextSeq });
  ring.push(record);
  return record;
}
