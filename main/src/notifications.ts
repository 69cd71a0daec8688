// Which Host events deserve a desktop notification, and what it says: crashes, request timeouts and apps
// that fail to boot. Routine events (reloads, recycles, scaling, graceful stops) stay in the UI's log.
import type { DesktopAppEvent } from './host-port.js';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
}

export function notificationFor(app: { readonly name: string }, event: DesktopAppEvent): NotificationText | null {
  switch (event.type) {
    case 'worker-exit': {
      const e = event as Extract<DesktopAppEvent, { type: 'worker-exit' }>;
      if (e.exit.reason !== 'crashed') return null;
      const how = e.exit.signal !== null ? `signal ${e.exit.signal}` : `exit code ${e.exit.code ?? '?'}`;
      return { title: `${app.name}: a worker crashed`, body: `Worker ${e.workerId} (pid ${e.pid}) ended with ${how}; it is being restarted.` };
    }
    case 'timeout': {
      const e = event as Extract<DesktopAppEvent, { type: 'timeout' }>;
      const seconds = (e.durationMs / 1000).toFixed(1);
      return { title: `${app.name}: request timed out`, body: `${e.method} ${e.path} ran for ${seconds} s; worker ${e.workerPid} was replaced.` };
    }
    case 'boot-error': {
      const e = event as Extract<DesktopAppEvent, { type: 'boot-error' }>;
      return { title: `${app.name} failed to start`, body: e.error.message };
    }
    default:
      return null;
  }
}
