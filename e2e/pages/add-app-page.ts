// The Add app form: folder, detection, entry point, port, workers, env.
import { expect, type Locator, type Page } from '@playwright/test';

export class AddAppPage {
  constructor(private readonly page: Page) {}

  get folder(): Locator {
    return this.page.getByLabel('Folder', { exact: true });
  }
  get detection(): Locator {
    return this.page.getByTestId('detection');
  }
  get portStatus(): Locator {
    return this.page.getByTestId('port-status');
  }

  async detect(folder: string): Promise<void> {
    await this.folder.fill(folder);
    await this.page.getByRole('button', { name: 'Detect' }).click();
    await expect(this.detection).toBeVisible({ timeout: 30_000 });
  }

  async chooseEntry(entry: string): Promise<void> {
    await this.detection.getByRole('radio', { name: new RegExp(entry.replace(/[.:]/g, '\\$&')) }).check();
  }

  async setName(name: string): Promise<void> {
    await this.page.getByLabel('Name', { exact: true }).fill(name);
  }

  async setWorkers(n: number): Promise<void> {
    await this.page.getByLabel('Workers', { exact: true }).fill(String(n));
  }

  async addEnv(key: string, value: string): Promise<void> {
    await this.page.getByRole('button', { name: '+ Add variable' }).click();
    const i = (await this.page.locator('.env-row:not(.env-head)').count()) - 1;
    await this.page.getByLabel(`Variable ${i + 1} name`).fill(key);
    await this.page.getByLabel(`Variable ${i + 1} value`).fill(value);
  }

  /** Waits for the live port check to say the port is free. */
  async expectPortFree(): Promise<void> {
    await expect(this.portStatus).toHaveAttribute('data-free', 'true', { timeout: 15_000 });
  }

  async addAndStart(): Promise<void> {
    await this.page.getByRole('button', { name: 'Add and start' }).click();
  }
}
