// The saved config: atomic writes with a last-good copy, corrupt and future-version files set aside (never
// overwritten), and the per-install token file.
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore, emptyConfig } from '../../src/host/config-store.js';
import { loadOrCreateToken } from '../../src/host/token.js';
import { createHost } from '../../src/host/host.js';
import { tempDirScope, tempDirPerTest } from '../helpers/tempdir.js';
import { savedApp } from '../helpers/saved-app.js';
import type { AppDefinition } from '../../src/config/app-definition.js';

const def = (id: string, folder: string): AppDefinition =>
  savedApp(id, folder, { settings: { app: 'hello:application', bind: ['127.0.0.1:18001'] } });

const home = tempDirScope('gantry-store-');
const tempDir = tempDirPerTest();

describe('ConfigStore', () => {
  it('starts fresh when there is no file', async () => {
    const r = await new ConfigStore(home.path).load();
    expect(r.fresh).toBe(true);
    expect(r.doc).toEqual(emptyConfig());
    expect(r.notices).toEqual([]);
  });

  it('writes atomically: the file and its last-good copy hold the same valid document, no temp files left', async () => {
    const store = new ConfigStore(home.path);
    await store.save({ ...emptyConfig(), apps: [def('one', home.path)] });
    await store.save({ ...emptyConfig(), apps: [def('one', home.path), def('two', home.path)] });
    const main = JSON.parse(await readFile(store.file, 'utf8'));
    const lastGood = JSON.parse(await readFile(store.lastGoodFile, 'utf8'));
    expect(main.apps.map((a: AppDefinition) => a.id)).toEqual(['one', 'two']);
    expect(lastGood).toEqual(main);
    expect((await readdir(home.path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it('refuses to save an invalid document, naming the field', async () => {
    const store = new ConfigStore(home.path);
    const bad = { ...emptyConfig(), apps: [{ ...def('one', home.path), settings: { workers: 0 } }] };
    await expect(store.save(bad)).rejects.toMatchObject({
      code: 'GANTRY_ERR_INVALID_CONFIG',
      details: { field: 'apps.0.settings.workers' },
    });
  });

  it('sets a corrupt file aside, loads the last good copy and says so', async () => {
    const store = new ConfigStore(home.path);
    await store.save({ ...emptyConfig(), demoOffered: true, apps: [def('kept', home.path)] });
    await writeFile(store.file, '{"schemaVersion": 1, "apps": [ truncated');
    const r = await new ConfigStore(home.path).load();
    expect(r.doc.apps.map((a) => a.id)).toEqual(['kept']);
    expect(r.notices).toHaveLength(1);
    expect(r.notices[0]!.code).toBe('GANTRY_ERR_CONFIG_CORRUPT');
    const aside = r.notices[0]!.details!.setAside as string;
    expect(await readFile(aside, 'utf8')).toContain('truncated'); // the bad file is kept, byte for byte
    expect(JSON.parse(await readFile(store.file, 'utf8')).apps[0].id).toBe('kept');
  });

  it('never overwrites a file written by a newer Gantry', async () => {
    const store = new ConfigStore(home.path);
    await store.save({ ...emptyConfig(), apps: [def('old', home.path)] });
    const future = JSON.stringify({ schemaVersion: 99, apps: [], somethingNew: true });
    await writeFile(store.file, future);
    const r = await new ConfigStore(home.path).load();
    expect(r.notices[0]).toMatchObject({ code: 'GANTRY_ERR_CONFIG_CORRUPT', details: { future: true, usedLastGood: true } });
    expect(await readFile(r.notices[0]!.details!.setAside as string, 'utf8')).toBe(future);
    expect(r.doc.apps[0]!.id).toBe('old');
  });

  it('an invalid document (valid JSON, bad field) is treated as corrupt too', async () => {
    const store = new ConfigStore(home.path);
    await writeFile(store.file, JSON.stringify({ schemaVersion: 1, demoOffered: false, apps: [{ id: 'Bad Id' }] }));
    const r = await store.load();
    expect(r.notices[0]!.code).toBe('GANTRY_ERR_CONFIG_CORRUPT');
    expect(r.notices[0]!.details).toMatchObject({ usedLastGood: false });
    expect(r.doc.apps).toEqual([]);
    // With nothing to recover, the demo is not re-offered on top of the user's (set aside) apps.
    expect(r.doc.demoOffered).toBe(true);
  });

  it('the Host reports the corrupt config as a notice', async () => {
    await writeFile(join(home.path, 'apps.json'), 'not json');
    const host = await createHost({ home: home.path, demoFolder: null });
    expect(host.notices.map((n) => n.code)).toEqual(['GANTRY_ERR_CONFIG_CORRUPT']);
    await host.close();
  });
});

describe('token file', () => {
  it('is 32 random bytes in hex, mode 0600, stable across loads', async () => {
    const a = await loadOrCreateToken(home.path);
    const b = await loadOrCreateToken(home.path);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect((await stat(join(home.path, 'token'))).mode & 0o777).toBe(0o600);
    const other = await tempDir();
    expect(await loadOrCreateToken(other.path)).not.toBe(a);
  });
});
