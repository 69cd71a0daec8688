// A frame scheduler the test drives by hand, for the stores that batch their updates per animation frame
// (row-store.ts, and the served count painted with it): `frame()` runs what was asked for since the last one.
import type { Scheduler } from '../state/row-store';

export function manualFrames(): { readonly schedule: Scheduler; readonly frame: () => void; readonly scheduled: () => number } {
  let queue: Array<() => void> = [];
  let count = 0;
  return {
    schedule: (fn) => {
      queue.push(fn);
      count++;
      return () => {
        queue = queue.filter((f) => f !== fn);
      };
    },
    frame: () => {
      const q = queue;
      queue = [];
      for (const f of q) f();
    },
    /** How many flushes were asked for in all. */
    scheduled: () => count,
  };
}
