// Listening on one bind (HOST:PORT or unix:PATH), shared by the HTTP gateway and the multi-core gateway's
// primary (runtime/connection-dealer.ts): stale unix socket files cleared, errors as GantryErrors that name
// the bind, and the URL with the real port (for :0).
import { lstatSync, unlinkSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import { formatBind, type Bind } from '../config/settings-table.js';
import { GantryError } from '../errors.js';

export interface BoundAddress {
  /** http://HOST:PORT with the real port, or unix:PATH. */
  readonly url: string;
  /** The real TCP port; null for a unix socket. */
  readonly port: number | null;
}

export function listenOn(server: Server, bind: Bind, backlog: number): Promise<BoundAddress> {
  return new Promise<BoundAddress>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.close();
      if (err.code === 'EADDRINUSE')
        reject(
          new GantryError('GANTRY_ERR_PORT_IN_USE', `${formatBind(bind)} is already in use`, { bind: formatBind(bind) }, { cause: err }),
        );
      else
        reject(
          new GantryError(
            'GANTRY_ERR_BIND',
            `cannot listen on ${formatBind(bind)}: ${err.message}`,
            { bind: formatBind(bind), errno: err.code },
            { cause: err },
          ),
        );
    };
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      server.on('error', () => {});
      resolve(boundAddress(bind, bind.kind === 'unix' ? null : (server.address() as AddressInfo).port));
    };
    if (bind.kind === 'unix') {
      removeStaleSocket(bind.path);
      server.listen({ path: bind.path, backlog }, done);
    } else {
      server.listen({ host: bind.host, port: bind.port, backlog }, done);
    }
  });
}

function boundAddress(bind: Bind, port: number | null): BoundAddress {
  if (bind.kind === 'unix') return { url: `unix:${bind.path}`, port: null };
  const host = bind.host;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port };
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    /* nothing there */
  }
}
