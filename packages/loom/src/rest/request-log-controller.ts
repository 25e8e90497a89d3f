import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * Fastify's log controller without its two info lines per request ("incoming request", "request
 * completed"): an application that logs one line per request of its own (`observeHttp`) keeps the
 * error lines only. Replaces wrapping the logger in a filtering proxy, which cost a proxy per request
 * (Fastify makes a child logger for each one) and a trap per logger call.
 *
 * @example
 * ```ts
 * Fastify({ loggerInstance: logger, logController: new QuietRequestLogController({ requestIdLogLabel: 'traceId' }) });
 * ```
 */
export class QuietRequestLogController extends LogController {
  override incomingRequest(_request: FastifyRequest, _reply: FastifyReply): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) super.requestCompleted(error, request, reply);
  }
}
