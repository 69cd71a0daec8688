// Which Host events deserve a desktop notification, and what it says: crashes, request timeouts and apps
// that fail to boot. Routine events (reloads, recycles, scaling, graceful stops) stay in the UI's log.
import type { HostAppEvent } from '@gantry/server-core';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
}

export function notificationFor(app: { readonly name: string }, event: HostAppEvent): NotificationText | null {
  switch (event.type) {
    case 'worker-exit': {
      if (event.exit.reason !== 'crashed') return null;
      const how = event.exit.signal !== null ? `signal ${event.exit.signal}` : `exit code ${event.exit.code ?? '?'}`;
      return {
        title: `${app.name}: a worker crashed`,
        body: `Worker ${event.workerId} (pid ${event.pid}) ended with ${how}; it is being restarted.`,
      };
    }
    case 'timeout': {
      const seconds = (event.durationMs / 1000).toFixed(1);
      return {
        title: `${app.name}: request timed out`,
        body: `${event.method} ${event.path} ran for ${seconds} s; worker ${event.workerPid} was replaced.`,
      };
    }
    case 'boot-error': {
      return { title: `${app.name} failed to start`, body: event.error.message };
    }
    default:
      return null;
  }
}
