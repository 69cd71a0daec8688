// The slice of Electron the shell's logic uses, as small structural interfaces. Logic modules depend on these,
// never on 'electron', so they run under vitest without the binary; electron-real.ts binds them to Electron
// (and the compiler checks there that Electron's own types satisfy them).

interface IpcFrameLike {
  readonly url: string;
  /** null for a top-level frame. */
  readonly parent: unknown;
}

export interface IpcEventLike {
  readonly sender: { readonly id: number };
  /** null when the frame has navigated away or been destroyed since it sent the message. */
  readonly senderFrame: IpcFrameLike | null;
}

export interface IpcSyncEventLike extends IpcEventLike {
  returnValue: unknown;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcSyncEventLike, ...args: unknown[]) => void): unknown;
  removeAllListeners(channel: string): unknown;
}

/** The native services the renderer may ask for, each one a named function (see preload-api.ts). */
export interface DesktopServices {
  chooseFolder(): Promise<string | null>;
  notify(title: string, body: string): void;
  openExternal(url: string): Promise<void>;
  revealFile(path: string): void;
  /** Opens the platform's terminal in `folder` (an app's project folder, looked up by main). */
  openTerminal(folder: string): Promise<void>;
  /** Opens the user's editor on `folder` (an app's project folder, looked up by main). */
  openEditor(folder: string): Promise<void>;
}
