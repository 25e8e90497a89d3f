import type { LoomConfig } from '../config/index.ts';
import { WorkerBackendUnusable } from '../errors/index.ts';
import type { QueueBackend } from '../job/backends/index.ts';

/**
 * Refuses a worker that could never run a job (decision 0060). A backend built from config must be one
 * other processes publish to: the in-process and eager queues live in the process that dispatches (the
 * API consumes them itself), so a separate worker on them would sit idle, or, polling the shared
 * outbox, race the API for the same rows and run a job twice. And the engine must answer now: Redis
 * unreachable within the backend's connect timeout fails the start instead of a worker that waits
 * silently. A backend handed in by the caller (tests, an embedded worker) is the caller's choice; it is
 * only asked whether it answers.
 *
 * @example
 * ```ts
 * await checkWorkerBackend(config, backend, { injected: false }); // throws WorkerBackendUnusable
 * ```
 */
export async function checkWorkerBackend(
  config: LoomConfig,
  backend: QueueBackend,
  options: { readonly injected: boolean },
): Promise<void> {
  const kind = config.jobs.backend;
  if (!options.injected && kind !== 'bullmq') {
    throw new WorkerBackendUnusable(
      `jobs.backend is "${kind}", a queue inside the process that dispatches: the API process runs ` +
        'those jobs itself and a separate worker would never receive one. Set jobs.backend: bullmq with ' +
        'jobs.redisUrl to run jobs in worker processes, or run no worker.',
    );
  }
  const health = await backend.health();
  if (!health.ok) {
    throw new WorkerBackendUnusable(
      `the ${backend.kind} queue backend does not answer (${health.detail ?? 'no detail'}). ` +
        'Start Redis or fix jobs.redisUrl, then start the worker again.',
    );
  }
}
