// Request ids: the client's X-Request-ID when it is sane, else a fresh one. Fresh ids are a per-process
// random prefix plus a counter: unique enough to correlate logs, and nearly free to make.
import { randomBytes } from 'node:crypto';

const PREFIX = randomBytes(6).toString('hex');
let counter = 0;
const SAFE = /^[A-Za-z0-9._-]{1,200}$/;
const UNSAFE_CHARS = /[^A-Za-z0-9._-]/g;

export function newRequestId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PREFIX}-${counter.toString(36)}`;
}

/** The client's id with anything outside [A-Za-z0-9._-] removed and cut to 200; a fresh id if nothing is left. */
export function requestIdFrom(header: string | undefined): string {
  if (header === undefined || header.length === 0) return newRequestId();
  if (SAFE.test(header)) return header;
  const cleaned = header.replace(UNSAFE_CHARS, '').slice(0, 200);
  return cleaned.length > 0 ? cleaned : newRequestId();
}
