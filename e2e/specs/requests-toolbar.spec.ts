// The Requests toolbar is compact: at a 1280 × 800 window and at 1024 px wide its controls sit on at most two
// lines, also in its widest state (paused with rows waiting, filters and a time range set), and the table takes
// the rest of the window. The time range and "Jump to" live behind a "Time" button whose panel opens and closes
// from the keyboard; closed, the button says which range is in force. The text inputs' placeholders fit their
// boxes at both widths (their labels are aria-labels). Measured on screen, not in the DOM tree.
import type { Page } from '@playwright/test';
import { expect, test } from '../support/chatty';
import { localSecond } from '../support/clock';

interface Layout {
  /** Lines of controls, by where each visible control's middle is. */
  readonly lines: number;
  readonly toolbarHeight: number;
  /** From the toolbar's bottom to the table's top, and from the table's bottom to the window's. */
  readonly gapAbove: number;
  readonly gapBelow: number;
  /** Controls cut off at the window's right edge or squeezed below a usable width. */
  readonly outside: readonly string[];
  /** Text inputs whose placeholder does not fit in their box (measured in their own font). */
  readonly clipped: readonly string[];
  readonly controls: readonly { readonly what: string; readonly top: number; readonly left: number; readonly width: number }[];
}

async function layoutOf(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const toolbar = document.querySelector<HTMLElement>('[role="toolbar"][aria-label="Request filters"]')!;
    const table = document.querySelector<HTMLElement>('[data-testid="request-table"]')!;
    const controls = [...toolbar.querySelectorAll<HTMLElement>('button, input, select, [data-testid="request-count"]')]
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => {
        const r = el.getBoundingClientRect();
        const what = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? el.tagName;
        return {
          what,
          top: Math.round(r.top),
          left: Math.round(r.left),
          width: Math.round(r.width),
          right: r.right,
          mid: (r.top + r.bottom) / 2,
        };
      });
    const outside = controls.filter((c) => c.right > document.documentElement.clientWidth || c.left < 0 || c.width < 24).map((c) => c.what);
    const ctx = document.createElement('canvas').getContext('2d')!;
    const clipped = [...toolbar.querySelectorAll<HTMLInputElement>('input[placeholder]')]
      .filter((el) => el.getClientRects().length > 0 && el.placeholder.length > 0)
      .filter((el) => {
        const cs = getComputedStyle(el);
        ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return ctx.measureText(el.placeholder).width > room;
      })
      .map((el) => `${el.getAttribute('aria-label')}: "${el.placeholder}" in ${el.clientWidth} px`);
    const mids = controls.map((c) => c.mid).sort((a, b) => a - b);
    let lines = 0;
    let last = -Infinity;
    for (const m of mids)
      if (m > last + 12) {
        lines++;
        last = m;
      }
    const tb = toolbar.getBoundingClientRect();
    const t = table.getBoundingClientRect();
    return {
      lines,
      toolbarHeight: Math.round(tb.height),
      gapAbove: Math.round(t.top - tb.bottom),
      gapBelow: Math.round(window.innerHeight - t.bottom),
      outside,
      clipped,
      controls: controls.map(({ what, top, left, width }) => ({ what, top, left, width })),
    };
  });
}

test('the Requests toolbar takes at most two lines at 1280 and 1024 px, and the table the rest', async ({
  ui: page,
  gantry,
  shot,
  chattyApp,
}) => {
  const { id: appId, bind } = await chattyApp('Toolbar');
  try {
    for (let i = 0; i < 40; i++) expect((await page.request.get(`http://${bind}/?n=${i}`)).status()).toBe(200);
    const table = page.getByTestId('request-table');
    await expect(table).toHaveAttribute('aria-rowcount', '41');

    const check = async (state: string) => {
      for (const width of [1280, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        const l = await layoutOf(page);
        const why = `${state} at ${width} px: ${JSON.stringify(l)}`;
        expect(l.lines, why).toBeLessThanOrEqual(2);
        expect(l.outside, why).toEqual([]);
        expect(l.clipped, why).toEqual([]);
        expect(l.toolbarHeight, why).toBeLessThanOrEqual(96);
        expect(l.gapAbove, why).toBe(0);
        expect(l.gapBelow, why).toBe(0);
        await shot(`requests-toolbar-${state}-${width}`);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    };
    await check('following');

    // The widest state: a filter (Clear shows), paused with rows waiting, and a time range set from the keyboard.
    await page.getByRole('group', { name: 'Status class' }).getByRole('button', { name: '2xx' }).click();
    await page.getByTestId('pause').click();
    for (let i = 0; i < 5; i++) expect((await page.request.get(`http://${bind}/?late=${i}`)).status()).toBe(200);
    await expect(page.getByTestId('pause')).toHaveText('▶ Resume (5 new)');
    const time = page.getByTestId('time-button');
    await expect(time).toHaveAttribute('aria-expanded', 'false');
    await time.focus();
    await page.keyboard.press('Enter');
    await expect(time).toHaveAttribute('aria-expanded', 'true');
    const since = page.getByLabel('Since');
    await expect(since).toBeFocused();
    const oldest = Math.min(
      ...(await gantry.api.call('access', { params: { id: appId }, query: { limit: 100 } })).items.map((r) => r.time),
    );
    await since.fill(localSecond(oldest));
    await expect(page.getByLabel('Jump to', { exact: true })).toBeVisible();
    await shot('requests-toolbar-time-open');
    await page.keyboard.press('Escape');
    await expect(time).toHaveAttribute('aria-expanded', 'false');
    await expect(time).toBeFocused();
    await expect(since).toBeHidden();
    // Closed, the button still says a range is in force (the filter is not hidden behind it).
    await expect(time).toHaveText(`Since ${localSecond(oldest).slice(11)} ▾`);
    await expect(time).toHaveAttribute('data-active', 'true');
    await expect(page.getByTestId('table-rows')).toHaveText('40 of 40 rows in the table match');
    await check('filtered-paused');

    await page.getByRole('toolbar', { name: 'Request filters' }).getByRole('button', { name: 'Clear' }).click();
    await expect(time).toHaveText('Time ▾');
    await page.getByTestId('pause').click();
    await expect(table).toHaveAttribute('aria-rowcount', '46');
  } finally {
    // The window back as the next spec expects it (the app goes with the fixture, from its own screen).
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});
