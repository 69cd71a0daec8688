// A steady request loop for supervision tests: `concurrency` loops of requests, a new connection each,
// until stopped; anything but a 200 is a failure, with its reason. Bodies seen are kept (the worker pid
// for /pid), so a test can wait until a given worker serves.
import { fetchRaw } from '../gateway/http-client.js';

interface LoadResult {
  readonly ok: number;
  readonly failed: string[];
  /** Distinct bodies seen. */
  readonly bodies: Set<string>;
}

export interface LoadLoop {
  seen(): Set<string>;
  okCount(): number;
  stop(): Promise<LoadResult>;
}

export function loadLoop(url: string, concurrency = 2): LoadLoop {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const bodies = new Set<string>();
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const r = await fetchRaw(url);
        if (r.status === 200) {
          ok++;
          bodies.add(r.text());
        } else failed.push(`status ${r.status}`);
      } catch (err) {
        failed.push(String(err));
      }
    }
  });
  return {
    seen: () => bodies,
    okCount: () => ok,
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failed, bodies };
    },
  };
}

/** Worker pids from `gantry serve`'s "Booting worker with pid: N" lines, in order. */
export function bootedWorkerPids(output: string): number[] {
  return [...output.matchAll(/Booting worker with pid: (\d+)/g)].map((m) => Number(m[1]));
}
