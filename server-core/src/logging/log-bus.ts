// Where an app's access entries, output lines and events go: ring buffers for whoever looks later (the
// UI), and subscribers for whoever listens now (log files, SSE, the CLI). Libraries don't print.
import type { AccessEntry, AppEvent, AppRuntimeEvents, OutputLine } from '../runtime/types.js';
import { RingBuffer, type ByteBudget } from './ring-buffer.js';

/** What an output line weighs in a ring's byte budget: its text (each line is cut at 16 KiB) and the record. */
export function outputLineBytes(line: Pick<OutputLine, 'text'>): number {
  return line.text.length + 128;
}

/** The runtime's output ring holds at most this much (and at most `output` lines). */
export const RUNTIME_OUTPUT_BYTES = 4 * 1024 * 1024;

export interface LogBusCapacity {
  readonly access?: number;
  readonly output?: number;
  readonly events?: number;
  /** Byte budget of the output ring (default RUNTIME_OUTPUT_BYTES). */
  readonly outputBytes?: number;
}

type Listeners = { [E in keyof AppRuntimeEvents]: Array<AppRuntimeEvents[E]> };

export class LogBus {
  readonly access: RingBuffer<AccessEntry>;
  readonly output: RingBuffer<OutputLine>;
  readonly events: RingBuffer<AppEvent>;
  private readonly listeners: Listeners = { access: [], output: [], event: [] };

  constructor(capacity: LogBusCapacity = {}) {
    this.access = new RingBuffer(capacity.access ?? 1000);
    const outputBudget: ByteBudget<OutputLine> = { maxBytes: capacity.outputBytes ?? RUNTIME_OUTPUT_BYTES, sizeOf: outputLineBytes };
    this.output = new RingBuffer(capacity.output ?? 2000, outputBudget);
    this.events = new RingBuffer(capacity.events ?? 500);
  }

  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void {
    const list = this.listeners[event] as Array<AppRuntimeEvents[E]>;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i !== -1) list.splice(i, 1);
    };
  }

  emitAccess(entry: AccessEntry): void {
    this.access.push(entry);
    const list = this.listeners.access;
    for (let i = 0; i < list.length; i++) callSafely(list[i]!, entry);
  }

  emitOutput(line: OutputLine): void {
    this.output.push(line);
    const list = this.listeners.output;
    for (let i = 0; i < list.length; i++) callSafely(list[i]!, line);
  }

  emitEvent(event: AppEvent): void {
    this.events.push(event);
    const list = this.listeners.event;
    for (let i = 0; i < list.length; i++) callSafely(list[i]!, event);
  }
}

/** A subscriber that throws must not break the request path or the other subscribers. */
function callSafely<T>(fn: (x: T) => void, x: T): void {
  try {
    fn(x);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
