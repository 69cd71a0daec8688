// Launch progress events carry the step's position (LaunchProgress.index in the contract), not an event counter:
// a step's "running" and its outcome share one index, equal to its place in LaunchResult.steps.
import { cp } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { createFakeRuntime } from '../host/fake-runtime.js';
import { SERVER_CORE_DIR, SYSTEM_PYTHON } from '../helpers/paths.js';
import { tempDirScope } from '../helpers/tempdir.js';
import { harnessScope } from './api-client.js';
import { openSse } from './sse-reader.js';

const project = tempDirScope('gantry-project-');
const h = harnessScope({ createRuntime: (s) => createFakeRuntime(s) }, {}, 'each');
beforeEach(async () => {
  await cp(resolve(SERVER_CORE_DIR, 'test/fixtures/detect/pyproject'), project.path, { recursive: true });
  expect(
    (await h.api('POST', '/api/apps', { folder: project.path, id: 'site', detect: false, settings: { python: SYSTEM_PYTHON } })).status,
  ).toBe(200);
});

it('each progress event has the index of its step in the result; done has the number of steps', async () => {
  const stream = await openSse(`${h.server.url}/api/events?types=launch`, { authorization: `Bearer ${h.server.token}` });
  const r = await h.api('POST', '/api/apps/site/launch', { wait: false, profile: 'staging' });
  const frames = await stream.until((f) => f.some((x) => x.data.data.kind === 'done'));
  await stream.close();
  const result = (await h.api('GET', `/api/launches/${r.body.launchId}`)).body;
  const names: string[] = result.steps.map((s: { step: string }) => s.step);
  // Every step runs (a non-Django project's Django steps are recorded as skipped, with why).
  expect(names).toEqual(['interpreter', 'import', 'ports', 'django-check', 'django-settings', 'collectstatic', 'start', 'health']);
  const events = frames.map((f) => f.data.data).filter((p) => p.launchId === r.body.launchId);
  const stepEvents = events.filter((p) => p.kind === 'step');
  expect(stepEvents).toHaveLength(names.length * 2); // running + outcome per step
  for (const p of stepEvents) expect(names[p.index]).toBe(p.step);
  expect(stepEvents.map((p) => p.index)).toEqual(names.flatMap((_, i) => [i, i]));
  expect(events.at(-1)).toMatchObject({ kind: 'done', status: 'ok', index: names.length });
});
