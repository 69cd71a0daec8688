// Who may call the IPC channels: only the top frame of Gantry's own window, showing Gantry's own page.
// A message from another webContents, a subframe, or a frame that navigated elsewhere is refused.
import type { IpcEventLike } from './electron-port.js';
import { RENDERER_HOST, RENDERER_SCHEME } from './renderer-protocol.js';

class IpcSenderError extends Error {
  readonly code = 'GANTRY_ERR_IPC_SENDER';
  constructor(channel: string, reason: string) {
    super(`${channel}: refused: ${reason}`);
    this.name = 'IpcSenderError';
  }
}

/** True when `url` is a page Gantry serves itself (gantry://ui/…). */
export function isRendererUrl(url: string): boolean {
  try {
    const u = new URL(url);
    // Node's URL gives "null" as the origin of non-special schemes, so compare scheme and host.
    return u.protocol === `${RENDERER_SCHEME}:` && u.host === RENDERER_HOST;
  } catch {
    return false;
  }
}

/** Throws IpcSenderError unless the event comes from the trusted window's top frame on a Gantry page. */
export function assertTrustedSender(channel: string, event: IpcEventLike, trustedWebContentsId: number | null): void {
  if (trustedWebContentsId === null || event.sender.id !== trustedWebContentsId) throw new IpcSenderError(channel, 'not the Gantry window');
  const frame = event.senderFrame;
  if (frame === null) throw new IpcSenderError(channel, 'the sending frame is gone');
  if (frame.parent !== null) throw new IpcSenderError(channel, 'not the top frame');
  if (!isRendererUrl(frame.url)) throw new IpcSenderError(channel, `page ${JSON.stringify(frame.url)} is not Gantry's`);
}
