// Which web permissions the window gets: writing to the clipboard (copy a request id, a URL, a traceback) from
// Gantry's own page, and nothing else — no camera, microphone, geolocation, notifications (those go through
// the preload's notify), MIDI, HID, serial, USB, screen capture or fullscreen requests from content.
import { isRendererUrl } from './sender-check.js';

const ALLOWED: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** For session.setPermissionRequestHandler and setPermissionCheckHandler. */
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return ALLOWED.has(permission) && isRendererUrl(requestingUrl);
}
