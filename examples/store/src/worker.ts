/** The store worker: `npm run worker` (with REDIS_URL set) consumes the notifications, analytics and erp queues. */
import { createWorker } from 'loom-kernel/app';
import { configPaths } from './config-paths.ts';

const worker = await createWorker(...configPaths('worker.yaml'));
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
