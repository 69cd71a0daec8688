// One gateway process of a multi-core gateway (`--gateway-processes N`), forked by the primary: a whole app
// runtime over its share of the workers, serving the connections the primary accepts and sends here.
// Everything it sees (access entries, output, events, worker snapshots) goes to the primary in batches; it
// acts on the primary's calls (reload, scale, update, restart a worker, stop). See shard-protocol.ts.
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { serializeError, type SerializedError } from '../errors.js';
import { rawHeadersOf } from '../logging/header-keeper.js';
import { createAppRuntime, type LocalAppRuntime } from './app-runtime.js';
import { toWireAccess, type FromShard, type ShardInit, type ShardItem, type ToShard } from './shard-protocol.js';
import type { AccessEntry } from './types.js';

// As bin/gantry.js: a gateway's garbage lives for one request (read whenever V8 grows new space).
setFlagsFromString('--semi-space-growth-factor=1');

/** Items are sent when this many are waiting, or this long after the first. */
const BATCH_ITEMS = 256;
const BATCH_MS = 20;
const STATUS_EVERY_MS = 250;

let runtime: LocalAppRuntime | null = null;
let items: ShardItem[] = [];
let flushTimer: NodeJS.Timeout | null = null;
let statusTimer: NodeJS.Timeout | null = null;

function send(message: FromShard, then?: () => void): void {
  if (!process.connected) return;
  process.send!(message, undefined, {}, then ? () => then() : undefined);
}

function flush(): void {
  if (flushTimer !== null) {
    clearTimeout(flushTimer);
    flushTimer = null;
  }
  if (items.length === 0) return;
  const batch = items;
  items = [];
  send({ t: 'batch', items: batch });
}

function queue(item: ShardItem): void {
  items.push(item);
  if (items.length >= BATCH_ITEMS) flush();
  else if (flushTimer === null) flushTimer = setTimeout(flush, BATCH_MS);
}

function pushStatus(): void {
  if (runtime === null) return;
  const st = runtime.status();
  const m = runtime.metrics();
  send({
    t: 'status',
    state: st.state,
    healthy: st.healthy,
    error: st.error,
    workers: runtime.workers(),
    inFlight: m.inFlight,
    queueDepth: m.queueDepth,
  });
}

let arrived: Array<{ listener: number; socket: Socket | undefined }> = [];
/**
 * Once per event-loop turn, tells the primary how many connections arrived (it closes its copies), and only
 * once that is written starts reading them: the primary deals a connection this process did not acknowledge
 * to another gateway process if this one dies, which is safe only if no byte of it was read here.
 */
function arrive(listener: number, socket: Socket | undefined): void {
  arrived.push({ listener, socket });
  if (arrived.length > 1) return;
  setImmediate(() => {
    const batch = arrived;
    arrived = [];
    const drop = (): void => {
      for (const { socket } of batch) socket?.destroy();
    };
    if (!process.connected) return drop();
    process.send!({ t: 'got', n: batch.length } satisfies FromShard, undefined, {}, (err) => {
      if (err) return drop();
      for (const { listener, socket } of batch) {
        if (socket === undefined) continue;
        if (runtime?.adopt) runtime.adopt(listener, socket);
        else socket.destroy();
      }
    });
  });
}

async function start(init: ShardInit): Promise<void> {
  process.title = `gantry: gateway ${init.index + 1}/${init.count} (${init.settings.name || init.settings.app})`;
  const rt = createAppRuntime(init.settings, {
    workerScript: init.workerScript,
    baseEnv: init.baseEnv,
    processStats: init.processStats,
    adoptedListeners: init.listeners,
    // The primary keeps the headers for the drawer; here they are only passed on, never held a second time.
    requestHeaders: init.forwardHeaders ? 'forward' : 'none',
  });
  runtime = rt;
  rt.on('access', (entry: AccessEntry) => {
    // The entry's header reference (a symbol property) does not cross the process boundary by itself.
    const raw = rawHeadersOf(entry);
    queue(['a', toWireAccess(entry, raw.req, raw.res)]);
  });
  rt.on('output', (line) => queue(['o', line]));
  rt.on('event', (event) => {
    queue(['e', event]);
    flush();
    pushStatus();
  });
  try {
    await rt.start();
  } catch (err) {
    flush();
    send({ t: 'start-failed', error: serializeError(err) });
    return;
  }
  flush();
  send({ t: 'started', urls: rt.status().urls, python: rt.python });
  pushStatus();
  statusTimer = setInterval(pushStatus, STATUS_EVERY_MS);
  statusTimer.unref();
}

async function call(message: Extract<ToShard, { t: 'call' }>): Promise<void> {
  const rt = runtime;
  let error: SerializedError | null = null;
  try {
    if (rt === null) throw new Error('not started');
    switch (message.op) {
      case 'reload':
        await rt.reload({ mode: message.mode, settings: message.settings });
        break;
      case 'scale':
        await rt.scale(message.workers);
        break;
      case 'update':
        await rt.update!(message.settings);
        break;
      case 'restartWorker':
        await rt.restartWorker(message.workerId);
        break;
      case 'stop':
        await rt.stop({ graceful: message.graceful });
        break;
    }
  } catch (err) {
    error = serializeError(err);
  }
  flush();
  pushStatus();
  if (message.op === 'stop') {
    if (statusTimer !== null) clearInterval(statusTimer);
    // Exit once the reply is on its way: nothing of this process is needed any more.
    send({ t: 'reply', id: message.id, error }, () => process.exit(0));
    return;
  }
  send({ t: 'reply', id: message.id, error });
}

// Signals are the primary's to act on: a terminal's Ctrl-C reaches the whole process group, and a shard that
// died of it would cut its requests short instead of draining them when the primary says so.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGTTIN', 'SIGTTOU', 'SIGUSR1'] as const) process.on(sig, () => {});

process.on('message', (message: ToShard, handle?: unknown) => {
  if (message.t === 'conn') {
    arrive(message.listener, handle as Socket | undefined);
  } else if (message.t === 'init') void start(message);
  else void call(message);
});
// The primary is gone (even SIGKILLed): so is this process; its workers follow through their lifeline
// (supervisor/worker-process.ts).
process.on('disconnect', () => process.exit(0));
send({ t: 'hello' });
