// A test's teardown, in one place: what a test starts is registered as it starts and undone after that test, the
// last started first (sockets before the app they talk to, the app before the folder it runs in); what a block's
// tests share is started before them and undone after them (`scope`). The helpers (`appPerTest`, `appScope`,
// `tempDirPerTest`, `tempDirScope`, `gantryPerTest`, `harnessPerTest`, `harnessScope`) are built on these; a file
// uses them itself only for what has no helper (a socket, a listener, a child's pid, a Host).
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

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

/**
 * What the enclosing block's tests use, started before each of them (`each`, the default) or once before them all
 * (`file`), and undone after. The object is there at once, so a file names it as a `const`; it stands for the
 * started one from the tests (and later hooks) on.
 */
export function scope<T extends object>(start: () => Promise<T>, undo: (made: T) => unknown, per: 'each' | 'file' = 'each'): T {
  let current: T | undefined;
  (per === 'each' ? beforeEach : beforeAll)(async () => {
    current = await start();
  });
  (per === 'each' ? afterEach : afterAll)(async () => {
    const made = current;
    current = undefined;
    if (made !== undefined) await undo(made);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (current === undefined) throw new Error(`scope: ${String(key)} is there once the tests run (started in a before hook)`);
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
