import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { TRACE_HEADER } from './trace-id.ts';

/**
 * Echoes the request's trace id in `header` (default `x-request-id`) on every route of the instance, loom's and any added
 * later (plugins included): each route handler is wrapped when the route is registered, which costs one
 * function call per request instead of an `onRequest` hook. Errors, 404 and 405 set the header in the
 * problem replier.
 *
 * @example
 * ```ts
 * echoTraceHeader(app); // before any route is added
 * ```
 */
export function echoTraceHeader(app: FastifyInstance, header: string = TRACE_HEADER): void {
  app.addHook('onRoute', (options) => {
    const handler = options.handler as RouteHandlerMethod;
    options.handler = function tracedHandler(
      this: FastifyInstance,
      request: FastifyRequest,
      reply: FastifyReply,
    ) {
      reply.header(header, request.id);
      return handler.call(this, request, reply);
    };
  });
}
