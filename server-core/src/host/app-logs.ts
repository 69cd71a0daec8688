// Per-app history the control API pages through: access entries, output lines and events, each in its own
// bounded ring (the runtime's own buffers are its business; these survive restarts of the app).
import type { HostAppEvent } from '../control/contract.js';
import { accessFilter, type AccessFilter } from '../logging/access-filter.js';
import { outputLineBytes } from '../logging/log-bus.js';
import type { AccessEntry, MetricsSnapshot, OutputLine } from '../runtime/types.js';
import { Ring } from './ring.js';

export interface LogCapacities {
  readonly access: number;
  readonly output: number;
  readonly events: number;
  readonly metrics: number;
  /** Byte budget of the output ring (logging/log-bus.ts outputLineBytes). */
  readonly outputBytes: number;
}
export const DEFAULT_CAPACITIES: LogCapacities = { access: 10_000, output: 5_000, events: 1_000, metrics: 600, outputBytes: 8 * 1024 * 1024 };


export class AppLogs {
  readonly access: Ring<AccessEntry>;
  readonly output: Ring<OutputLine>;
  readonly events: Ring<HostAppEvent>;
  readonly metrics: MetricsSnapshot[] = [];

  constructor(private readonly caps: LogCapacities = DEFAULT_CAPACITIES) {
    this.access = new Ring(caps.access);
    this.output = new Ring<OutputLine>(caps.output, undefined, { maxBytes: caps.outputBytes, sizeOf: outputLineBytes });
    this.events = new Ring(caps.events);
  }

  addMetrics(m: MetricsSnapshot): void {
    this.metrics.push(m);
    if (this.metrics.length > this.caps.metrics) this.metrics.splice(0, this.metrics.length - this.caps.metrics);
  }

  queryAccess(f: AccessFilter & { before?: number; after?: number; limit?: number }) {
    const matches = accessFilter(f);
    return this.access.page(matches ?? (() => true), f);
  }

  queryOutput(f: { requestId?: string; source?: string[]; level?: string[]; search?: string; before?: number; after?: number; limit?: number }) {
    const needle = f.search?.toLowerCase();
    return this.output.page(
      (l) =>
        (!f.requestId || l.requestId === f.requestId) &&
        (!f.source || f.source.includes(l.source)) &&
        (!f.level || f.level.includes(l.level)) &&
        (!needle || l.text.toLowerCase().includes(needle)),
      f,
    );
  }
}
