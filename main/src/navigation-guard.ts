// What happens when the page tries to leave: Gantry's window never navigates (the UI routes in-page, which
// fires no will-navigate) and never opens a second window; http(s) links go to the system browser, the rest
// (file:, javascript:, custom schemes) is dropped.
import { isOpenableUrl } from './ipc-validate.js';

export interface NavigationDecision {
  readonly action: 'deny';
  /** The URL to hand to shell.openExternal, or null to drop it. */
  readonly openExternally: string | null;
}

/** For will-navigate, will-redirect and setWindowOpenHandler alike. */
export function decideNavigation(url: string): NavigationDecision {
  return { action: 'deny', openExternally: isOpenableUrl(url) ? url : null };
}
