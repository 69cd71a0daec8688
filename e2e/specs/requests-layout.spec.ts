// The Requests table stays right when the layout above it changes (the toolbar wrapping a line when
// "Showing 1 in N" appears or goes, a notice line): the table plans its rows for the viewport it is
// painted in within the same frame, so while following the newest row stays at the bottom on every painted
// frame. Checked from a ResizeObserver made after the table's own: observers run in creation order after
// layout and before paint, so what it measures is the frame the browser is about to paint.
import { expect, test } from '../support/chatty';

interface Painted {
  readonly newestBottom: number;
  readonly viewBottom: number;
  readonly gapPx: number;
}

test('following, the newest row stays at the bottom in the very frame the toolbar grows or shrinks', async ({ ui: page, chattyApp }) => {
  const { bind } = await chattyApp('Layout shift');
  // More rows than the table shows, so following means scrolled to the bottom.
  for (let i = 0; i < 60; i++) expect((await page.request.get(`http://${bind}/?n=${i}`)).status()).toBe(200);
  const table = page.getByTestId('request-table');
  await expect(table).toHaveAttribute('aria-rowcount', '61');
  await expect(table).toHaveAttribute('data-following', 'true');

  const frames = await page.evaluate(async () => {
    const scroller = document.querySelector<HTMLElement>('[data-testid="request-table"]')!;
    const toolbar = document.querySelector<HTMLElement>('.req-toolbar')!;
    const paintedNow = (): Painted => {
      const box = scroller.getBoundingClientRect();
      const viewBottom = box.top + scroller.clientTop + scroller.clientHeight;
      const last = Number(scroller.getAttribute('aria-rowcount'));
      const newest = scroller.querySelector<HTMLElement>(`[role="row"][aria-rowindex="${last}"]`);
      const newestBottom = newest ? newest.getBoundingClientRect().bottom : -1;
      let reach = -Infinity;
      for (const r of scroller.querySelectorAll<HTMLElement>('[role="row"][data-request-id]'))
        reach = Math.max(reach, r.getBoundingClientRect().bottom);
      return { newestBottom, viewBottom, gapPx: Math.max(0, Math.round(viewBottom - reach)) };
    };
    // One layout change, then the frame that paints it, as the table's own observer has left it.
    const frameAfter = (change: () => void) =>
      new Promise<Painted>((resolve) => {
        let seen = false;
        const ro = new ResizeObserver(() => {
          if (!seen) return void (seen = true); // the observation every observer gets when it starts
          ro.disconnect();
          resolve(paintedNow());
        });
        ro.observe(scroller);
        requestAnimationFrame(() => requestAnimationFrame(change));
      });
    const grown = await frameAfter(() => (toolbar.style.paddingBottom = '53px'));
    const shrunk = await frameAfter(() => (toolbar.style.paddingBottom = ''));
    return { grown, shrunk };
  });
  for (const [name, f] of Object.entries(frames)) {
    expect(Math.abs(f.newestBottom - f.viewBottom), `${name}: ${JSON.stringify(f)}`).toBeLessThanOrEqual(1.5);
    expect(f.gapPx, `${name}: ${JSON.stringify(f)}`).toBe(0);
  }
});
