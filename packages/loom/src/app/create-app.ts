import type { Consumer } from '../job/backends/index.ts';
import { observeHttp } from '../observability/http-observer.ts';
import { tracingEnabled } from '../observability/tracing.ts';
import { createRestServer, type RestServer } from '../rest/create-rest-server.ts';
import type { RestInterface } from '../rest/rest-interface.ts';
import { appArgs, type CreateAppOptions } from './app-options.ts';
import { type Assembly, assemble } from './assemble.ts';
import { restAuthOf } from './auth-from-config.ts';
import { memoryCache } from './cache-choice.ts';
import { warnUnenforcedGuards } from './guard-check.ts';
import { mountHealth } from './health.ts';
import { httpHardening } from './http-hardening.ts';
import { MEMORY_CACHE_WITH_WORKERS } from './memory-cache-warning.ts';

/** A loom application: the Fastify server plus the assembly behind it. */
export type LoomApp = RestServer & {
  readonly loom: Assembly;
  /**
   * Readiness (`health.readyPath`) answers 503 from now on, while requests are still served: call it
   * at SIGTERM, wait `app.shutdown.drainDelayMs`, then `close()` (as `loom serve` does).
   */
  startDraining(): void;
};

/**
 * Builds an application from config files: discovery, database (tables created or migrations applied),
 * compiled plans, jobs, REST routes with OpenAPI and Swagger UI, `/metrics`, the job dashboard when
 * configured (read-only unless `jobs.dashboard.readOnly: false`), `/health/live` and `/health/ready`, and
 * observability (one log line per request, use case and job with its trace id; the
 * request, use-case and job metrics; OpenTelemetry spans when a tracer provider is registered).
 * Returns a Fastify instance ready to `listen`; `close()` stops accepting connections, lets in-flight
 * requests and jobs finish, then closes the queue and the database. With the in-process job backend the
 * API process also runs the jobs.
 *
 * @example
 * ```ts
 * const app = await createApp('config/api.yaml');
 * await app.listen({ port: app.loom.config.app.rest.port, host: app.loom.config.app.rest.host });
 * // in tests: capture the logs
 * const test = await createApp({ config: ['config/api.yaml'], logger: pino(stream) });
 * ```
 */
export async function createApp(...args: string[] | [CreateAppOptions]): Promise<LoomApp> {
  const { config: configPaths, auth: authOptions, ...options } = appArgs(args);
  const assembly = await assemble(configPaths, options);
  const { config, kernel, jobs, metrics, logger } = assembly;
  const rest = config.app.rest;
  const dashboard = config.jobs.backend === 'bullmq' && config.jobs.dashboard.enabled;
  let server: RestServer;
  try {
    const interfaces = assembly.declarations.interfaces as unknown as readonly RestInterface[];
    warnUnenforcedGuards(config, kernel, interfaces, logger);
    const auth = await restAuthOf(config, authOptions, {
      ...(rest.docsEnabled ? { docs: rest.docsPath } : {}),
      ...(rest.openapiEnabled ? { openapi: rest.openapiPath } : {}),
      ...(config.metrics.enabled ? { metrics: config.metrics.path } : {}),
      ...(dashboard ? { jobs: config.jobs.dashboard.path } : {}),
    });
    const hardening = await httpHardening(config, logger);
    server = createRestServer({
      kernel,
      interfaces,
      title: rest.title,
      version: rest.version,
      bodyLimit: rest.bodyLimit,
      limits: { jsonDepth: rest.limits.jsonDepth, queryParameters: rest.limits.queryParameters },
      docsPath: rest.docsEnabled ? rest.docsPath : false,
      openapiPath: rest.openapiEnabled ? rest.openapiPath : false,
      ...(auth === undefined ? {} : { auth }),
      ...(hardening.plugins === undefined ? {} : { plugins: hardening.plugins }),
      docsStaticCsp: hardening.docsStaticCsp,
      // The pino logger itself (no filtering proxy): loom writes one line per request (observeHttp).
      logger,
      quietRequestLogs: true,
      // Statement logs and spans read the call context ambiently; the rest of the kernel is handed it.
      ambientContext: rest.ambientContext || config.database.logStatements || tracingEnabled(),
      unknownQuery: rest.unknownQuery,
      problemTypeBase: rest.problemTypeBase,
      traceHeader: config.trace.header,
    });
  } catch (error) {
    await assembly.close();
    throw error;
  }

  observeHttp(server, {
    logger,
    metrics: config.metrics.enabled ? metrics : undefined,
    requestLogging: config.logger.requestLogging,
  });
  if (config.metrics.enabled) {
    server.get(config.metrics.path, async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  }
  const health = mountHealth(server, assembly, config.health);
  if (dashboard) {
    // Loaded only when configured: bull-board is a sizeable import for every other boot.
    const { mountJobDashboard } = await import('./job-dashboard.ts');
    await mountJobDashboard(server, assembly, config.jobs.dashboard);
  }
  if (memoryCache(config) && config.jobs.backend === 'bullmq') {
    logger.warn(MEMORY_CACHE_WITH_WORKERS);
  }

  jobs.start();
  // Without a separate worker (in-process or eager backend), the API process runs the jobs itself.
  let consumer: Consumer | undefined;
  if (config.jobs.backend !== 'bullmq') {
    consumer = jobs.consume({
      queues: [...new Set([...jobs.queues(), ...config.jobs.queues])],
      concurrency: config.jobs.concurrency,
    });
  }
  server.addHook('onClose', async () => {
    await consumer?.close({ timeoutMs: 10_000 });
    await assembly.close();
  });
  return Object.assign(server, { loom: assembly, startDraining: () => health.startDraining() }) as LoomApp;
}
