// The window's security flags, asserted one by one, and its size handling.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, windowOptions } from '../src/window-options.js';

const preloadPath = '/opt/gantry/main/dist/preload.cjs';

describe('window options', () => {
  const options = windowOptions({ preloadPath, bounds: null, show: true });
  const web = options.webPreferences!;

  it('isolates the page: context isolation, sandbox, no Node', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and the risky features off', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.enableBlinkFeatures).toBe('');
    expect(web.navigateOnDragDrop).toBe(false);
  });

  it('loads only our preload, and passes nothing on the command line', () => {
    expect(web.preload).toBe(preloadPath);
    expect(web.additionalArguments).toBeUndefined();
  });

  it('sets every security flag explicitly (no reliance on defaults)', () => {
    for (const key of [
      'contextIsolation',
      'sandbox',
      'nodeIntegration',
      'webSecurity',
      'allowRunningInsecureContent',
      'webviewTag',
    ] as const) {
      expect(Object.hasOwn(web, key), key).toBe(true);
    }
  });

  it('is created hidden and shown on ready-to-show, whatever `show` says', () => {
    expect(options.show).toBe(false);
    expect(windowOptions({ preloadPath, bounds: null, show: false }).show).toBe(false);
  });

  it('opens at the default size, centred, without remembered bounds', () => {
    expect(options).toMatchObject({ width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height, center: true });
    expect(options.x).toBeUndefined();
  });

  it('uses remembered bounds', () => {
    const o = windowOptions({ preloadPath, bounds: { x: 10, y: 20, width: 900, height: 700 }, show: true });
    expect(o).toMatchObject({ x: 10, y: 20, width: 900, height: 700 });
    expect(o.center).toBeUndefined();
    expect(o.webPreferences?.sandbox).toBe(true);
  });
});
