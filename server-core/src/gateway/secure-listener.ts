// TLS listeners for the gateway and the Host's router: HTTPS over HTTP/1.1 (node:https), or HTTP/2 offered
// by ALPN with HTTP/1.1 as the fallback (node:http2 createSecureServer allowHTTP1). Both hand the gateway the
// same 'request'/'checkContinue' events and the close methods node:http's server has, so the rest of the
// gateway does not care which one it got.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import { createSecureServer, Http2ServerResponse, type Http2SecureServer, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { createSecureContext, type SecureContextOptions, type TLSSocket } from 'node:tls';
import { GantryError } from '../errors.js';

// The gateway waits for 'drain' only when writableNeedDrain says so (exchange.ts flush()); node:http2's
// compatibility response has no such property (nor `destroyed`), so without these an HTTP/2 download would
// be buffered whole in memory instead of following the client's flow-control window.
const responseProto = Http2ServerResponse.prototype as unknown as Record<string, unknown>;
for (const prop of ['writableNeedDrain', 'destroyed'] as const) {
  if (!(prop in responseProto)) {
    Object.defineProperty(responseProto, prop, {
      get(this: Http2ServerResponse) {
        return this.stream[prop];
      },
    });
  }
}

export interface TlsSettings {
  readonly certfile?: string;
  readonly keyfile?: string;
  readonly caCerts?: string;
  readonly http2?: boolean;
}

export interface SecureOptions {
  readonly context: SecureContextOptions;
  readonly http2: boolean;
  /** Picks the certificate per SNI name (the router's per-site leaves). */
  readonly SNICallback?: (servername: string, cb: (err: Error | null, ctx?: ReturnType<typeof createSecureContext>) => void) => void;
}

/** Reads --certfile/--keyfile/--ca-certs and checks they make a usable context; null when TLS is off. */
export function loadTlsSettings(s: TlsSettings): SecureOptions | null {
  if (!s.certfile) return null;
  const read = (field: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new GantryError('GANTRY_ERR_TLS_FILES', `cannot read ${field} ${file}: ${(e as Error).message}`, { field, file });
    }
  };
  const context: SecureContextOptions = { cert: read('certfile', s.certfile), key: read('keyfile', s.keyfile ?? '') };
  if (s.caCerts) context.ca = read('caCerts', s.caCerts);
  try {
    // Fails here, with the reason, when the key does not match the certificate or either is not PEM.
    createSecureContext(context);
  } catch (e) {
    throw new GantryError('GANTRY_ERR_TLS_FILES', `the certificate and key cannot be used: ${(e as Error).message}`, {
      certfile: s.certfile,
      keyfile: s.keyfile,
    });
  }
  return { context, http2: s.http2 === true };
}

/**
 * A TLS server with node:http's server surface. `http1` are the node:http options the plain listener
 * uses (header size, keep-alive …). gunicorn's --ca-certs asks for a client certificate without
 * requiring one (cert_reqs defaults to CERT_NONE); we do the same: requestCert only when CAs are given.
 */
export function createSecureListener(opts: SecureOptions, http1: HttpsServerOptions): Server {
  const tls = {
    ...opts.context,
    ...(opts.context.ca ? { requestCert: true, rejectUnauthorized: false } : {}),
    ...(opts.SNICallback ? { SNICallback: opts.SNICallback } : {}),
  };
  if (!opts.http2) return createHttpsServer({ ...http1, ...tls }) as unknown as Server;
  const server = createSecureServer({ ...tls, allowHTTP1: true, maxSessionInvalidFrames: 1000 });
  return withClosers(server);
}

/**
 * node:http2's server has closeIdleConnections (for its HTTP/1.1 connections) but not closeAllConnections,
 * and an HTTP/2 session is never "idle" to node:http: a graceful close sends GOAWAY (in-flight streams
 * finish), a hard one destroys sessions and sockets.
 */
function withClosers(server: Http2SecureServer): Server {
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const s = server as unknown as Server & { closeIdleConnections(): void };
  const idleHttp1 = s.closeIdleConnections?.bind(s);
  s.closeIdleConnections = () => {
    idleHttp1?.();
    for (const session of sessions) if (!session.closed) session.close();
  };
  s.closeAllConnections = () => {
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
  };
  return s;
}
