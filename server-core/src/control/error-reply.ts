// How the control API answers a failure: always `{code, message, details?}` with the code's status, including
// fastify's own refusals (bad JSON, wrong content type, body too large), and unexpected errors told with their stack.
import type { FastifyReply } from 'fastify';
import { ERRORS, GantryError, serializeError, type ErrorCode, type SerializedError } from '../errors.js';
import type { ErrorBody } from './contract.js';

/** A refusal the server decides itself (no route, no token, too many streams). */
export function refuse(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ code, message });
}

/** An error raised while answering, as the status and body to send. */
export function errorReply(e: unknown): { status: number; body: ErrorBody } {
  const fe = e as { statusCode?: number; message?: string; code?: string };
  if (!(e instanceof GantryError) && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // fastify's own refusals: bad JSON, wrong content type, body too large.
    return {
      status: fe.statusCode,
      body: {
        code: 'GANTRY_ERR_INVALID_CONFIG',
        message: fe.message ?? 'bad request',
        details: { field: 'body', reason: fe.message ?? fe.code ?? 'bad request' },
      },
    };
  }
  const body = serializeError(e);
  return { status: ERRORS[body.code].status, body: body as ErrorBody };
}

/** Where a bug (an error that is not a GantryError) is told, with its stack: stderr, unless the embedder says. */
export function defaultLogInternal(err: SerializedError, where: string): void {
  process.stderr.write(`gantry: internal error in ${where}: ${err.stack ?? err.message}\n`);
}
