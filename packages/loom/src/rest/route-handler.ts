import type { FastifyReply, FastifyRequest } from 'fastify';
import { withCallContext } from '../context/call-context.ts';
import { InvalidCursor, UnsupportedMediaType } from '../errors/index.ts';
import type { QuerySpec } from '../repository/query-spec.ts';
import type { CallArgs } from '../use-case/executor.ts';
import type { AnyUseCase } from '../use-case/use-case.ts';
import { UNSUPPORTED_BODY } from './body-parsers.ts';
import type { CompiledRoute, RestKernel } from './compile-routes.ts';
import type { RawQuery } from './query-grammar.ts';
import { compileRouteQuery } from './route-query.ts';
import { routeResponder } from './route-responder.ts';
import type { UnknownQueryPolicy } from './unknown-query.ts';

/**
 * The Fastify handler of a compiled route: reads the query (at most `maxQueryParameters` parameters;
 * profile, declared params, list grammar),
 * merges the path params, takes the body on routes with an input (415 when it is not JSON), runs the
 * use case through the kernel with the request's call context (trace id; also entered as the ambient
 * context when `ambient` is set), GET routes read-only, and writes the result with the route's status.
 *
 * @example
 * ```ts
 * app.route({ method: route.method, url: route.path.fastify, handler: routeHandler(route, kernel, false).handler });
 * ```
 */
export function routeHandler(
  route: CompiledRoute,
  kernel: RestKernel,
  ambient: boolean,
  maxQueryParameters?: number,
  unknownQuery?: UnknownQueryPolicy,
  enforceGuards = false,
) {
  const readQuery = compileRouteQuery(route, maxQueryParameters, unknownQuery);
  const responder = routeResponder(route);
  const hasPathParams = route.path.params.length > 0;
  const readOnly = route.method === 'GET';
  const { useCase, hasBody, status } = route;
  const isList = route.list !== null;
  const conditional = route.conditional;
  const guards = enforceGuards ? route.guards : undefined;

  // `callNow` returns the result of a call that finished synchronously itself; a kernel without it
  // (a custom RestKernel) answers every call with a promise.
  const callNow = kernel.callNow;
  const invoke: (useCase: AnyUseCase, args: CallArgs) => unknown =
    callNow === undefined ? (u, a) => kernel.call(u, a) : (u, a) => callNow.call(kernel, u, a);

  /** Sets the status (and the ETag of auto-CRUD routes) and returns the body to send. */
  function respond(reply: FastifyReply, result: unknown, query: QuerySpec | undefined): unknown {
    if (status !== 200) reply.code(status);
    conditional?.respond(reply, result);
    return responder.respond(reply, result, query);
  }

  // Not an async function: with an AsyncLocalStorage active (transactions, the ambient context), every
  // `await` costs V8 an extra promise and hook calls, so the result is chained with one `then`, or
  // returned as it is when the call finished synchronously.
  function handler(request: FastifyRequest, reply: FastifyReply): unknown {
    const raw = request.query as RawQuery;
    const { params: fromQuery, query } = readQuery(raw);
    let params: Record<string, unknown> = hasPathParams
      ? { ...(request.params as Record<string, string>), ...fromQuery }
      : fromQuery;
    const extra = conditional?.params(request);
    if (extra !== undefined) params = { ...params, ...extra };
    const identity = request.identity;
    const context = identity === undefined ? { traceId: request.id } : { traceId: request.id, identity };
    let payload: unknown;
    if (hasBody) {
      payload = request.body;
      if (payload === UNSUPPORTED_BODY) {
        const type = request.headers['content-type'] ?? '(none)';
        throw new UnsupportedMediaType(`content type ${type} is not supported: send application/json`);
      }
    }
    // One object of one shape for every request (absent parts undefined), not a spread per part.
    const args: CallArgs = { params, query, readOnly, context, guards, payload };
    const pending = ambient ? withCallContext(context, () => invoke(useCase, args)) : invoke(useCase, args);
    // A call that finished synchronously is answered now: Fastify sends a handler's non-promise
    // result itself, with no promise to wait for.
    if (!(pending instanceof Promise)) return respond(reply, pending, query);
    // Inline arrows, not named closures: a named function made per request costs a `name` definition
    // under tsx/esbuild's keepNames (`__name`), measurable in the ping benchmark.
    return pending.then(
      (result: unknown) => respond(reply, result, query),
      isList
        ? (error: unknown) => {
            // The repository names the cursor "after"; name the parameter the client actually sent.
            if (error instanceof InvalidCursor && raw.after === undefined && raw.cursor !== undefined) {
              throw new InvalidCursor(error.message, 'cursor');
            }
            throw error;
          }
        : undefined,
    );
  }

  return { handler, schemas: responder.schemas };
}
