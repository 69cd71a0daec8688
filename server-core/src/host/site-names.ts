// The local site names of an app on the Host's router: NAME.localhost from the app's name, plus its
// aliases. Names are unique across apps; a clash is refused when an app is added or edited.
import type { AppSettings } from '../config/settings-table.js';
import { GantryError } from '../errors.js';

/** A DNS label from an app's name: "My Shop" → "my-shop" (RFC 1123: letters, digits, inner hyphens, ≤ 63). */
function siteLabel(appName: string): string {
  const s = appName
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s || 'app';
}

/** `shop` → `shop.localhost`; a name with dots is taken as written (it must be under a local suffix). */
function fullSiteName(alias: string): string {
  const a = alias.toLowerCase().replace(/\.$/, '');
  return a.includes('.') ? a : `${a}.localhost`;
}

export function siteNamesOf(appName: string, settings: Pick<AppSettings, 'siteAliases'>): string[] {
  const names = [fullSiteName(siteLabel(appName)), ...settings.siteAliases.map(fullSiteName)];
  return [...new Set(names)];
}

/** Refuses names that are not local (outside .localhost and `suffixes`) or that another app already has. */
export function checkSiteNames(
  appId: string,
  names: readonly string[],
  others: ReadonlyMap<string, readonly string[]>,
  suffixes: readonly string[] = ['localhost'],
): void {
  for (const n of names) {
    if (!suffixes.some((s) => n === s || n.endsWith('.' + s)) || n === 'localhost') {
      throw new GantryError(
        'GANTRY_ERR_SITE_NAME',
        `"${n}" is not a local site name: use NAME.localhost${suffixes.length > 1 ? ` or a name under ${suffixes.slice(1).join(', ')}` : ''}`,
        { field: 'siteAliases', name: n },
      );
    }
    for (const [id, theirs] of others) {
      if (id !== appId && theirs.includes(n)) {
        throw new GantryError(
          'GANTRY_ERR_SITE_NAME',
          `the site name ${n} is already used by app ${id}; rename one of the apps or change its aliases`,
          { field: 'siteAliases', name: n, app: id },
        );
      }
    }
  }
}
