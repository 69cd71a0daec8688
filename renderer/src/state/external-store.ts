// A tiny observable value for useSyncExternalStore: stores keep immutable snapshots and notify on change.
import { useSyncExternalStore } from 'react';

export class ExternalStore<S> {
  private listeners = new Set<() => void>();
  constructor(protected state: S) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };

  getSnapshot = (): S => this.state;

  protected set(next: S): void {
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  }
}

export function useStore<S>(store: ExternalStore<S>): S {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
