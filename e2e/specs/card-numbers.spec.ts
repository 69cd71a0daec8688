// The overview card's numbers tell the truth (issue 13): an app whose workers keep crashing says how many of the
// workers it wants are up ("0 of 2 up", not "0 busy / 0"), and the error rate is amber for a rare 5xx and red from
// 1 %, on real apps and real traffic.
import path from 'node:path';
import { expect, REPO_ROOT, test } from '../support/fixtures';
import { OverviewPage } from '../pages/overview-page';
import { addApp, freePort } from '../support/projects';
import { burst, send } from '../support/traffic';

test('a crash-looping app reads "0 of 2 up" on its card', async ({ ui: page, gantry, shot }) => {
  const id = await addApp(gantry.api, {
    folder: path.join(REPO_ROOT, 'e2e/fixtures/crashloop'),
    name: 'Crash loop',
    settings: { app: 'crashloop:application', bind: [`127.0.0.1:${await freePort()}`] },
    profiles: { dev: { workers: 2 } },
    detect: false,
  });
  try {
    await gantry.api.call('start', { params: { id } });
    const overview = new OverviewPage(page);
    await overview.open();
    const workers = overview.card('Crash loop').getByTestId('workers');
    // The back-off grows with each exit, so the card settles on none up while the app still wants two.
    await expect(workers).toHaveText('0 of 2 up', { timeout: 30_000 });
    await expect(workers).toHaveClass(/tone-warn-text/);
    await shot('card-crash-loop');
  } finally {
    // Leave the shared UI as it was: the stories after this one start from their own apps (hosting from none).
    await gantry.api.call('stop', { params: { id } });
    await gantry.api.call('removeApp', { params: { id } });
  }
});

test('the error rate is amber for one 5xx in thousands and red from 1 %', async ({ ui: page, gantry, shot }) => {
  const port = await freePort();
  const id = await addApp(gantry.api, {
    folder: path.join(REPO_ROOT, 'server-core/test/fixtures/apps'),
    name: 'Error tones',
    settings: { app: 'basic:application', bind: [`127.0.0.1:${port}`] },
    profiles: { dev: { workers: 2 } },
    detect: false,
  });
  try {
    await gantry.api.call('start', { params: { id } });
    const overview = new OverviewPage(page);
    await overview.open();
    await overview.expectState('Error tones', 'running', true);
    const errors = overview.card('Error tones').getByTitle(/responses were 5xx in the last minute/);

    await burst(`http://127.0.0.1:${port}/`, 2000, 4);
    expect(await send(`http://127.0.0.1:${port}/status?code=500`)).toEqual([500]);
    await expect(errors).toHaveText('<0.1%', { timeout: 15_000 });
    await expect(errors).toHaveClass('tone-warn-text');
    await overview.card('Error tones').scrollIntoViewIfNeeded();
    await shot('card-errors-rare');

    await send(`http://127.0.0.1:${port}/status?code=500`, 30);
    await expect(errors).toHaveText('1.5%', { timeout: 15_000 }); // 31 of 2 031
    await expect(errors).toHaveClass('tone-err-text');
    await shot('card-errors-red');
  } finally {
    await gantry.api.call('stop', { params: { id } });
    await gantry.api.call('removeApp', { params: { id } });
  }
});
