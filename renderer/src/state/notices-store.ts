// Crash, timeout and boot-failure notices: built from app events, shown as a banner with a link to the
// evidence (the request, or the worker's output), and sent as a desktop notification in Electron.
import { describePortHolder, type HostAppEvent, type Notice, type SseEnvelope } from '../api/contract';
import type { Route } from '../app/router';
import { ExternalStore } from './external-store';

export interface UiNotice {
  readonly key: string;
  readonly tone: 'err' | 'warn' | 'info';
  readonly title: string;
  readonly message: string;
  readonly appId: string | null;
  readonly link: { readonly label: string; readonly route: Route } | null;
  readonly time: number;
}

/** Exit reasons that are the user's or Gantry's choice, not something to be told about. */
const ROUTINE_EXITS = new Set(['reload', 'scale-down', 'stop', 'max-requests', 'max-worker-rss', 'max-worker-lifetime', 'restart']);
const MAX_NOTICES = 5;

export function noticeFromAppEvent(appId: string, appName: string, e: HostAppEvent): UiNotice | null {
  switch (e.type) {
    case 'timeout':
      return {
        key: `timeout:${appId}:${e.requestId}`,
        tone: 'err',
        title: `${appName}: request timed out`,
        message: `${e.method} ${e.path} ran ${(e.durationMs / 1000).toFixed(1)} s; worker pid ${e.workerPid} was replaced.`,
        appId,
        link: { label: 'Show the request and stack', route: { name: 'app', id: appId, tab: 'requests', requestId: e.requestId } },
        time: e.time,
      };
    case 'worker-exit':
      // A timeout or a boot failure already produced its own notice; routine exits are not news.
      if (ROUTINE_EXITS.has(e.exit.reason) || e.exit.reason === 'timeout' || e.exit.reason === 'boot-error') return null;
      return {
        key: `exit:${appId}:${e.pid}:${e.time}`,
        tone: 'err',
        title: `${appName}: worker ${e.workerId} ${e.exit.reason === 'crashed' ? 'crashed' : `exited (${e.exit.reason})`}`,
        message: `pid ${e.pid}${e.exit.signal ? `, signal ${e.exit.signal}` : e.exit.code !== null ? `, exit code ${e.exit.code}` : ''}${e.respawnInMs !== null ? `; restarting in ${Math.round(e.respawnInMs)} ms` : ''}.${e.exit.stderrTail.length ? ` Last line: ${e.exit.stderrTail.at(-1)}` : ''}`,
        appId,
        link: { label: 'Show its output', route: { name: 'app', id: appId, tab: 'output', query: { pid: String(e.pid) } } },
        time: e.time,
      };
    case 'boot-error':
      return {
        key: `boot:${appId}:${e.time}`,
        tone: 'err',
        title: `${appName} failed to start`,
        message: e.error.message,
        appId,
        link: { label: 'Show the output', route: { name: 'app', id: appId, tab: 'output', query: { level: 'error' } } },
        time: e.time,
      };
    case 'reload':
      if (e.phase !== 'failed') return null;
      return {
        key: `reload:${appId}:${e.generation}`,
        tone: 'warn',
        title: `${appName}: reload failed, the old workers keep serving`,
        message: e.error?.message ?? 'The new generation did not boot.',
        appId,
        link: { label: 'Show the output', route: { name: 'app', id: appId, tab: 'output', query: { level: 'error' } } },
        time: e.time,
      };
    case 'port-conflict':
      return {
        key: `port:${appId}:${e.bind}:${e.time}`,
        tone: 'warn',
        title: `${appName}: ${e.bind} is taken`,
        message: `${e.claimedBy ? `The app “${e.claimedBy}” uses it.` : describePortHolder(e.holder) ? `Held by ${describePortHolder(e.holder)}.` : 'Another process holds it.'}${e.suggestion !== null ? ` Port ${e.suggestion} is free.` : ''}`,
        appId,
        link: { label: 'Change the port', route: { name: 'app', id: appId, tab: 'settings' } },
        time: e.time,
      };
    default:
      return null;
  }
}

function noticeFromHost(n: Notice): UiNotice {
  return { key: `host:${n.code}:${n.time}`, tone: 'warn', title: 'Gantry', message: n.message, appId: null, link: null, time: n.time };
}

export class NoticesStore extends ExternalStore<readonly UiNotice[]> {
  constructor(
    private readonly appName: (appId: string) => string,
    private readonly notify?: (title: string, body: string) => void,
  ) {
    super([]);
  }

  apply(env: SseEnvelope): void {
    let n: UiNotice | null = null;
    if (env.type === 'app-event' && env.appId) n = noticeFromAppEvent(env.appId, this.appName(env.appId), env.data);
    else if (env.type === 'notice') n = noticeFromHost(env.data);
    if (n) this.add(n);
  }

  add(n: UiNotice): void {
    if (this.state.some((x) => x.key === n.key)) return;
    this.set([n, ...this.state].slice(0, MAX_NOTICES));
    this.notify?.(n.title, n.message);
  }

  dismiss(key: string): void {
    this.set(this.state.filter((n) => n.key !== key));
  }
}
