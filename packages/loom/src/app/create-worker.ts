import type { Consumer } from '../job/backends/index.ts';
import { type Assembly, assemble } from './assemble.ts';

/** A worker process: consumes queues until stopped. */
export interface LoomWorker {
  readonly assembly: Assembly;
  /** The queues it consumes. */
  readonly queues: readonly string[];
  /** Starts the outbox relay and the consumers. */
  start(): void;
  /** Graceful: stops taking jobs, lets in-flight ones finish within `timeoutMs`, closes connections. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Builds a worker from config files: the same discovery and declarations as the API, consuming every
 * queue its jobs (and their callbacks) use plus `jobs.queues`, with `jobs.concurrency`.
 *
 * @example
 * ```ts
 * const worker = await createWorker('config/worker.yaml');
 * worker.start();
 * process.once('SIGTERM', () => void worker.stop({ timeoutMs: 30_000 }).then(() => process.exit(0)));
 * ```
 */
export async function createWorker(...configPaths: string[]): Promise<LoomWorker> {
  const assembly = await assemble(configPaths);
  const { config, jobs, logger } = assembly;
  const queues = [...new Set([...jobs.queues(), ...config.jobs.queues])];
  let consumer: Consumer | undefined;
  return {
    assembly,
    queues,
    start() {
      jobs.start();
      consumer = jobs.consume({ queues, concurrency: config.jobs.concurrency });
      logger.info({ queues, concurrency: config.jobs.concurrency, backend: config.jobs.backend }, 'worker started');
    },
    async stop(options) {
      logger.info('worker stopping');
      await consumer?.close(options?.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
      await assembly.close();
    },
  };
}
