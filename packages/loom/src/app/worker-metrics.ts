import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../observability/metrics.ts';

/** The metrics endpoint of a worker process: where it listens, and how to close it. */
export interface WorkerMetricsEndpoint {
  /** `http://host:port/metrics`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves a worker's Prometheus registry at `path` on its own port (a worker has no REST server): job
 * events and durations, outbox backlog, database pool, process defaults. Anything but `GET path` is 404.
 *
 * @example
 * ```ts
 * const endpoint = await serveWorkerMetrics(metrics, { host: '0.0.0.0', port: 9464, path: '/metrics' });
 * await endpoint.close();
 * ```
 */
export async function serveWorkerMetrics(
  metrics: Metrics,
  options: { readonly host: string; readonly port: number; readonly path: string },
): Promise<WorkerMetricsEndpoint> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== options.path) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}${options.path}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
