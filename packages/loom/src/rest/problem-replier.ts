import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DatabaseUnavailable,
  type LoomError,
  MethodNotAllowed,
  TooManyRequests,
  Unauthorized,
} from '../errors/index.ts';
import { toLoomError } from './http-errors.ts';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem.ts';
import { TRACE_HEADER } from './trace-id.ts';

/** Sends any error as a problem document. */
export type ProblemReplier = (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/**
 * The one place errors become HTTP responses: maps the error to loom's catalogue, writes the RFC 9457
 * document with the trace id, sets `Allow` on 405, and logs unexpected errors (stack included) with the
 * request's logger, which carries the trace id.
 *
 * @example
 * ```ts
 * const reply = problemReplier({ bodyLimit: 1 << 20 });
 * app.setErrorHandler(reply);
 * ```
 */
export function problemReplier(options: {
  readonly bodyLimit: number;
  readonly typeBase?: string;
  /** `WWW-Authenticate` of a 401 whose error names no challenge of its own (a guard's). */
  readonly challenge?: string;
  /** The request id header; default `x-request-id`. */
  readonly traceHeader?: string;
}): ProblemReplier {
  const traceHeader = options.traceHeader ?? TRACE_HEADER;
  return (error, request, reply) => {
    const { error: loomError, unexpected } = toLoomError(error, options.bodyLimit);
    if (unexpected) request.log.error({ err: error }, 'unexpected error while serving the request');
    else if (loomError.status === 503)
      request.log.warn({ err: loomError.cause ?? loomError }, loomError.message);
    else if (loomError.status >= 500) request.log.error({ err: loomError }, loomError.message);
    const q = request.url.indexOf('?');
    const body = problemOf(loomError, {
      traceId: request.id,
      instance: q === -1 ? request.url : request.url.slice(0, q),
      ...(options.typeBase === undefined ? {} : { typeBase: options.typeBase }),
    });
    reply.code(loomError.status).header(traceHeader, request.id).type(PROBLEM_CONTENT_TYPE);
    if (loomError instanceof MethodNotAllowed) reply.header('allow', loomError.allowed.join(', '));
    // RFC 9110 §10.2.3: tell the client when to come back; 1 s unless the error knows better.
    if (loomError.status === 503) reply.header('retry-after', String(retryAfterOf(loomError)));
    if (loomError instanceof TooManyRequests)
      reply.header('retry-after', String(loomError.retryAfterSeconds));
    // RFC 9110 §15.5.2: a 401 names how to authenticate.
    if (loomError instanceof Unauthorized) {
      const challenge = loomError.challenge ?? options.challenge;
      if (challenge !== undefined) reply.header('www-authenticate', challenge);
    }
    return reply.send(JSON.stringify(body));
  };
}

function retryAfterOf(error: LoomError): number {
  return error instanceof DatabaseUnavailable ? error.retryAfterSeconds : 1;
}
