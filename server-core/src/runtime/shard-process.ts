// The primary's side of one gateway process of `--gateway-processes N`, for that process's lifetime: forks it,
// sends its init once it says hello, hands it connections and deals again those it never acknowledged, matches
// calls with their replies, and turns what it reports into the app's terms (global worker ids). Messages are
// declared in shard-protocol.ts; what to do when the process dies is sharded-runtime.ts's (the supervision).
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { GantryError } from '../errors.js';
import { TIMED_OUT, within } from '../within.js';
import {
  fromWireAccess,
  globalWorkerId,
  type FromShard,
  type ShardInit,
  type ShardItem,
  type ShardOp,
  type ShardStatus,
  type ToShard,
} from './shard-protocol.js';
import type { AccessEntry, AppEvent, OutputLine } from './types.js';

/** The gateway process's entry: beside this module when compiled; from dist/ when this runs as TypeScript (tests). */
const SHARD_MAIN = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('../../dist/runtime/shard-main.js', import.meta.url))
  : fileURLToPath(new URL('./shard-main.js', import.meta.url));

/** How long a gateway process may take to exit after its stop was answered (or not), before SIGKILL. */
const EXIT_GRACE_MS = 5_000;

/** What a gateway process reports, already in the app's terms. */
export interface ShardProcessHooks {
  access(entry: AccessEntry, rawRequestHeaders: readonly string[] | null, rawResponseHeaders: readonly string[] | null): void;
  output(line: OutputLine): void;
  event(event: AppEvent): void;
  status(status: ShardStatus): void;
  /** It takes connections now. */
  ready(): void;
  /** A connection it never started to read: for another gateway process. */
  redeal(listener: number, socket: Socket): void;
  /** It exited; every call and a start still waiting have been failed with `gone`. */
  exit(gone: GantryError): void;
}

interface PendingCall {
  resolve(): void;
  reject(err: GantryError): void;
}

/** A connection dealt to the process, kept here until it says it has its own copy. */
interface Unacked {
  readonly listener: number;
  readonly socket: Socket;
}

export class ShardProcess {
  readonly index: number;
  readonly startedAt = Date.now();
  /** Started and taking connections. */
  ready = false;
  /** Its latest status (global worker ids); null until the first. */
  status: ShardStatus | null = null;
  /** Settles when the process has started (or failed to). */
  readonly started: Promise<{ readonly urls: readonly string[]; readonly python: string | null }>;
  private readonly child: ChildProcess;
  private readonly count: number;
  private starting: { resolve(urls: readonly string[], python: string | null): void; reject(err: GantryError): void } | null = null;
  private init: ShardInit | null;
  private readonly calls = new Map<number, PendingCall>();
  private nextCallId = 1;
  /** Connections sent that the process has not yet said it got (their descriptors are still open here). */
  private readonly unacked: Unacked[] = [];

  constructor(
    init: ShardInit,
    private readonly hooks: ShardProcessHooks,
    /** The app's name, for the access entries (the wire leaves it out). */
    private readonly app: () => string,
  ) {
    this.index = init.index;
    this.count = init.count;
    this.init = init;
    this.started = new Promise((resolve, reject) => {
      this.starting = { resolve: (urls, python) => resolve({ urls, python }), reject };
    });
    // In Electron's main process, process.execPath is Electron: run it as plain node.
    const env = process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env;
    const child = fork(SHARD_MAIN, [], { env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (m: FromShard) => this.onMessage(m));
    child.on('error', () => {});
    child.on('exit', (code, signal) => this.onExit(code, signal));
    // 'close' comes after the process exited and its channel ended, and the channel's end after every message
    // the process wrote, so by then each 'got' it sent has been counted: what is left it never started to read
    // (it reads a connection only once its 'got' is written) and goes to another gateway process instead of
    // failing. Not 'disconnect': node never emits it for a channel that ends with a handle unacknowledged.
    child.on('close', () => {
      for (const { listener, socket } of this.unacked.splice(0)) hooks.redeal(listener, socket);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get connected(): boolean {
    return this.child.connected;
  }

  /** One operation, answered by the process's reply. */
  call(op: ShardOp): Promise<void> {
    if (!this.child.connected)
      return Promise.reject(new GantryError('GANTRY_ERR_APP_STATE', `gateway process ${this.index + 1} is not running`));
    const id = this.nextCallId++;
    return new Promise<void>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.child.send({ t: 'call', id, ...op } satisfies ToShard);
    });
  }

  /** Sends one connection; false when the process can no longer take it. */
  send(listener: number, socket: Socket): boolean {
    if (!this.child.connected) return false;
    // Our copy of the descriptor stays open until the process says it has its own ('got'); one that dies
    // first leaves it here, and 'close' deals it again. A send that fails never left.
    const entry: Unacked = { listener, socket };
    this.unacked.push(entry);
    this.child.send({ t: 'conn', listener } satisfies ToShard, socket, { keepOpen: true }, (err) => {
      if (!err) return;
      const at = this.unacked.indexOf(entry);
      if (at < 0) return;
      this.unacked.splice(at, 1);
      this.hooks.redeal(listener, socket);
    });
    return true;
  }

  /** Asks it to stop (its reply waited for at most `replyWithinMs`), then waits for its exit; SIGKILL if it lingers. */
  async stop(graceful: boolean, replyWithinMs: number): Promise<void> {
    const exited = this.exited();
    this.ready = false;
    await within(
      this.call({ op: 'stop', graceful }).catch(() => {}),
      replyWithinMs,
    );
    if ((await within(exited, EXIT_GRACE_MS)) === TIMED_OUT) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** Resolves when the process has exited (at once if it already has). */
  private exited(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise<void>((r) => child.once('exit', () => r()));
  }

  private onMessage(m: FromShard): void {
    switch (m.t) {
      case 'got':
        for (let i = 0; i < m.n; i++) this.unacked.shift()?.socket.destroy();
        return;
      case 'hello':
        if (this.init !== null) this.child.send(this.init satisfies ToShard);
        this.init = null;
        return;
      case 'batch':
        for (const item of m.items) this.onItem(item);
        return;
      case 'status':
        this.status = { ...m, workers: m.workers.map((w) => ({ ...w, id: this.globalId(w.id) })) };
        this.hooks.status(this.status);
        return;
      case 'started':
        this.ready = true;
        this.starting?.resolve(m.urls, m.python);
        this.starting = null;
        this.hooks.ready();
        return;
      case 'start-failed':
        this.starting?.reject(GantryError.from(m.error));
        this.starting = null;
        return;
      case 'reply': {
        const pending = this.calls.get(m.id);
        this.calls.delete(m.id);
        if (m.error === null) pending?.resolve();
        else pending?.reject(GantryError.from(m.error));
        return;
      }
    }
  }

  private onItem(item: ShardItem): void {
    if (item[0] === 'a') {
      const wire = item[1];
      this.hooks.access(fromWireAccess(wire, this.app(), wire[10] === null ? null : this.globalId(wire[10])), wire[17], wire[18]);
    } else if (item[0] === 'o') {
      const line = item[1];
      this.hooks.output(line.workerId === null ? line : { ...line, workerId: this.globalId(line.workerId) });
    } else {
      const e = item[1];
      this.hooks.event(e.type === 'worker-exit' || e.type === 'recycle' ? { ...e, workerId: this.globalId(e.workerId) } : e);
    }
  }

  private globalId(local: number): number {
    return globalWorkerId(local, this.index, this.count);
  }

  private onExit(code: number | null, signal: string | null): void {
    this.ready = false;
    this.status = null;
    const why = signal !== null ? `signal ${signal}` : `exit code ${code}`;
    const gone = new GantryError('GANTRY_ERR_INTERNAL', `gateway process ${this.index + 1} (pid ${this.child.pid}) exited (${why})`);
    this.starting?.reject(gone);
    this.starting = null;
    for (const pending of this.calls.values()) pending.reject(gone);
    this.calls.clear();
    this.hooks.exit(gone);
  }
}
