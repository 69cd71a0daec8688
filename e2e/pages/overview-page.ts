// The Apps overview, as a user sees it: app cards, their state, their buttons, the empty state.
import { expect, type Locator, type Page } from '@playwright/test';

export class OverviewPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Apps' }).click();
    await expect(this.page.locator('[data-screen="overview"]')).toHaveAttribute('aria-busy', 'false');
  }

  card(name: string): Locator {
    return this.page.locator('article.app-card', { has: this.page.getByRole('heading', { name, exact: true }) });
  }

  get emptyState(): Locator {
    return this.page.getByTestId('empty-state');
  }

  async expectState(name: string, state: string, healthy?: boolean): Promise<void> {
    await expect(this.card(name)).toHaveAttribute('data-state', state, { timeout: 30_000 });
    if (healthy !== undefined) await expect(this.card(name)).toHaveAttribute('data-healthy', String(healthy), { timeout: 30_000 });
  }

  async press(name: string, button: 'Start' | 'Stop' | 'Restart' | 'Launch staging'): Promise<void> {
    await this.card(name).getByRole('button', { name: button, exact: true }).click();
  }

  launchPanel(name: string): Locator {
    return this.card(name).getByTestId('launch-panel');
  }

  async openApp(name: string): Promise<void> {
    await this.card(name).getByRole('link', { name, exact: true }).click();
  }
}
