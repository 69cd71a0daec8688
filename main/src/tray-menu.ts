// Turns the tray model (tray-model.ts) into Electron menu templates whose clicks dispatch TrayActions.
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayItem } from './tray-model.js';

export function menuTemplate(items: readonly TrayItem[], dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => dispatch(item.action) };
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, click: () => dispatch(item.action) };
      case 'submenu':
        return { label: item.label, submenu: menuTemplate(item.items, dispatch) };
      default:
        return assertNever(item);
    }
  });
}

function assertNever(value: never): never {
  throw new Error(`unexpected tray item: ${JSON.stringify(value)}`);
}
