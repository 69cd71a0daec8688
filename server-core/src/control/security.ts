// The control API's gatekeeping, applied before any route: the Host header must name this loopback listener
// (DNS-rebinding defence), an Origin must be the API's own or an allowed one (CSRF defence), and /api and /metrics
// need the token. The token travels as `Authorization: Bearer`, or `?token=` on GET /api/events only. Nothing a
// browser sends by itself (a cookie, HTTP auth) counts: browsers send those to every server on 127.0.0.1, including
// the apps Gantry hosts, so they could be replayed by any of them.
import type { IncomingHttpHeaders } from 'node:http';
import { tokenMatches } from '../host/token.js';

export interface Gate {
  readonly port: () => number;
  readonly token: string;
  /** Origins accepted besides the API's own (the Electron window's gantry://ui). */
  readonly extraOrigins: readonly string[];
}

export type Verdict =
  { ok: true } | { ok: false; status: 401 | 403; code: 'GANTRY_ERR_UNAUTHORIZED' | 'GANTRY_ERR_FORBIDDEN_ORIGIN'; message: string };

function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function ownOrigins(port: number): string[] {
  return ownHosts(port).map((h) => `http://${h}`);
}

export function checkHostAndOrigin(gate: Gate, headers: IncomingHttpHeaders): Verdict {
  const port = gate.port();
  const host = (headers.host ?? '').toLowerCase();
  if (!ownHosts(port).includes(host)) {
    return {
      ok: false,
      status: 403,
      code: 'GANTRY_ERR_FORBIDDEN_ORIGIN',
      message: `Host "${host}" is not this control API (expected 127.0.0.1:${port} or localhost:${port})`,
    };
  }
  const origin = headers.origin;
  if (origin !== undefined && !ownOrigins(port).includes(origin.toLowerCase()) && !gate.extraOrigins.includes(origin)) {
    return { ok: false, status: 403, code: 'GANTRY_ERR_FORBIDDEN_ORIGIN', message: `Origin "${origin}" may not use this control API` };
  }
  return { ok: true };
}

function bearer(headers: IncomingHttpHeaders): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return m ? m[1]! : null;
}

export function checkToken(gate: Gate, headers: IncomingHttpHeaders, queryToken: string | null): Verdict {
  if (tokenMatches(gate.token, bearer(headers)) || (queryToken !== null && tokenMatches(gate.token, queryToken))) return { ok: true };
  return { ok: false, status: 401, code: 'GANTRY_ERR_UNAUTHORIZED', message: 'missing or wrong control API token' };
}

/** CORS headers for a request from an allowed extra origin (the Electron window); none for anyone else. */
export function corsHeaders(gate: Gate, origin: string | undefined): Record<string, string> {
  return origin && gate.extraOrigins.includes(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}
