// The Host's named sites: each app's NAME.localhost names (and its runtime while it runs) as the router reads
// them, the name-clash check a save runs, and the router itself when HostOptions.router asks for one.
import type { AppDefinition } from '../config/app-definition.js';
import type { Notice } from '../control/contract.js';
import { isGantryError } from '../errors.js';
import type { AppSlot } from './app-slot.js';
import { staticSettings } from './definitions.js';
import { SiteRouter, type Site } from './router.js';
import { checkSiteNames, siteNamesOf } from './site-names.js';

export interface RouterPorts {
  readonly host?: string;
  readonly httpPort: number;
  readonly httpsPort: number;
}

export class SiteTable {
  /** The named-site router, while it runs. */
  router: SiteRouter | null = null;
  /** Rebuilt lazily after invalidate(): when definitions or running profiles change. */
  private table: Site[] | null = null;

  constructor(private readonly slots: () => Iterable<AppSlot>) {}

  /** The router failing to listen (busy port) is a notice, not a failed start: every app's own bind still works. */
  async startRouter(home: string, opts: RouterPorts, notice: (n: Notice) => void): Promise<void> {
    try {
      const { ensureLocalCa } = await import('../tls/local-ca.js');
      const router = new SiteRouter({
        host: opts.host ?? '127.0.0.1',
        httpPort: opts.httpPort,
        httpsPort: opts.httpsPort,
        ca: await ensureLocalCa(home),
        sites: () => this.sites(),
      });
      await router.listen();
      this.router = router;
    } catch (e) {
      notice({
        code: isGantryError(e) ? e.code : 'GANTRY_ERR_INTERNAL',
        message: `the local site router is off: ${(e as Error).message}`,
        time: Date.now(),
      });
    }
  }

  invalidate(): void {
    this.table = null;
  }

  /** Every app's local site names, and its runtime while it runs (router.ts). */
  sites(): readonly Site[] {
    if (this.table !== null) return this.table;
    this.table = [...this.slots()].map((slot) => {
      const settings = staticSettings(slot.def, (slot.runtime && slot.isActive() ? slot.profile : null) ?? slot.def.activeProfile);
      return {
        appId: slot.id,
        appName: slot.def.name,
        names: siteNamesOf(slot.def.name, settings),
        requireHttps: settings.requireHttps,
        get runtime() {
          return slot.runtime && slot.isActive() ? slot.runtime : null;
        },
      };
    });
    return this.table;
  }

  /** GANTRY_ERR_SITE_NAME when `def`'s site names are taken by another app. */
  checkNames(def: AppDefinition): void {
    const others = new Map(this.sites().map((s) => [s.appId, s.names] as const));
    checkSiteNames(def.id, siteNamesOf(def.name, staticSettings(def, def.activeProfile)), others, this.router?.suffixes ?? ['localhost']);
  }

  /** The app's URLs on the router; null when the router is off. */
  urlsOf(appId: string): { readonly http: readonly string[]; readonly https: readonly string[] } | null {
    return this.router ? this.router.urlsOf(this.sites().find((s) => s.appId === appId)?.names ?? []) : null;
  }

  async close(): Promise<void> {
    await this.router?.close();
    this.router = null;
  }
}
