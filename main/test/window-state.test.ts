// Window size and position survive restarts, are written atomically, and never put the window off screen.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitToScreens, loadWindowState, parseWindowState, saveWindowState, WINDOW_STATE_FILE } from '../src/window-state.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-window-state-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window state file', () => {
  it('round-trips bounds and maximised', async () => {
    await saveWindowState(dir, { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
    expect(await loadWindowState(dir)).toEqual({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true });
  });

  it('creates the config folder when missing', async () => {
    const nested = path.join(dir, 'a', 'b');
    await saveWindowState(nested, { bounds: { x: 0, y: 0, width: 800, height: 600 }, maximized: false });
    expect(await loadWindowState(nested)).not.toBeNull();
  });

  it('is null when absent', async () => {
    expect(await loadWindowState(dir)).toBeNull();
  });

  it('ignores a corrupt or foreign file instead of failing', async () => {
    for (const text of [
      '{',
      '[]',
      'null',
      '{"version":2,"bounds":{"x":0,"y":0,"width":10,"height":10}}',
      '{"version":1,"bounds":{"x":"0","y":0,"width":10,"height":10}}',
      '{"version":1,"bounds":{"x":0,"y":0,"width":0,"height":10}}',
    ]) {
      await fs.writeFile(path.join(dir, WINDOW_STATE_FILE), text);
      expect(await loadWindowState(dir), text).toBeNull();
    }
  });

  it('writes atomically: no temp files left, the previous content replaced whole', async () => {
    await saveWindowState(dir, { bounds: { x: 1, y: 1, width: 801, height: 601 }, maximized: false });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        saveWindowState(dir, { bounds: { x: i, y: i, width: 800 + i, height: 600 + i }, maximized: false }),
      ),
    );
    expect(await fs.readdir(dir)).toEqual([WINDOW_STATE_FILE]);
    const parsed = parseWindowState(await fs.readFile(path.join(dir, WINDOW_STATE_FILE), 'utf8'));
    expect(parsed).not.toBeNull();
    expect(parsed!.bounds.width - parsed!.bounds.x).toBe(800);
  });

  it('keeps the file private to the user', async () => {
    if (process.platform === 'win32') return;
    await saveWindowState(dir, { bounds: { x: 0, y: 0, width: 800, height: 600 }, maximized: false });
    expect((await fs.stat(path.join(dir, WINDOW_STATE_FILE))).mode & 0o777).toBe(0o600);
  });
});

describe('fitToScreens', () => {
  it('keeps bounds that are on a screen', () => {
    expect(fitToScreens({ x: 100, y: 100, width: 800, height: 600 }, [screen])).toEqual({ x: 100, y: 100, width: 800, height: 600 });
  });

  it('drops bounds on a monitor that is no longer there', () => {
    expect(fitToScreens({ x: 2500, y: 100, width: 800, height: 600 }, [screen])).toBeNull();
  });

  it('drops bounds that are mostly off screen', () => {
    expect(fitToScreens({ x: 1700, y: 100, width: 800, height: 600 }, [screen])).toBeNull();
  });

  it('finds the second monitor and clamps the size to it', () => {
    const second = { x: 1920, y: 0, width: 1280, height: 720 };
    expect(fitToScreens({ x: 1920, y: 0, width: 1900, height: 1000 }, [screen, second])).toBeNull(); // less than half on it
    expect(fitToScreens({ x: 1950, y: 10, width: 1200, height: 700 }, [screen, second])).toEqual({
      x: 1950,
      y: 10,
      width: 1200,
      height: 700,
    });
    expect(fitToScreens({ x: 0, y: 0, width: 2400, height: 1300 }, [{ x: 0, y: 0, width: 2560, height: 1440 }])).toEqual({
      x: 0,
      y: 0,
      width: 2400,
      height: 1300,
    });
    // A window saved on a bigger monitor comes back no larger than the laptop screen it now opens on.
    expect(fitToScreens({ x: 0, y: 0, width: 1900, height: 1070 }, [{ x: 0, y: 0, width: 1366, height: 768 }])).toEqual({
      x: 0,
      y: 0,
      width: 1366,
      height: 768,
    });
  });

  it('is null with no screens', () => {
    expect(fitToScreens({ x: 0, y: 0, width: 800, height: 600 }, [])).toBeNull();
  });
});
