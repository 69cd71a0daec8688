// Gantry's stable error codes, one table for the whole of server-core (fastify's lib/errors.js is the model).
// Tests assert on codes, never on messages. `status` is the HTTP status an error maps to, where it has one.

export const ERRORS = {
  GANTRY_ERR_PORT_IN_USE: { status: 409, expected: true, doc: 'A bind address is already taken by another process.' },
  GANTRY_ERR_BIND: { status: 422, expected: true, doc: 'A bind address could not be listened on (permission, bad address).' },
  // 422: the request was understood, but the app it names cannot be loaded — the user's to fix, not a server fault.
  GANTRY_ERR_APP_IMPORT: { status: 422, expected: true, doc: 'Importing the app module raised; the traceback is in details.' },
  GANTRY_ERR_APP_NOT_FOUND: { status: 422, expected: true, doc: 'The module imported, but the callable is missing or not callable.' },
  GANTRY_ERR_WORKER_BOOT: { status: 500, expected: true, doc: 'A worker could not start (bad interpreter, arguments, socket).' },
  GANTRY_ERR_PYTHON_NOT_FOUND: { status: 400, expected: true, doc: 'The Python interpreter does not exist or does not run.' },
  GANTRY_ERR_WORKER_TIMEOUT: { status: 504, expected: true, doc: 'A request ran past the timeout; its worker was replaced.' },
  GANTRY_ERR_WORKER_CRASH: { status: 502, expected: true, doc: 'The worker died while handling the request.' },
  GANTRY_ERR_QUEUE_FULL: { status: 503, expected: true, doc: 'Every worker is busy and the queue is full.' },
  GANTRY_ERR_NO_WORKERS: { status: 503, expected: true, doc: 'The app has no ready worker (starting, reloading or failed).' },
  GANTRY_ERR_BAD_GATEWAY: { status: 502, expected: true, doc: 'The worker sent something that is not a valid response.' },
  GANTRY_ERR_INVALID_CONFIG: { status: 400, expected: true, doc: 'A setting is invalid; details name the field and the reason.' },
  GANTRY_ERR_HOME_LOCKED: {
    status: 409,
    expected: true,
    doc: 'Another Gantry (named in details.holder) already runs for this config folder.',
  },
  GANTRY_ERR_CONFIG_CORRUPT: { status: 500, expected: true, doc: 'The saved config could not be read; the last good copy is used.' },
  // 507 Insufficient Storage (RFC 4918 §11.5): the change could not be stored; it is not a bug in Gantry.
  GANTRY_ERR_CONFIG_WRITE: {
    status: 507,
    expected: true,
    doc: 'The config could not be saved (disk full, read-only or missing folder); nothing was changed.',
  },
  GANTRY_ERR_APP_EXISTS: { status: 409, expected: true, doc: 'An app with that id or name already exists.' },
  GANTRY_ERR_APP_UNKNOWN: { status: 404, expected: true, doc: 'No app has that id.' },
  GANTRY_ERR_APP_STATE: { status: 409, expected: true, doc: 'The app is not in a state that allows this action.' },
  GANTRY_ERR_UNAUTHORIZED: { status: 401, expected: true, doc: 'The control API token is missing or wrong.' },
  GANTRY_ERR_FORBIDDEN_ORIGIN: { status: 403, expected: true, doc: "The Host or Origin header is not this control API's own." },
  GANTRY_ERR_PREFLIGHT: { status: 422, expected: true, doc: 'A launch preflight step failed; details carry its output.' },
  GANTRY_ERR_NOT_FOUND: { status: 404, expected: true, doc: 'No control API route or file at that path.' },
  GANTRY_ERR_RELOAD_FAILED: { status: 500, expected: true, doc: 'The new generation failed to boot; the old one keeps serving.' },
  GANTRY_ERR_LOG_WRITE: {
    status: 500,
    expected: true,
    doc: 'A log file could not be written (disk full, volume gone); lines are held, then counted as lost, and the file is reopened until it works.',
  },
  GANTRY_ERR_TLS_NAME: {
    status: 400,
    expected: true,
    doc: 'The local CA cannot sign for that name (outside localhost, .localhost, loopback and the local suffixes).',
  },
  GANTRY_ERR_TLS_FILES: {
    status: 400,
    expected: true,
    doc: 'A --certfile/--keyfile/--ca-certs file is missing, unreadable or not a matching certificate and key.',
  },
  GANTRY_ERR_SITE_NAME: { status: 409, expected: true, doc: 'A local site name is invalid or already used by another app.' },
  GANTRY_ERR_TRUST_STORE: {
    status: 500,
    expected: true,
    doc: 'Installing or removing the local CA in a trust store failed; details carry the command and its output.',
  },
  GANTRY_ERR_TOO_MANY_STREAMS: {
    status: 503,
    expected: true,
    doc: 'The control API already serves its most event-stream subscribers; retry after Retry-After.',
  },
  GANTRY_ERR_INTERNAL: { status: 500, expected: false, doc: 'A bug in Gantry.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error as it crosses a process or API boundary: plain data. */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
  readonly stack?: string;
}

export class GantryError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GantryError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  /** Expected failures (busy port, broken import) are shown to the user; the rest are bugs. */
  get expected(): boolean {
    return ERRORS[this.code].expected;
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  static from(data: SerializedError): GantryError {
    return new GantryError(data.code, data.message, data.details);
  }
}

/**
 * Any thrown value as the data that crosses a boundary (`{code, message, details?, stack?}`). A GantryError keeps
 * its code and details; anything else is unexpected — `fallback` (default GANTRY_ERR_INTERNAL, a bug) — and keeps
 * its stack, so whoever receives it can log where it came from.
 */
export function serializeError(e: unknown, fallback: ErrorCode = 'GANTRY_ERR_INTERNAL'): SerializedError {
  if (e instanceof GantryError) return e.toJSON();
  if (e instanceof Error) return { code: fallback, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { code: fallback, message: String(e) };
}

export function isGantryError(e: unknown, code?: ErrorCode): e is GantryError {
  return e instanceof GantryError && (code === undefined || e.code === code);
}
