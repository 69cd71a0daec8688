// A stand-in for the 'electron' module, recording what main.ts does with it and then acting like a user:
// the page boots through the protocol and the preload's bootstrap, tries to navigate and to open windows,
// calls the IPC channels (from the window and from a stranger), clicks the tray, and finally quits.
// Every observation is appended as one JSON line to $FAKE_ELECTRON_JOURNAL for the test to read.
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';

const journalFile = process.env.FAKE_ELECTRON_JOURNAL;
const note = (kind, data = {}) => appendFileSync(journalFile, JSON.stringify({ kind, ...data }) + '\n');
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

class FakeApp extends EventEmitter {
  isPackaged = false;
  #ready;
  constructor() {
    super();
    this.#ready = new Promise((r) => setTimeout(r, 10));
  }
  setName(name) {
    note('app.setName', { name });
  }
  setAppUserModelId() {}
  setPath(name, value) {
    note('app.setPath', { name, value, ready: readyFired });
  }
  getAppPath() {
    return process.cwd();
  }
  requestSingleInstanceLock() {
    note('app.requestSingleInstanceLock', { ready: readyFired });
    return process.env.FAKE_SECOND_INSTANCE !== '1';
  }
  whenReady() {
    return this.#ready.then(() => {
      readyFired = true;
    });
  }
  setLoginItemSettings(s) {
    note('app.setLoginItemSettings', s);
  }
  quit() {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    this.emit('before-quit', event);
    note('app.quit', { prevented: event.defaultPrevented });
  }
  exit(code = 0) {
    note('app.exit', { code });
    process.exit(code);
  }
}
let readyFired = false;
export const app = new FakeApp();

const privileged = [];
const handlers = new Map();
export const protocol = {
  registerSchemesAsPrivileged(list) {
    privileged.push(...list);
    note('protocol.registerSchemesAsPrivileged', { list, ready: readyFired });
  },
  handle(scheme, fn) {
    handlers.set(scheme, fn);
    note('protocol.handle', { scheme, ready: readyFired });
  },
};

const permission = {};
export const session = {
  defaultSession: {
    setPermissionRequestHandler(fn) {
      permission.request = fn;
    },
    setPermissionCheckHandler(fn) {
      permission.check = fn;
    },
  },
};

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

export const shell = {
  async openExternal(url) {
    note('shell.openExternal', { url });
  },
  showItemInFolder(p) {
    note('shell.showItemInFolder', { path: p });
  },
};

export const dialog = {
  async showOpenDialog() {
    return { canceled: false, filePaths: ['/home/me/site'] };
  },
  showErrorBox(title, content) {
    note('dialog.showErrorBox', { title, content });
  },
};

const invokeHandlers = new Map();
const onHandlers = new Map();
export const ipcMain = {
  handle(ch, fn) {
    invokeHandlers.set(ch, fn);
  },
  removeHandler(ch) {
    invokeHandlers.delete(ch);
  },
  on(ch, fn) {
    onHandlers.set(ch, fn);
    return this;
  },
  removeAllListeners(ch) {
    onHandlers.delete(ch);
    return this;
  },
};

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  constructor(opts) {
    super();
    this.opts = opts;
  }
  show() {
    note('notification', { title: this.opts.title, body: this.opts.body });
  }
}

export const nativeImage = {
  createFromPath: (p) => ({ path: p, isEmpty: () => false, addRepresentation() {}, toPNG: () => Buffer.alloc(0) }),
};

export const Menu = { buildFromTemplate: (template) => template };

let tray = null;
export class Tray extends EventEmitter {
  constructor(image) {
    super();
    tray = this;
    note('tray.new', { icon: image.path });
  }
  setToolTip(t) {
    this.tooltip = t;
  }
  setContextMenu(m) {
    this.menu = m;
  }
  destroy() {}
}

let nextId = 1;
const windows = [];
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.destroyed = false;
    const wc = new EventEmitter();
    wc.id = nextId++;
    wc.url = '';
    wc.getURL = () => wc.url;
    wc.setWindowOpenHandler = (fn) => {
      wc.openHandler = fn;
    };
    this.webContents = wc;
    windows.push(this);
    app.emit('web-contents-created', {}, wc);
    note('BrowserWindow.new', { options });
  }
  async loadURL(url) {
    this.webContents.url = url;
    note('BrowserWindow.loadURL', { url });
    setTimeout(() => this.emit('ready-to-show'), 5);
    const run = process.env.FAKE_SCENARIO === 'real-host' ? realHostScenario : scenario;
    if (windows.length === 1) setTimeout(() => void run(this).catch((e) => note('scenario.error', { message: String(e?.stack ?? e) })), 20);
  }
  show() {
    note('BrowserWindow.show');
  }
  hide() {
    note('BrowserWindow.hide');
  }
  focus() {}
  restore() {}
  maximize() {}
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1000, height: 700 };
  }
}

/** What a page and a user do once the window is up. */
async function scenario(win) {
  const url = win.webContents.url;
  // 1. The page loads through gantry:// (index and an escape attempt).
  const res = await handlers.get('gantry')({ url });
  note('page.index', { status: res.status, csp: res.headers.get('content-security-policy'), type: res.headers.get('content-type') });
  const escape = await handlers.get('gantry')({ url: 'gantry://ui/../../package.json' });
  note('page.escape', { status: escape.status });
  // 2. The preload's bootstrap, from the window and from a stranger.
  const frame = { url, parent: null };
  const boot = { sender: { id: win.webContents.id }, senderFrame: frame, returnValue: undefined };
  onHandlers.get('gantry:bootstrap')(boot);
  const stranger = { sender: { id: 999 }, senderFrame: frame, returnValue: 'unset' };
  onHandlers.get('gantry:bootstrap')(stranger);
  note('preload.bootstrap', { window: boot.returnValue, stranger: stranger.returnValue });
  const health = await fetch(`${boot.returnValue.api.url}/api/health`);
  note('api.health', { status: health.status, body: await health.json() });
  // 3. IPC: valid, invalid arguments, wrong sender.
  const ev = { sender: { id: win.webContents.id }, senderFrame: frame };
  const outcome = async (p) =>
    p.then(
      (v) => ({ ok: true, value: v ?? null }),
      (e) => ({ ok: false, code: e.code }),
    );
  note('ipc', {
    chooseFolder: await outcome(Promise.resolve().then(() => invokeHandlers.get('gantry:choose-folder')(ev))),
    openExternalFile: await outcome(Promise.resolve().then(() => invokeHandlers.get('gantry:open-external')(ev, 'file:///etc/passwd'))),
    revealFromStranger: await outcome(
      Promise.resolve().then(() => invokeHandlers.get('gantry:reveal-file')({ ...ev, sender: { id: 999 } }, '/tmp')),
    ),
    // A path is not an app id: main looks the folder up in the real Host, and no app has this id.
    terminalForPath: await outcome(Promise.resolve().then(() => invokeHandlers.get('gantry:open-terminal')(ev, '/etc'))),
    editorFromStranger: await outcome(
      Promise.resolve().then(() => invokeHandlers.get('gantry:open-editor')({ ...ev, sender: { id: 999 } }, 'x')),
    ),
    channels: [...invokeHandlers.keys()].sort(),
  });
  // 4. Navigation and new windows.
  const nav = {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
  win.webContents.emit('will-navigate', nav, 'https://docs.python.org/3/');
  const open = win.webContents.openHandler({ url: 'https://flask.palletsprojects.com/' });
  const openFile = win.webContents.openHandler({ url: 'file:///etc/passwd' });
  note('navigation', { prevented: nav.prevented, open, openFile });
  // 5. Permissions.
  note('permissions', {
    clipboard: permission.check(null, 'clipboard-sanitized-write', 'gantry://ui'),
    camera: permission.check(null, 'media', 'gantry://ui'),
  });
  // 6. The tray: start the app from its submenu, see the menu follow.
  const appItem = tray.menu.find((i) => i.submenu);
  note('tray.before', { tooltip: tray.tooltip, label: appItem.label });
  appItem.submenu.find((i) => i.label === 'Start').click();
  await tick(400); // the tray coalesces updates for 200 ms
  note('tray.after', { tooltip: tray.tooltip, label: tray.menu.find((i) => i.submenu).label });
  // 7. Closing the window hides it (a tray exists); then quit.
  const close = {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
  win.emit('close', close);
  note('window.close', { prevented: close.prevented });
  app.quit();
}

/** With the real server-core: start the demo app from the tray, watch it run with real workers, then quit. */
async function realHostScenario(win) {
  const frame = { url: win.webContents.url, parent: null };
  const boot = { sender: { id: win.webContents.id }, senderFrame: frame, returnValue: undefined };
  onHandlers.get('gantry:bootstrap')(boot);
  const { url, token } = boot.returnValue.api;
  note('preload.bootstrap', { window: boot.returnValue });
  const appItem = tray.menu.find((i) => i.submenu);
  note('tray.before', { label: appItem.label });
  appItem.submenu.find((i) => i.label === 'Start').click();
  let label = appItem.label;
  for (let i = 0; i < 200 && !/— running$/.test(label); i++) {
    await tick(100);
    label = tray.menu.find((i) => i.submenu).label;
  }
  note('tray.after', { label, tooltip: tray.tooltip });
  const apps = await (await fetch(`${url}/api/apps`, { headers: { authorization: `Bearer ${token}` } })).json();
  const id = apps.apps[0].definition.id;
  const workers = await (await fetch(`${url}/api/apps/${id}/workers`, { headers: { authorization: `Bearer ${token}` } })).json();
  note('workers', { pids: workers.workers.map((w) => w.pid).filter((p) => p !== null) });
  app.quit();
}
