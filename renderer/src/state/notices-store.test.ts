// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { NoticesStore, noticeFromAppEvent } from './notices-store';

describe('notices', () => {
  it('turns a timeout into an error notice linking to the request', () => {
    const n = noticeFromAppEvent('app1', 'Shop', {
      type: 'timeout',
      time: 1,
      requestId: 'r-9',
      method: 'GET',
      path: '/slow',
      durationMs: 30_000,
      workerPid: 42,
      stack: 'File x',
    })!;
    expect(n.tone).toBe('err');
    expect(n.title).toBe('Shop: request timed out');
    expect(n.link?.route).toEqual({ name: 'app', id: 'app1', tab: 'requests', requestId: 'r-9' });
  });

  it('reports crashes with a link to the worker’s output, and stays quiet about routine exits', () => {
    const exit = (reason: string) => ({
      type: 'worker-exit' as const,
      time: 1,
      workerId: 2,
      pid: 77,
      respawnInMs: 100,
      exit: { code: 1, signal: null, reason, stderrTail: ['Segfault'], at: 1 },
    });
    const crash = noticeFromAppEvent('a', 'A', exit('crashed'))!;
    expect(crash.link?.route).toEqual({ name: 'app', id: 'a', tab: 'output', query: { pid: '77' } });
    for (const r of ['reload', 'scale-down', 'stop', 'max-requests', 'timeout', 'boot-error'])
      expect(noticeFromAppEvent('a', 'A', exit(r))).toBeNull();
  });

  it('sends each notice once to the desktop and keeps the newest few', () => {
    const notify = vi.fn();
    const s = new NoticesStore(() => 'A', notify);
    const ev = (i: number) => ({
      id: i,
      type: 'app-event' as const,
      appId: 'a',
      time: i,
      data: { seq: i, type: 'boot-error' as const, time: i, error: { code: 'GANTRY_ERR_APP_IMPORT' as const, message: `boom ${i}` } },
    });
    s.apply(ev(1));
    s.apply(ev(1));
    expect(notify).toHaveBeenCalledTimes(1);
    for (let i = 2; i < 10; i++) s.apply(ev(i));
    expect(s.getSnapshot()).toHaveLength(5);
    expect(s.getSnapshot()[0]!.message).toBe('boom 9');
  });
});
