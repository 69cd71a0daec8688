// Where an app's access entries, output lines and events go as they happen: subscribers for whoever listens now
// (the Host's history and event stream, log files, the CLI, a primary's gateway processes). It keeps nothing:
// history is the listener's business (host/app-logs.ts). Libraries don't print.
import type { AccessEntry, AppEvent, AppRuntimeEvents, OutputLine } from '../runtime/types.js';

type Listeners = { [E in keyof AppRuntimeEvents]: Array<AppRuntimeEvents[E]> };

export class LogBus {
  private readonly listeners: Listeners = { access: [], output: [], event: [] };

  on<E extends keyof AppRuntimeEvents>(event: E, listener: AppRuntimeEvents[E]): () => void {
    const list = this.listeners[event] as Array<AppRuntimeEvents[E]>;
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i !== -1) list.splice(i, 1);
    };
  }

  emitAccess(entry: AccessEntry): void {
    const list = this.listeners.access;
    for (let i = 0; i < list.length; i++) callSafely(list[i]!, entry);
  }

  emitOutput(line: OutputLine): void {
    const list = this.listeners.output;
    for (let i = 0; i < list.length; i++) callSafely(list[i]!, line);
  }

  emitEvent(event: AppEvent): void {
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
