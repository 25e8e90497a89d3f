import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { MethodNotAllowed, RouteNotFound } from '../errors/index.ts';
import { installAuthentication, type RestAuth } from './auth/install-auth.ts';
import { installBodyParsers } from './body-parsers.ts';
import { problemClientErrorHandler } from './client-error.ts';
import { compileRoutes, type RestKernel } from './compile-routes.ts';
import { lazyRequestLogger } from './lazy-request-logger.ts';
import { methodMatcher } from './method-matcher.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/openapi-document.ts';
import { requestSchemas } from './openapi/openapi-parameters.ts';
import { routesWithoutResponse } from './openapi/routes-without-response.ts';
import { problemReplier } from './problem-replier.ts';
import { QuietRequestLogController } from './request-log-controller.ts';
import type { RestInterface } from './rest-interface.ts';
import { routeHandler } from './route-handler.ts';
import { registerSwaggerUi } from './swagger-docs.ts';
import { echoTraceHeader } from './trace-header.ts';
import { TRACE_HEADER, traceIdOf } from './trace-id.ts';
import type { UnknownQueryPolicy } from './unknown-query.ts';

/** Options of {@link createRestServer}. */
export interface RestServerOptions {
  /** Runs the use cases (`new Kernel({ db, cursorSecret })`). */
  readonly kernel: RestKernel;
  readonly interfaces: readonly RestInterface[];
  /** OpenAPI `info.title`. Default `'Loom API'`. */
  readonly title?: string;
  /** OpenAPI `info.version`. Default `'0.1.0'`. */
  readonly version?: string;
  readonly description?: string;
  /** Largest accepted request body in bytes; larger → 413. Default 1 MiB. */
  readonly bodyLimit?: number;
  /** What one request may ask (config `app.rest.limits`); each has a default. */
  readonly limits?: RestLimits;
  /** Swagger UI path, or false for none. Default `'/docs'`. */
  readonly docsPath?: string | false;
  /** OpenAPI document path, or false for none. Default `'/openapi.json'`. */
  readonly openapiPath?: string | false;
  /** `true`/pino options for Fastify's own pino logger, or a pino instance. Default: no logging. */
  readonly logger?: boolean | FastifyServerOptions['logger'] | FastifyBaseLogger;
  /**
   * Leave out Fastify's two info lines per request ("incoming request", "request completed"; errors
   * are still logged): for a server that logs one line per request itself, as `createApp` does.
   */
  readonly quietRequestLogs?: boolean;
  /** Prefix of problem `type` URIs. Default `'urn:loom:problem:'` (config `app.rest.problemTypeBase`). */
  readonly problemTypeBase?: string;
  /**
   * Also run each request's use case in an ambient call context (`withCallContext`), so code that is not
   * handed the context — `currentCallContext()`, SQL statement listeners — sees the trace id. Off by
   * default: the kernel passes the context explicitly (`ctx.traceId`, jobs, nested invokes, use-case
   * logs), and on Node 20 an active AsyncLocalStorage slows every promise of the process.
   */
  readonly ambientContext?: boolean;
  /**
   * Unknown non-filter query parameters on routes whose interface and route set nothing: `'reject'`
   * (400) or `'ignore'` (config `app.rest.unknownQuery`). Default `'ignore'`; see
   * docs/decisions/0018-unknown-query-parameters.md.
   */
  readonly unknownQuery?: UnknownQueryPolicy;
  /**
   * Authentication: every request is authenticated (`request.identity`), guards of interfaces, routes
   * and use cases are enforced, OpenAPI lists the security schemes. Without it no guard is checked.
   */
  readonly auth?: RestAuth;
  /**
   * Registers plugins before the routes (CORS, security headers, rate limits: `createApp` builds this
   * from config), so their route hooks see every route.
   */
  readonly plugins?: (app: FastifyInstance) => void;
  /** Swagger UI sends its own Content-Security-Policy (when security headers are on). */
  readonly docsStaticCsp?: boolean;
  /** The request id header: read (else an id is generated) and echoed. Default `x-request-id`. */
  readonly traceHeader?: string;
}

/** Per-request limits of a REST server (config `app.rest.limits`, see docs/limits.md). */
export interface RestLimits {
  /** Deepest nesting of arrays and objects in a JSON body; deeper → 413 before parsing. Default 64. */
  readonly jsonDepth?: number;
  /** Query string parameters, a repeated key counted per value; more → 400. Default 100. */
  readonly queryParameters?: number;
}

/** Nesting a JSON body may have when the server is not told otherwise. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** A loom REST server: a Fastify instance (not listening yet) plus the OpenAPI document it serves. */
export type RestServer = FastifyInstance & { readonly openapi: OpenApiDocument };

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function isLoggerInstance(value: unknown): value is FastifyBaseLogger {
  return (
    typeof value === 'object' && value !== null && typeof (value as { child?: unknown }).child === 'function'
  );
}

function loggerOptions(
  logger: RestServerOptions['logger'],
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance' | 'childLoggerFactory'> {
  // `request.log` is made when something logs through it, not for every request.
  if (isLoggerInstance(logger)) return { loggerInstance: logger, childLoggerFactory: lazyRequestLogger };
  if (logger === undefined || logger === false) return { logger: false };
  return { logger, childLoggerFactory: lazyRequestLogger };
}

/**
 * Compiles REST interfaces into a Fastify server: one route per declaration with compiled response
 * serializers, loom's query grammar and body parsing (Ajv validates nothing: params, queries and bodies
 * are checked by loom, with 400/422 problems that name the field), RFC 9457 problems for every error
 * (404 and 405 with `Allow` included), `x-request-id` read or generated and echoed, each use case run
 * with the request's call context (trace id), OpenAPI 3.1 at `/openapi.json` and Swagger UI at `/docs`.
 * Declaration mistakes (duplicate routes, undeclared path params, …) throw here, at boot.
 *
 * @example
 * ```ts
 * const kernel = new Kernel({ db, cursorSecret: process.env.CURSOR_SECRET! });
 * const app = createRestServer({ kernel, interfaces: [UserApi, ProductApi], title: 'Store', version: '1.0.0' });
 * await app.listen({ port: 3000, host: '0.0.0.0' });
 * ```
 */
export function createRestServer(options: RestServerOptions): RestServer {
  const { kernel, interfaces } = options;
  const routes = compileRoutes(kernel, interfaces);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const auth = options.auth;
  const traceHeader = (options.traceHeader ?? TRACE_HEADER).toLowerCase();
  const sendProblem = problemReplier({
    bodyLimit,
    traceHeader,
    ...(options.problemTypeBase === undefined ? {} : { typeBase: options.problemTypeBase }),
    ...(auth === undefined ? {} : { challenge: auth.challenge }),
  });
  const app = Fastify({
    bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    genReqId: (req) => traceIdOf(req.headers[traceHeader]),
    logController: options.quietRequestLogs
      ? new QuietRequestLogController({ requestIdLogLabel: 'traceId' })
      : new LogController({ requestIdLogLabel: 'traceId' }),
    ...loggerOptions(options.logger),
    clientErrorHandler: problemClientErrorHandler(options.problemTypeBase, traceHeader),
    frameworkErrors: (error, request, reply) => {
      sendProblem(error, request, reply);
    },
  }) as unknown as FastifyInstance;

  // loom validates params, queries and bodies itself; Ajv must neither check nor mutate them.
  app.setValidatorCompiler(() => (value) => ({ value }));
  installBodyParsers(app, { jsonDepth: options.limits?.jsonDepth ?? DEFAULT_MAX_JSON_DEPTH });
  echoTraceHeader(app, traceHeader);
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  if (auth !== undefined) installAuthentication(app, auth, sendProblem);

  const document = buildOpenApiDocument(
    {
      title: options.title ?? 'Loom API',
      version: options.version ?? '0.1.0',
      ...(options.description === undefined ? {} : { description: options.description }),
    },
    routes,
    auth?.schemes,
  );
  const undocumented = routesWithoutResponse(routes);
  if (undocumented.length > 0)
    app.log.warn(
      { routes: undocumented },
      "routes without a response schema (OpenAPI says 'any JSON value'): declare `response`, or `response: 'json'` to opt out",
    );
  const openapiPath = options.openapiPath ?? '/openapi.json';
  const allowedMethods = methodMatcher([
    ...routes.map((r) => ({ method: r.method, pattern: r.path.pattern })),
    ...(openapiPath === false
      ? []
      : [{ method: 'GET', pattern: new RegExp(`^${openapiPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }]),
  ]);
  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethods(request.url);
    const error =
      allowed.length > 0
        ? new MethodNotAllowed(
            `${request.method} is not allowed on this path; use ${allowed.join(', ')}`,
            allowed,
          )
        : new RouteNotFound(`no route matches ${request.method} ${request.url.split('?')[0]}`);
    return sendProblem(error, request, reply);
  });

  const addRoutes = () => {
    for (const route of routes) {
      const { handler, schemas } = routeHandler(
        route,
        kernel,
        options.ambientContext === true,
        options.limits?.queryParameters,
        options.unknownQuery,
        auth !== undefined,
      );
      const rateLimit = route.rateLimit;
      app.route({
        method: route.method,
        url: route.path.fastify,
        schema: { ...requestSchemas(route), ...(schemas === undefined ? {} : { response: schemas }) },
        // Read by @fastify/rate-limit when createApp registers it (app.rest.rateLimit).
        ...(rateLimit === undefined
          ? {}
          : { config: { rateLimit: rateLimit && { max: rateLimit.max, timeWindow: rateLimit.windowMs } } }),
        handler,
      });
    }
    if (openapiPath !== false) {
      const text = JSON.stringify(document);
      app.get(openapiPath, (_request, reply) => {
        reply.type('application/json; charset=utf-8').send(text);
      });
    }
  };
  if (options.plugins === undefined) addRoutes();
  else {
    // Route-hook plugins (rate limits) see only routes added after they load: add them once loaded.
    options.plugins(app);
    app.after((error) => {
      if (error) throw error;
      addRoutes();
    });
  }
  const docsPath = options.docsPath ?? '/docs';
  if (docsPath !== false) registerSwaggerUi(app, document, docsPath, options.docsStaticCsp === true);
  app.decorate('openapi', document);
  return app as RestServer;
}
