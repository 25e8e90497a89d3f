import type { Consumer } from '../job/backends/index.ts';
import { appArgs, type CreateAppOptions } from './app-options.ts';
import { type Assembly, assemble } from './assemble.ts';
import { memoryCache } from './cache-choice.ts';
import { MEMORY_CACHE_WITH_WORKERS } from './memory-cache-warning.ts';
import { checkWorkerBackend } from './worker-backend-check.ts';
import { serveWorkerMetrics, type WorkerMetricsEndpoint } from './worker-metrics.ts';

/** A worker process: consumes queues until stopped. */
export interface LoomWorker {
  readonly assembly: Assembly;
  /** The queues it consumes. */
  readonly queues: readonly string[];
  /** Where its Prometheus metrics are served (`metrics.workerPort`), or undefined when not served. */
  readonly metricsUrl: string | undefined;
  /** Starts the outbox relay and the consumers. */
  start(): void;
  /** Graceful: stops taking jobs, lets in-flight ones finish within `timeoutMs`, closes connections. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Builds a worker from config files: the same discovery and declarations as the API, consuming every
 * queue its jobs (and their callbacks) use plus `jobs.queues`, with `jobs.concurrency`, its Prometheus
 * metrics served on `metrics.workerPort` when set. Each attempt is
 * logged (trace id, name, outcome, duration) and traced as a span joined to the dispatcher's trace.
 * Refuses to start (`WorkerBackendUnusable`) on a backend no other process publishes to
 * (`inprocess`, `eager` from config) or when Redis does not answer within its connect timeout.
 *
 * Memory: V8 sizes the heap when the process starts, so a worker's heap settings are node options of
 * its process, not options here. Started with `--min-semi-space-size=16 --max-semi-space-size=16
 * --no-memory-reducer`, its RSS stays flat under load instead of swinging by the 2 × 64 MB young
 * generation V8 grows and shrinks by default (docs/operations.md, "Worker memory").
 *
 * @example
 * ```ts
 * const worker = await createWorker('config/worker.yaml');
 * worker.start();
 * process.once('SIGTERM', () => void worker.stop({ timeoutMs: 30_000 }).then(() => process.exit(0)));
 * ```
 */
export async function createWorker(...args: string[] | [CreateAppOptions]): Promise<LoomWorker> {
  const { config: configPaths, ...options } = appArgs(args);
  const assembly = await assemble(configPaths, options);
  const { config, jobs, logger } = assembly;
  try {
    await checkWorkerBackend(config, assembly.backend, { injected: options.backend !== undefined });
  } catch (error) {
    await assembly.close();
    throw error;
  }
  const queues = [...new Set([...jobs.queues(), ...config.jobs.queues])];
  if (memoryCache(config)) logger.warn(MEMORY_CACHE_WITH_WORKERS);
  let endpoint: WorkerMetricsEndpoint | undefined;
  const { metrics: metricsConfig } = config;
  if (metricsConfig.enabled && metricsConfig.workerPort !== undefined) {
    try {
      endpoint = await serveWorkerMetrics(assembly.metrics, {
        host: config.app.rest.host,
        port: metricsConfig.workerPort,
        path: metricsConfig.path,
      });
    } catch (error) {
      await assembly.close();
      throw error;
    }
    logger.info({ url: endpoint.url, port: endpoint.port }, 'worker metrics listening');
  }
  let consumer: Consumer | undefined;
  let stopping: Promise<void> | undefined;
  // In-process queues hold no socket open: keep the process alive while consuming.
  let keepAlive: NodeJS.Timeout | undefined;
  return {
    assembly,
    queues,
    metricsUrl: endpoint?.url,
    start() {
      keepAlive ??= setInterval(() => {}, 60_000);
      jobs.start();
      consumer = jobs.consume({ queues, concurrency: config.jobs.concurrency });
      logger.info(
        { queues, concurrency: config.jobs.concurrency, backend: config.jobs.backend },
        'worker started',
      );
    },
    stop(options) {
      // Idempotent: a second signal waits for the same shutdown.
      stopping ??= (async () => {
        logger.info('worker stopping');
        await consumer?.close(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
        await assembly.close();
        await endpoint?.close();
        clearInterval(keepAlive);
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}
