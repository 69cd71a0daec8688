// Per-test teardown, in one place: what a test starts is registered as it starts and undone after that test, the
// last started first (sockets before the app they talk to, the app before the folder it runs in). The per-test
// helpers (`appPerTest`, `tempDirPerTest`, `gantryPerTest`, `harnessScope('each')`) are built on it; a file uses
// `cleanupPerTest` itself only for what has no helper (a socket, a listener, a child's pid).
import { afterEach } from 'vitest';

export type Cleanup = () => unknown;

/**
 * For a file's tests: `defer(fn)` runs fn after the test that called it; the last deferred runs first. Every
 * cleanup runs even when one throws (the first error fails the test). Between two of these in one file, the one
 * created later runs first (vitest runs after-hooks as a stack): create the one whose things must outlive first.
 */
export function cleanupPerTest(): (fn: Cleanup) => void {
  const pending: Cleanup[] = [];
  afterEach(async () => {
    let failure: unknown = null;
    for (const fn of pending.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== null) throw failure;
  });
  return (fn) => void pending.push(fn);
}

/** For a file's tests: `start` wrapped so that what it made is undone by `undo` after the test that made it. */
export function perTest<A extends unknown[], T>(start: (...args: A) => Promise<T>, undo: (made: T) => unknown): (...args: A) => Promise<T> {
  const defer = cleanupPerTest();
  return async (...args) => {
    const made = await start(...args);
    defer(() => undo(made));
    return made;
  };
}
