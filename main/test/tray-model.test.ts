// The tray menu as data: each app with its state and the actions that make sense in that state.
import { describe, expect, it } from 'vitest';
import type { DesktopAppStatus } from '../src/host-port.js';
import { trayModel, type TrayItem } from '../src/tray-model.js';

const base = { startAtLogin: false, startMinimised: false, loginItemSupported: true };
const app = (id: string, state: DesktopAppStatus['state'], extra: Partial<DesktopAppStatus> = {}): DesktopAppStatus => ({
  id,
  name: id.toUpperCase(),
  folder: `/srv/${id}`,
  state,
  healthy: state === 'running',
  urls: state === 'running' ? [`http://127.0.0.1:80${id.length}/`] : [],
  ...extra,
});

function submenu(items: readonly TrayItem[], labelStart: string): readonly TrayItem[] {
  const found = items.find((i) => i.type === 'submenu' && i.label.includes(labelStart));
  if (!found || found.type !== 'submenu') throw new Error(`no submenu ${labelStart}`);
  return found.items;
}

function actions(items: readonly TrayItem[]): Record<string, boolean> {
  return Object.fromEntries(
    items.filter((i) => i.type === 'action').map((i) => [i.label.startsWith('Open') ? 'Open' : i.label, i.type === 'action' && i.enabled]),
  );
}

describe('tray model', () => {
  it('with no apps: show, a hint, preferences and quit', () => {
    const m = trayModel({ ...base, apps: [] });
    expect(m.tooltip).toBe('Gantry — no apps');
    expect(m.items.map((i) => (i.type === 'separator' ? '---' : i.label))).toEqual([
      'Show Gantry',
      '---',
      'No apps yet',
      '---',
      'Start at login',
      'Start minimised',
      '---',
      'Quit Gantry',
    ]);
  });

  it('lists every app in order with its state', () => {
    const m = trayModel({ ...base, apps: [app('blog', 'running'), app('shop', 'stopped'), app('api', 'failed'), app('wiki', 'starting')] });
    const labels = m.items.filter((i) => i.type === 'submenu').map((i) => i.label);
    expect(labels).toEqual(['● BLOG — running', '○ SHOP — stopped', '✕ API — failed', '◐ WIKI — starting…']);
    expect(m.tooltip).toBe('Gantry — 1 of 4 running, 1 failed');
  });

  it('running: stop and open enabled, start disabled; open targets the app URL', () => {
    const items = submenu(trayModel({ ...base, apps: [app('blog', 'running')] }).items, 'BLOG');
    expect(actions(items)).toEqual({ Start: false, Stop: true, Open: true });
    const open = items.find((i) => i.type === 'action' && i.label.startsWith('Open'));
    expect(open).toMatchObject({ action: { kind: 'open-url', url: 'http://127.0.0.1:804/' } });
    expect(items.find((i) => i.type === 'action' && i.label === 'Stop')).toMatchObject({ action: { kind: 'stop', appId: 'blog' } });
  });

  it('stopped and failed: start enabled, stop and open disabled', () => {
    for (const state of ['stopped', 'failed'] as const) {
      const items = submenu(trayModel({ ...base, apps: [app('shop', state)] }).items, 'SHOP');
      expect(actions(items)).toEqual({ Start: true, Stop: false, Open: false });
      expect(items.find((i) => i.type === 'action' && i.label === 'Start')).toMatchObject({ action: { kind: 'start', appId: 'shop' } });
    }
  });

  it('starting and reloading can be stopped; stopping can do nothing', () => {
    expect(actions(submenu(trayModel({ ...base, apps: [app('a', 'starting')] }).items, 'A —'))).toEqual({
      Start: false,
      Stop: true,
      Open: false,
    });
    expect(actions(submenu(trayModel({ ...base, apps: [app('a', 'reloading')] }).items, 'A —'))).toEqual({
      Start: false,
      Stop: true,
      Open: false,
    });
    expect(actions(submenu(trayModel({ ...base, apps: [app('a', 'stopping')] }).items, 'A —'))).toEqual({
      Start: false,
      Stop: false,
      Open: false,
    });
  });

  it('a running app whose health check fails is not shown as green', () => {
    const m = trayModel({ ...base, apps: [app('blog', 'running', { healthy: false })] });
    expect(m.items.find((i) => i.type === 'submenu')?.label).toBe('◐ BLOG — running (unhealthy)');
  });

  it('opens only http(s) URLs (a unix socket bind has nothing to open)', () => {
    const items = submenu(trayModel({ ...base, apps: [app('sock', 'running', { urls: ['unix:/tmp/app.sock'] })] }).items, 'SOCK');
    expect(actions(items).Open).toBe(false);
  });

  it('reflects the preferences and hides start-at-login where unsupported', () => {
    const m = trayModel({ apps: [], startAtLogin: true, startMinimised: true, loginItemSupported: true });
    expect(m.items.filter((i) => i.type === 'checkbox')).toEqual([
      { type: 'checkbox', label: 'Start at login', checked: true, action: { kind: 'toggle-start-at-login' } },
      { type: 'checkbox', label: 'Start minimised', checked: true, action: { kind: 'toggle-start-minimised' } },
    ]);
    const n = trayModel({ ...base, apps: [], loginItemSupported: false });
    expect(n.items.some((i) => i.type === 'checkbox' && i.label === 'Start at login')).toBe(false);
  });

  it('ends with quit', () => {
    const m = trayModel({ ...base, apps: [app('a', 'running')] });
    expect(m.items.at(-1)).toEqual({ type: 'action', label: 'Quit Gantry', enabled: true, action: { kind: 'quit' } });
  });
});
