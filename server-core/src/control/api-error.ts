// An error answered by the control API ({code, message, details}), revived as an Error on the client's side
// (the UI, `gantry apps`, tests): expected failures (busy port, bad field) carry the field and reason, so a form can
// put them beside the field and the CLI can name it. Environment-neutral: bundled into the renderer.
import type { ErrorBody, ErrorCode } from './contract.js';

export class ApiError extends Error {
  /** NETWORK: the API did not answer at all (status 0). */
  readonly code: ErrorCode | 'NETWORK';
  readonly status: number;
  readonly details: ErrorBody['details'] | undefined;

  constructor(status: number, body: Partial<ErrorBody> | null, fallback: string) {
    super(body?.message ?? fallback);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code ?? (status === 0 ? 'NETWORK' : 'GANTRY_ERR_INTERNAL');
    this.details = body?.details;
  }

  /** The setting or body field this error is about, e.g. "settings.workers", when the API named one. */
  get field(): string | undefined {
    return typeof this.details?.field === 'string' ? this.details.field : undefined;
  }

  get reason(): string | undefined {
    return typeof this.details?.reason === 'string' ? this.details.reason : undefined;
  }
}

/** An error in words: the API's message, with its reason when the message does not already say it. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.reason && !e.message.includes(e.reason) ? `${e.message}: ${e.reason}` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
