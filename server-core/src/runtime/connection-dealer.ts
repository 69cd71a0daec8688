// The multi-core gateway's front door: the primary listens on every bind and deals each accepted connection
// to the next gateway process, round robin, as a paused socket sent over IPC. Why not node:cluster, which does
// the same: a cluster worker that dies while a connection is being handed to it leaves that connection open
// and unanswered in the primary forever; here the primary keeps its copy until the receiver says it has its
// own, and deals a connection the receiver never read to another one. Per connection, not per request.
import { createServer, type Server, type Socket } from 'node:net';
import { parseBind } from '../config/settings-table.js';
import { GantryError } from '../errors.js';
import { listenOn, type BoundAddress } from '../gateway/listen-socket.js';

/** Where connections go: one gateway process that is ready, or null if none is. */
export type PickReceiver = () => ((listener: number, socket: Socket) => boolean) | null;

/** Connections accepted while no gateway process is ready wait (paused) up to this many, then are closed. */
const MAX_WAITING = 1024;

export class ConnectionDealer {
  private servers: Server[] = [];
  private waiting: Array<{ listener: number; socket: Socket }> = [];
  addresses: readonly BoundAddress[] = [];

  constructor(
    private readonly binds: readonly string[],
    private readonly backlog: number,
    private readonly pick: PickReceiver,
  ) {}

  get listening(): boolean {
    return this.servers.length > 0 && this.servers.every((s) => s.listening);
  }

  async listen(): Promise<readonly BoundAddress[]> {
    const addresses: BoundAddress[] = [];
    try {
      for (const [index, text] of this.binds.entries()) {
        const bind = parseBind(text);
        if (bind === null) throw new GantryError('GANTRY_ERR_INVALID_CONFIG', `invalid bind ${text}`, { field: 'bind', value: text });
        // pauseOnConnect: no byte is read here; the gateway process reads the request. noDelay and keepAlive
        // are socket options, so they travel with the descriptor.
        const server = createServer({ pauseOnConnect: true, noDelay: true, keepAlive: true });
        server.on('connection', (socket: Socket) => this.deal(index, socket));
        this.servers.push(server);
        addresses.push(await listenOn(server, bind, this.backlog));
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.addresses = addresses;
    return addresses;
  }

  /** A gateway process became ready: connections that waited for one go out now. */
  flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const { listener, socket } of waiting) if (!socket.destroyed) this.deal(listener, socket);
  }

  /**
   * Stops accepting; connections already dealt are the gateway processes' to finish. Never waits for
   * close()'s callback: a net.Server whose sockets were sent to a child process calls it only once every
   * child says all those sockets are closed, and the gateway processes close theirs (GOAWAY to an HTTP/2
   * session, the cut at the graceful deadline) only once told to stop, after this (issue #16: a client that
   * kept its connection open kept `gantry serve --gateway-processes N` running for good).
   */
  async close(): Promise<void> {
    // The listening socket itself is closed synchronously by close().
    for (const s of this.servers.splice(0)) if (s.listening) s.close();
    for (const { socket } of this.waiting.splice(0)) socket.destroy();
  }

  /** Sends a connection (accepted here, or given back unread by a gateway process that died) to the next one. */
  deal(listener: number, socket: Socket): void {
    // Several tries: a process can go away between being picked and the send.
    for (let tries = 0; tries < 4; tries++) {
      const send = this.pick();
      if (send === null) break;
      if (send(listener, socket)) return;
    }
    if (this.waiting.length >= MAX_WAITING || this.servers.length === 0) {
      socket.destroy();
      return;
    }
    socket.on('error', () => {});
    this.waiting.push({ listener, socket });
  }
}
