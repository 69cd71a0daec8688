// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../server-core/src/control/client';
import type { LaunchProgress, MetricsSnapshot } from '../api/contract';
import { sampleMetrics } from '../test-support/samples';
import { AppsStore, recentErrorRate } from './apps-store';

const store = () => new AppsStore({} as ApiClient);
const progress = (p: Partial<LaunchProgress>): LaunchProgress => ({
  launchId: 'L1',
  appId: 'a',
  profile: 'staging',
  index: 0,
  kind: 'step',
  step: 'interpreter',
  status: 'running',
  output: '',
  url: null,
  ...p,
});

describe('AppsStore launches', () => {
  it('shows one row per step (index = its position), updated from running to its outcome', () => {
    const s = store();
    s.beginLaunch('a', 'staging');
    s.applyLaunchProgress(progress({ index: 0, step: 'interpreter', status: 'running' }));
    s.applyLaunchProgress(progress({ index: 0, step: 'interpreter', status: 'ok' }));
    s.applyLaunchProgress(progress({ index: 1, step: 'import', status: 'running' }));
    s.applyLaunchProgress(progress({ index: 1, step: 'import', status: 'failed', output: 'ImportError: no module named x' }));
    s.applyLaunchProgress(progress({ index: 2, kind: 'done', step: 'import', status: 'failed', output: 'ImportError: no module named x' }));
    const l = s.getSnapshot().launches.a!;
    expect(l.steps.map((x) => `${x.step}:${x.status}`)).toEqual(['interpreter:ok', 'import:failed']);
    expect(l).toMatchObject({ state: 'failed', failedStep: 'import' });
    expect(l.steps[1]!.output).toContain('ImportError');
  });

  it('ignores progress of an older launch of the same app', () => {
    const s = store();
    s.applyLaunchResult({
      launchId: 'L2',
      appId: 'a',
      profile: 'staging',
      state: 'running',
      steps: [],
      url: null,
      failedStep: null,
      error: null,
    });
    s.applyLaunchProgress(progress({ launchId: 'L1', kind: 'done', status: 'ok', url: 'http://old' }));
    expect(s.getSnapshot().launches.a!.state).toBe('running');
  });
});

describe('recentErrorRate', () => {
  const m = (total2xx: number, total5xx: number): MetricsSnapshot =>
    sampleMetrics(0, {
      requests: total2xx + total5xx,
      statusClasses: { '1xx': 0, '2xx': total2xx, '3xx': 0, '4xx': 0, '5xx': total5xx },
      workersTotal: 1,
    });
  it('is the share of 5xx over the window, and survives a counter reset', () => {
    expect(recentErrorRate([])).toBeNull();
    expect(recentErrorRate([m(100, 0), m(190, 10)])).toBeCloseTo(0.1);
    expect(recentErrorRate([m(100, 50), m(3, 1)])).toBeCloseTo(0.25);
    expect(recentErrorRate([m(5, 0), m(5, 0)])).toBeNull();
  });
});
