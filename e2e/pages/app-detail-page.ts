// One app's detail screen: header actions and the six tabs.
import { expect, type Locator, type Page } from '@playwright/test';

export class AppDetailPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.locator('[data-screen="detail"]');
  }

  async expectState(state: string, healthy?: boolean): Promise<void> {
    await expect(this.root).toHaveAttribute('data-state', state, { timeout: 45_000 });
    if (healthy !== undefined) await expect(this.root).toHaveAttribute('data-healthy', String(healthy), { timeout: 45_000 });
  }

  /** The app's first URL, as its header link shows it. */
  async appUrl(): Promise<string> {
    const link = this.page.locator('.detail-urls a').first();
    await expect(link).toBeVisible();
    return (await link.getAttribute('href'))!;
  }

  async tab(name: 'Requests' | 'Output' | 'Workers' | 'Metrics' | 'Settings' | 'Export'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
    await expect(this.page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  }

  // Export
  get exportPanel(): Locator {
    return this.page.locator('.export-tab');
  }
  get exportPreview(): Locator {
    return this.page.locator('.export-preview');
  }
  get exportFiles(): Locator {
    return this.page.getByRole('listbox', { name: 'Files' });
  }

  // Requests
  get requestTable(): Locator {
    return this.page.getByTestId('request-table');
  }
  requestRows(): Locator {
    return this.requestTable.locator('[role="row"][data-request-id]');
  }
  rowsWithPath(path: string): Locator {
    return this.requestRows().filter({ has: this.page.locator('.c-path', { hasText: path }) });
  }
  async toggleStatusClass(c: '1xx' | '2xx' | '3xx' | '4xx' | '5xx'): Promise<void> {
    await this.page.getByRole('group', { name: 'Status class' }).getByRole('button', { name: c }).click();
  }
  async search(text: string): Promise<void> {
    await this.page.getByLabel('Search requests').fill(text);
  }
  async clearFilters(): Promise<void> {
    await this.page.getByRole('toolbar', { name: 'Request filters' }).getByRole('button', { name: 'Clear' }).click();
  }
  /** Opens "Time ▾" (since / until / jump to), in the Requests or the Output toolbar, unless it is open. */
  async openTime(): Promise<void> {
    await openPopover(this.page.getByTestId('time-button'));
  }
  /** Opens "Export ▾" in the Requests toolbar, unless it is open. */
  async openExport(): Promise<void> {
    await openPopover(this.page.getByTestId('export-button'));
  }
  get drawer(): Locator {
    return this.page.getByTestId('request-drawer');
  }

  // Workers
  get workerRows(): Locator {
    return this.page.getByTestId('workers-table').locator('tbody tr');
  }
  async scaleUp(): Promise<void> {
    await this.page.getByRole('button', { name: 'One worker more' }).click();
  }

  // Settings
  setting(key: string): Locator {
    return this.page.locator(`[data-setting="${key}"]`);
  }
}

async function openPopover(button: Locator): Promise<void> {
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
}
