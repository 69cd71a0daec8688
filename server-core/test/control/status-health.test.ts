// An app's status says whether it can take requests right now: a crash that leaves no worker taking them is
// published as unhealthy at once (the badge must not stay green), and healthy again once a worker is back —
// not only when the app's state changes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_CORE_DIR } from '../helpers/paths.js';
import { harnessScope } from './api-client.js';
import { openSse, type Frame } from './sse-reader.js';

const APPS = join(SERVER_CORE_DIR, 'test', 'fixtures', 'apps');

describe('status follows health', () => {
  const h = harnessScope();

  it('a crash of the only worker publishes healthy: false, and healthy: true once its replacement is ready', async () => {
    const added = await h.api('POST', '/api/apps', {
      folder: APPS,
      id: 'crashy',
      detect: false,
      importPyproject: false,
      settings: { app: 'basic:application', workers: 1 },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const stream = await openSse(`${h.server.url}/api/events?apps=crashy&types=status,app-event`, {
      authorization: `Bearer ${h.server.token}`,
    });
    try {
      const started = await h.api('POST', '/api/apps/crashy/start', {});
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const health = (f: Frame) => (f.event === 'status' ? (f.data.data.healthy as boolean) : undefined);
      await stream.until((f) => f.some((x) => health(x) === true));
      const before = stream.frames.length;
      expect((await fetch(new URL('/crash', started.body.urls[0]))).status).toBe(502);
      // The worker's exit, then (without waiting for any state change: the app stays "running") unhealthy ...
      const down = await stream.until((f) => f.slice(before).some((x) => health(x) === false));
      const downAt = down.findIndex((x, i) => i >= before && health(x) === false);
      expect(down.slice(before, downAt).some((x) => x.event === 'app-event' && x.data.data.type === 'worker-exit')).toBe(true);
      expect(down[downAt]!.data.data.state).toBe('running');
      // ... and healthy again once the replacement takes requests.
      await stream.until((f) => f.slice(downAt).some((x) => health(x) === true));
    } finally {
      await stream.close();
      await h.api('POST', '/api/apps/crashy/stop', {});
    }
  }, 60_000);
});
