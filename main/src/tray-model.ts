// The tray menu as data: a pure function from the Host's app statuses to a menu description. tray.ts turns
// it into an Electron Menu and dispatches the actions; keeping this pure lets the tests read the menu.
import type { AppState } from '@gantry/server-core';
import type { DesktopAppStatus } from './host-port.js';

export type TrayAction =
  | { readonly kind: 'show-window' }
  | { readonly kind: 'start'; readonly appId: string }
  | { readonly kind: 'stop'; readonly appId: string }
  | { readonly kind: 'open-url'; readonly url: string }
  | { readonly kind: 'toggle-start-at-login' }
  | { readonly kind: 'toggle-start-minimised' }
  | { readonly kind: 'quit' };

export type TrayItem =
  | { readonly type: 'separator' }
  | { readonly type: 'action'; readonly label: string; readonly enabled: boolean; readonly action: TrayAction }
  | { readonly type: 'checkbox'; readonly label: string; readonly checked: boolean; readonly action: TrayAction }
  | { readonly type: 'label'; readonly label: string }
  | { readonly type: 'submenu'; readonly label: string; readonly items: readonly TrayItem[] };

export interface TrayModelInput {
  readonly apps: readonly DesktopAppStatus[];
  readonly startAtLogin: boolean;
  readonly startMinimised: boolean;
  /** Start at login is not offered where the platform has no way to do it. */
  readonly loginItemSupported: boolean;
}

export interface TrayModel {
  readonly tooltip: string;
  readonly items: readonly TrayItem[];
}

const STATE_WORDS: Readonly<Record<AppState, string>> = {
  stopped: 'stopped',
  starting: 'starting…',
  running: 'running',
  reloading: 'reloading…',
  stopping: 'stopping…',
  failed: 'failed',
};

/** The state as the user should read it: "running" only once the health check passes. */
function stateLabel(app: DesktopAppStatus): string {
  if (app.state === 'running' && !app.healthy) return 'running (unhealthy)';
  return STATE_WORDS[app.state];
}

function stateMark(app: DesktopAppStatus): string {
  if (app.state === 'failed') return '✕';
  if (app.state === 'running' && app.healthy) return '●';
  if (app.state === 'stopped') return '○';
  return '◐';
}

function canStart(state: AppState): boolean {
  return state === 'stopped' || state === 'failed';
}

function canStop(state: AppState): boolean {
  return state === 'running' || state === 'starting' || state === 'reloading';
}

function appItem(app: DesktopAppStatus): TrayItem {
  const url = app.urls.find((u) => u.startsWith('http://') || u.startsWith('https://')) ?? null;
  const open: TrayItem =
    url !== null && app.state === 'running'
      ? { type: 'action', label: `Open ${url}`, enabled: true, action: { kind: 'open-url', url } }
      : { type: 'action', label: 'Open in browser', enabled: false, action: { kind: 'show-window' } };
  return {
    type: 'submenu',
    label: `${stateMark(app)} ${app.name} — ${stateLabel(app)}`,
    items: [
      { type: 'action', label: 'Start', enabled: canStart(app.state), action: { kind: 'start', appId: app.id } },
      { type: 'action', label: 'Stop', enabled: canStop(app.state), action: { kind: 'stop', appId: app.id } },
      open,
    ],
  };
}

function trayTooltip(apps: readonly DesktopAppStatus[]): string {
  if (apps.length === 0) return 'Gantry — no apps';
  const running = apps.filter((a) => a.state === 'running').length;
  const failed = apps.filter((a) => a.state === 'failed').length;
  return `Gantry — ${running} of ${apps.length} running` + (failed > 0 ? `, ${failed} failed` : '');
}

export function trayModel(input: TrayModelInput): TrayModel {
  const items: TrayItem[] = [
    { type: 'action', label: 'Show Gantry', enabled: true, action: { kind: 'show-window' } },
    { type: 'separator' },
  ];
  if (input.apps.length === 0) items.push({ type: 'label', label: 'No apps yet' });
  else for (const app of input.apps) items.push(appItem(app));
  items.push({ type: 'separator' });
  if (input.loginItemSupported)
    items.push({ type: 'checkbox', label: 'Start at login', checked: input.startAtLogin, action: { kind: 'toggle-start-at-login' } });
  items.push({ type: 'checkbox', label: 'Start minimised', checked: input.startMinimised, action: { kind: 'toggle-start-minimised' } });
  items.push({ type: 'separator' });
  items.push({ type: 'action', label: 'Quit Gantry', enabled: true, action: { kind: 'quit' } });
  return { tooltip: trayTooltip(input.apps), items };
}
