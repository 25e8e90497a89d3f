import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../use-case/services.ts';
import type { Metrics } from './metrics.ts';
import { contextFromHeaders } from './trace-propagation.ts';
import { loomTracer, tracingEnabled } from './tracing.ts';

/** Options of {@link observeHttp}. */
export interface HttpObserverOptions {
  readonly logger: Logger;
  /** Records `http_request_duration_seconds` when given. */
  readonly metrics?: Metrics | undefined;
  /**
   * Write the one `request` line per request (default true). Off, errors (5xx) are still logged, and
   * the histogram and spans are unchanged: config `logger.requestLogging`.
   */
  readonly requestLogging?: boolean;
  /**
   * Install the span hooks. Default: whether a tracer provider is registered now — register the
   * OpenTelemetry SDK before building the app, as with any instrumentation.
   */
  readonly tracing?: boolean;
}

interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
}

const UNMATCHED = 'unmatched';

/** Fastify's route URL → its OpenAPI spelling; routes are declared at boot, so the map stays small. */
const TEMPLATES = new Map<string, string>();

/** The OpenAPI spelling (`/products/{productId}`) of a Fastify route URL, or `unmatched`. */
function templateOf(url: string | undefined): string {
  if (url === undefined) return UNMATCHED;
  let template = TEMPLATES.get(url);
  if (template === undefined) {
    template = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    TEMPLATES.set(url, template);
  }
  return template;
}

/** The route template, in OpenAPI spelling (`/products/{productId}`), or `unmatched`. */
function routeOf(request: FastifyRequest): string {
  return templateOf(request.routeOptions.url);
}

/**
 * The outcome of a request by its status: success below 400, client_error below 500, server_error from 500.
 *
 * @example
 * ```ts
 * requestOutcome(422); // 'client_error'
 * ```
 */
export function requestOutcome(status: number): 'success' | 'client_error' | 'server_error' {
  if (status < 400) return 'success';
  return status < 500 ? 'client_error' : 'server_error';
}

/** A SERVER span per request, active while the handler runs; ended by {@link observeHttp}'s onResponse. */
function installSpanHooks(server: FastifyInstance, spans: WeakMap<FastifyRequest, RequestSpan>): void {
  server.addHook('onRequest', (request, _reply, done) => {
    if (tracingEnabled()) {
      const parent = contextFromHeaders(request.headers);
      const route = routeOf(request);
      const span = loomTracer().startSpan(
        route === UNMATCHED ? request.method : `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': request.url.split('?')[0] ?? request.url,
            'loom.trace_id': request.id,
            ...(route === UNMATCHED ? {} : { 'http.route': route }),
          },
        },
        parent,
      );
      spans.set(request, { span, context: trace.setSpan(parent, span) });
    }
    done();
  });
  // The handler runs inside the request span: hooks after this one and the handler inherit the context.
  server.addHook('preHandler', (request, _reply, done) => {
    const s = spans.get(request);
    if (s) context.with(s.context, done);
    else done();
  });
  server.addHook('onRequestAbort', (request, done) => {
    const s = spans.get(request);
    if (s) {
      s.span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted by the client' });
      s.span.end();
      spans.delete(request);
    }
    done();
  });
}

/**
 * Observes every request of a Fastify server: one log line when it completes (trace id, `request` =
 * method + route template, status, outcome, duration; info, error from 500), the
 * `http_request_duration_seconds{method,route,status}` histogram, and an OpenTelemetry SERVER span that
 * continues an incoming `traceparent` and is the active span while the handler runs, so use-case and
 * repository spans nest under it. Without a tracer provider at that time, the span hooks are not even
 * installed.
 *
 * @example
 * ```ts
 * const server = createRestServer({ kernel, interfaces });
 * observeHttp(server, { logger, metrics });
 * ```
 */
export function observeHttp(server: FastifyInstance, options: HttpObserverOptions): void {
  const { logger, metrics } = options;
  const requestLogging = options.requestLogging !== false;
  const spans = new WeakMap<FastifyRequest, RequestSpan>();
  const tracing = options.tracing ?? tracingEnabled();
  if (tracing) installSpanHooks(server, spans);
  const histogram = metrics?.httpRequestDuration;
  const lines = routeLines(logger);

  server.addHook('onResponse', (request, reply, done) => {
    const url = request.routeOptions.url;
    const method = request.method;
    const status = reply.statusCode;
    const outcome = requestOutcome(status);
    const durationMs = Math.round(reply.elapsedTime * 1000) / 1000;
    const line = lines(method, url);
    histogram?.observe({ method, route: line.route, status: statusLabel(status) }, durationMs / 1000);
    if (requestLogging || outcome === 'server_error') {
      // The subject only: never the credential that proved it (docs/security.md).
      const subject = (request as { identity?: { subject: string } }).identity?.subject;
      // The route's fields (request, method, route) are bindings of a logger made once per route.
      const fields =
        subject === undefined
          ? { traceId: request.id, status, outcome, durationMs }
          : { traceId: request.id, subject, status, outcome, durationMs };
      if (outcome === 'server_error') line.logger.error(fields, 'request');
      else line.logger.info(fields, 'request');
    }
    if (tracing) endSpan(spans, request, status, outcome);
    done();
  });
}

/** Status codes as label values, made once each. */
const STATUS_LABELS: string[] = [];

function statusLabel(status: number): string {
  let label = STATUS_LABELS[status];
  if (label === undefined) {
    label = String(status);
    if (status >= 100 && status < 600) STATUS_LABELS[status] = label;
  }
  return label;
}

/** What the request line of one route is written with. */
interface RouteLine {
  /** The route template in OpenAPI spelling, or `unmatched`. */
  readonly route: string;
  /** A child of the application logger bound to `request`, `method` and `route`. */
  readonly logger: Logger;
}

/**
 * The request line's logger per method and route: a child logger with `request` (method + route
 * template), `method` and `route` as bindings, which pino serializes once when the child is made instead
 * of on every line. Made on a route's first request and kept (routes are declared at boot; unmatched
 * requests share one per method). A pino child made without a level of its own follows its parent's:
 * changing the application logger's level at run time still turns the line on and off.
 */
function routeLines(logger: Logger): (method: string, url: string | undefined) => RouteLine {
  const byUrl = new Map<string | undefined, Map<string, RouteLine>>();
  return (method, url) => {
    let byMethod = byUrl.get(url);
    if (byMethod === undefined) {
      byMethod = new Map();
      byUrl.set(url, byMethod);
    }
    let line = byMethod.get(method);
    if (line === undefined) {
      const route = templateOf(url);
      line = {
        route,
        logger: logger.child({ request: `${method} ${route}`, method, route }),
      };
      // Unknown methods of unmatched requests are not kept: a client could send any number of them.
      if (url !== undefined || KNOWN_METHODS.has(method)) byMethod.set(method, line);
    }
    return line;
  };
}

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
]);

function endSpan(
  spans: WeakMap<FastifyRequest, RequestSpan>,
  request: FastifyRequest,
  status: number,
  outcome: ReturnType<typeof requestOutcome>,
): void {
  const s = spans.get(request);
  if (s) {
    s.span.setAttribute('http.response.status_code', status);
    if (outcome === 'server_error')
      s.span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
    s.span.end();
    spans.delete(request);
  }
}
