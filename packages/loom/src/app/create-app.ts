import type { Consumer } from '../job/backends/index.ts';
import { createRestServer, type RestServer } from '../rest/create-rest-server.ts';
import type { RestInterface } from '../rest/rest-interface.ts';
import { type Assembly, assemble } from './assemble.ts';
import { mountJobDashboard } from './job-dashboard.ts';

/** A loom application: the Fastify server plus the assembly behind it. */
export type LoomApp = RestServer & { readonly loom: Assembly };

/**
 * Builds an application from config files: discovery, database (schema created or migrations checked),
 * compiled plans, jobs, REST routes with OpenAPI and Swagger UI, `/metrics`, and the job dashboard when
 * configured. Returns a Fastify instance ready to `listen`; `close()` shuts everything down in order.
 * With the in-process job backend the API process also runs the jobs.
 *
 * @example
 * ```ts
 * const app = await createApp('config/api.yaml');
 * await app.listen({ port: app.loom.config.app.rest.port, host: app.loom.config.app.rest.host });
 * ```
 */
export async function createApp(...configPaths: string[]): Promise<LoomApp> {
  const assembly = await assemble(configPaths);
  const { config, kernel, jobs, metrics, logger } = assembly;
  const rest = config.app.rest;
  const server = createRestServer({
    kernel,
    interfaces: assembly.declarations.interfaces as unknown as readonly RestInterface[],
    title: rest.title,
    version: rest.version,
    bodyLimit: rest.bodyLimit,
    docsPath: rest.docsPath,
    openapiPath: rest.openapiPath,
    logger: logger as unknown as NonNullable<Parameters<typeof createRestServer>[0]['logger']>,
  });

  if (config.metrics.enabled) {
    server.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.httpRequestDuration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
    server.get(config.metrics.path, async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  }
  if (config.jobs.backend === 'bullmq' && config.jobs.dashboard.enabled) {
    await mountJobDashboard(server, assembly, config.jobs.dashboard.path);
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
  return Object.assign(server, { loom: assembly }) as LoomApp;
}
