// Clicking the newest row while the table follows opens it. Pressing a row holds the list (so the row stays under
// the pointer); the "↓ Latest" button that a held list shows sits at the bottom centre of the table — over the
// newest row's centre — and appeared between press and release, so the release landed on the button and the
// click opened nothing (seen in CI whenever notices made the table short).
import { expect, test } from '../support/chatty';
import { AppDetailPage } from '../pages/app-detail-page';

test('following, a click on the newest row at the bottom of the table opens its drawer', async ({ ui: page, chattyApp }) => {
  const { bind } = await chattyApp('Press newest');
  // More rows than the table shows: following, the newest is the bottom row of the view.
  for (let i = 0; i < 60; i++) expect((await page.request.get(`http://${bind}/?n=${i}`)).status()).toBe(200);
  const table = page.getByTestId('request-table');
  await expect(table).toHaveAttribute('aria-rowcount', '61');
  await expect(table).toHaveAttribute('data-following', 'true');
  const newest = table.locator('[role="row"][aria-rowindex="61"]');
  const id = await newest.getAttribute('data-request-id');
  // Where a reader would click: the middle of the row, in its upper half (the button's place, once it shows).
  const box = (await newest.boundingBox())!;
  await newest.click({ position: { x: box.width / 2, y: 8 } });
  const detail = new AppDetailPage(page);
  await expect(detail.drawer).toBeVisible();
  await expect(detail.drawer).toContainText(id!);
  await page.keyboard.press('Escape');
  await expect(table).toHaveAttribute('data-following', 'true');
});
