// Config loading refuses what it cannot write back unchanged, through a real `gantry ui` and its API: duplicate
// app ids or names are a corrupt config (set aside, last good copy used, notice), a symlinked apps.json stays a
// symlink, and a file from a newer Gantry never gets its last good copy overwritten.
import { lstat, mkdir, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/config/app-definition.js';
import { uiScope } from '../helpers/ui-scope.js';
import { savedApp } from '../helpers/saved-app.js';

const def = (id: string, name: string, folder: string): AppDefinition =>
  savedApp(id, folder, { name, settings: { app: 'hello:application', bind: [`127.0.0.1:${21500 + id.length}`] } });
const doc = (apps: AppDefinition[], schemaVersion = 1) => JSON.stringify({ schemaVersion, demoOffered: true, apps }, null, 2) + '\n';

const s = uiScope();

describe('config round trip', () => {
  for (const [what, apps] of [
    ['duplicate ids', (f: string) => [def('shop', 'Shop', f), def('shop', 'Shop two', f)]],
    ['duplicate names', (f: string) => [def('shop', 'Shop', f), def('shop2', 'Shop', f)]],
  ] as const) {
    it(`${what}: the file is corrupt — set aside, the last good copy used, a notice shown; nothing dropped at the next save`, async () => {
      const home = await s.tempDir('gantry-rt-');
      const bad = doc(apps(home.path));
      await writeFile(join(home.path, 'apps.json'), bad);
      await writeFile(join(home.path, 'apps.json.last-good'), doc([def('good', 'Good', home.path)]));
      const ui = await s.startUi(home.path);
      const notices = (await ui.api('GET', '/api/notices')).body.notices.filter(
        (n: { code: string }) => n.code === 'GANTRY_ERR_CONFIG_CORRUPT',
      );
      expect(notices).toHaveLength(1);
      expect(notices[0].message).toMatch(/duplicate/);
      expect((await ui.api('GET', '/api/apps')).body.apps.map((a: { definition: AppDefinition }) => a.definition.id)).toEqual(['good']);
      // The bad file is kept byte for byte.
      expect(await readFile(notices[0].details.setAside, 'utf8')).toBe(bad);
      // A save now writes what is shown, and the set-aside file is untouched.
      expect((await ui.api('PATCH', '/api/apps/good', { name: 'Good 2' })).status).toBe(200);
      expect(JSON.parse(await readFile(join(home.path, 'apps.json'), 'utf8')).apps.map((a: AppDefinition) => a.name)).toEqual(['Good 2']);
      expect(await readFile(notices[0].details.setAside, 'utf8')).toBe(bad);
    });
  }

  it('a symlinked apps.json stays a symlink; its target gets the new document, atomically', async () => {
    const home = await s.tempDir('gantry-rt-');
    const dotfiles = join(home.path, 'dotfiles');
    await mkdir(dotfiles);
    const gantryHome = join(home.path, 'home');
    await mkdir(gantryHome);
    await writeFile(join(dotfiles, 'gantry-apps.json'), doc([def('shop', 'Shop', home.path)]));
    await symlink('../dotfiles/gantry-apps.json', join(gantryHome, 'apps.json'));
    const ui = await s.startUi(gantryHome);
    expect((await ui.api('PATCH', '/api/apps/shop', { name: 'Shop renamed' })).status).toBe(200);
    const link = await lstat(join(gantryHome, 'apps.json'));
    expect(link.isSymbolicLink()).toBe(true);
    expect(await readlink(join(gantryHome, 'apps.json'))).toBe('../dotfiles/gantry-apps.json');
    expect(JSON.parse(await readFile(join(dotfiles, 'gantry-apps.json'), 'utf8')).apps[0].name).toBe('Shop renamed');
    expect((await readdir(dotfiles)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("a newer Gantry's file (main and last good) is set aside and never overwritten", async () => {
    const home = await s.tempDir('gantry-rt-');
    const future = doc([{ ...def('shop', 'Shop', home.path), settings: { app: 'x:y', newThing: 1 } as never }], 2);
    await writeFile(join(home.path, 'apps.json'), future);
    await writeFile(join(home.path, 'apps.json.last-good'), future);
    const ui = await s.startUi(home.path);
    const notices = (await ui.api('GET', '/api/notices')).body.notices.filter(
      (n: { code: string }) => n.code === 'GANTRY_ERR_CONFIG_CORRUPT',
    );
    expect(notices).toHaveLength(1);
    expect(notices[0].details.future).toBe(true);
    expect((await ui.api('POST', '/api/apps/demo')).status).toBe(200); // a save
    // Both of the newer Gantry's files survive, byte for byte, somewhere in the folder.
    const files = await readdir(home.path);
    const kept = await Promise.all(files.filter((f) => f.startsWith('apps.json')).map((f) => readFile(join(home.path, f), 'utf8')));
    expect(kept.filter((t) => t === future).length, files.join(', ')).toBe(2);
  });

  it("a newer Gantry's main file beside a good last copy: the app list comes from the last good copy, which is never replaced by the newer file", async () => {
    const home = await s.tempDir('gantry-rt-');
    const future = doc([{ ...def('shop', 'Shop', home.path), settings: { app: 'x:y', newThing: 1 } as never }], 2);
    const good = doc([def('blog', 'Blog', home.path)]);
    await writeFile(join(home.path, 'apps.json'), future);
    await writeFile(join(home.path, 'apps.json.last-good'), good);
    const ui = await s.startUi(home.path);
    expect(
      (await ui.api('GET', '/api/apps')).body.apps.map((a: { definition?: { id: string }; id?: string }) => a.definition?.id ?? a.id),
    ).toContain('blog');
    expect((await ui.api('PATCH', '/api/apps/blog', { name: 'Blog renamed' })).status).toBe(200); // a save
    expect((await ui.api('PATCH', '/api/apps/blog', { name: 'Blog renamed again' })).status).toBe(200); // and another
    const files = await readdir(home.path);
    const texts = await Promise.all(files.filter((f) => f.startsWith('apps.json')).map((f) => readFile(join(home.path, f), 'utf8')));
    expect(texts.filter((t) => t === future).length, files.join(', ')).toBe(1);
    // Every copy Gantry may fall back to is one this version wrote or read, never the newer file.
    for (const f of ['apps.json', 'apps.json.last-good']) {
      const d = JSON.parse(await readFile(join(home.path, f), 'utf8'));
      expect(d.schemaVersion, f).toBe(1);
      expect(
        d.apps.map((a: AppDefinition) => a.id),
        f,
      ).toEqual(['blog']);
    }
  });
});
