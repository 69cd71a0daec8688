// The Requests header's "N served" is never behind the table: watched on every painted frame while requests
// arrive in rounds, the count served is at least the rows the table shows (a count read from the once-a-second
// metrics sample read "0 served · 12 rows in the table" after a quick dozen), and it ends on the true total.
import { expect, test } from '../support/chatty';

const ROUNDS = 6;
const PER_ROUND = 5;

interface FrameCheck {
  readonly frames: number;
  /** Frames where the header said fewer served than the table showed rows. */
  readonly behind: { readonly served: number | null; readonly rows: number }[];
}

/**
 * Runs in the page: on every animation frame, reads the numbers the header shows — the count served, the rows in
 * the table and, paused, the "(N new)" on the Resume button — until rows plus new reach `target`.
 */
function watchHeader(target: number): Promise<FrameCheck> {
  const num = (text: string | null | undefined): number | null => {
    const m = /[\d][\d,.\u202f\u00a0 ]*/.exec((text ?? '').trim());
    return m ? Number(m[0].replace(/[^\d]/g, '')) : null;
  };
  return new Promise((resolve) => {
    let frames = 0;
    const behind: { served: number | null; rows: number }[] = [];
    const tick = () => {
      frames++;
      const held = num(document.querySelector('[data-testid="table-rows"]')?.textContent) ?? 0;
      const fresh = num(/\((\d[\d,]*) new\)/.exec(document.querySelector('[data-testid="pause"]')?.textContent ?? '')?.[1]) ?? 0;
      const rows = held + fresh;
      const served = num(document.querySelector('[data-testid="served"]')?.textContent);
      if (rows > 0 && (served === null || served < rows)) behind.push({ served, rows });
      if (rows >= target) resolve({ frames, behind });
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

test('the count served is never below the rows shown, on any frame, and ends on the true total', async ({ ui: page, shot, chattyApp }) => {
  const { bind } = await chattyApp('Served count');
  await expect(page.locator('.requests-tab')).toHaveAttribute('data-loaded', 'true');
  const table = page.getByTestId('request-table');
  await expect(table).toHaveAttribute('aria-rowcount', '1');

  const total = ROUNDS * PER_ROUND;
  const watching = page.evaluate(watchHeader, total);
  // Rounds that each wait for their rows on screen: the arrivals spread over more than one metrics sample.
  for (let round = 1; round <= ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) expect((await page.request.get(`http://${bind}/?round=${round}&i=${i}`)).status()).toBe(200);
    await expect(table).toHaveAttribute('aria-rowcount', String(round * PER_ROUND + 1));
  }
  const check = await watching;
  expect(check.behind, `${check.behind.length} of ${check.frames} frames showed fewer served than rows`).toEqual([]);
  await expect(page.getByTestId('served')).toHaveText(`${total} served · `);
  await expect(page.getByTestId('table-rows')).toHaveText(`${total} rows in the table`);
  await shot('requests-served-count');

  // Paused, the stream only counts: "Resume (N new)" and the count served move together, on every frame.
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('pause')).toHaveAttribute('aria-pressed', 'true');
  const more = total + PER_ROUND;
  const watchingPaused = page.evaluate(watchHeader, more);
  for (let i = 0; i < PER_ROUND; i++) expect((await page.request.get(`http://${bind}/?paused=${i}`)).status()).toBe(200);
  await expect(page.getByTestId('pause')).toContainText(`(${PER_ROUND} new)`);
  const paused = await watchingPaused;
  expect(paused.behind, `${paused.behind.length} of ${paused.frames} frames showed fewer served than rows + new`).toEqual([]);
  await expect(page.getByTestId('served')).toHaveText(`${more} served · `);
  await shot('requests-served-paused');
  await page.getByTestId('pause').click();
});
