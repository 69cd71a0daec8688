// Delays that come from settings are clamped to what node's timers hold (2^31-1 ms, about 24.8 days): a
// longer one used to fire after 1 ms, so a graceful stop with --graceful-timeout of 30 days cut requests at once.
import { describe, expect, it } from 'vitest';
import { fetchRaw } from '../gateway/http-client.js';
import { appPerTest, until } from '../runtime/harness.js';

const startApp = appPerTest();

describe('timers from settings', () => {
  it('a graceful stop with --graceful-timeout of 30 days lets the running request finish', async () => {
    const a = await startApp({ workers: 1, gracefulTimeout: 30 * 24 * 3600, keepAlive: 30 * 24 * 3600 });
    const slow = fetchRaw(`${a.url}/slow?ms=800`);
    await until(() => a.runtime.metrics().inFlight === 1, 10_000, 'the request running');
    const stopped = a.runtime.stop({ graceful: true });
    const r = await slow;
    expect(r.status).toBe(200);
    expect(r.text()).toBe('slow done');
    await stopped;
  }, 30_000);
});
