import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import pino from 'pino';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The request id header, read when a client sends one and echoed on every response (as loom does). */
const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The Fastify options of the native app's observability, written by hand the way a Fastify user would:
 * pino at `level` (one line per request, from the hook below, instead of Fastify's two) and request ids
 * taken from `x-request-id` or generated.
 */
export function observedFastifyOptions(level: string): FastifyServerOptions {
  return {
    loggerInstance: pino({ level }),
    disableRequestLogging: true,
    requestIdHeader: REQUEST_ID_HEADER,
  } as FastifyServerOptions;
}

/**
 * The rest of the hand-written observability: the request id echoed, a prom-client histogram
 * `http_request_duration_seconds{method,route,status}` observed per request (prom-client's documented
 * `observe(labels, value)`), one info log line per request, default process metrics and `/metrics`.
 */
export function installObservability(app: FastifyInstance): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const durationMs = reply.elapsedTime;
    duration.observe({ method: request.method, route, status: String(status) }, durationMs / 1000);
    request.log.info({ method: request.method, route, status, durationMs }, 'request');
    done();
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
