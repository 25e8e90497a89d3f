/**
 * The store worker: `npm run worker` (with REDIS_URL set) consumes the notifications, analytics and erp
 * queues. Without REDIS_URL the store runs its jobs in the API process, and this exits 1 saying so.
 */
import { createWorker, type LoomWorker } from 'loom-kernel/app';
import { configPaths } from './config-paths.ts';

let worker: LoomWorker;
try {
  worker = await createWorker(...configPaths('worker.yaml'));
} catch (error) {
  // A worker that could never run a job (in-process queues, Redis unreachable) refuses to start: say
  // why in one line and exit non-zero, so a supervisor sees the failure.
  process.stderr.write(`store worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
worker.start();

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // `stop` is idempotent: a repeated signal waits for the same graceful shutdown.
  process.on(signal, () => {
    void worker.stop({ timeoutMs: 30_000 }).then(
      () => process.exit(0),
      (error: unknown) => {
        worker.assembly.logger.error({ err: error }, 'worker shutdown failed');
        process.exit(1);
      },
    );
  });
}
