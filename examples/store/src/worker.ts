/** The store worker: `npm run worker` (with REDIS_URL set) consumes the notifications, analytics and erp queues. */
import { createWorker } from 'loom-kernel';
import { configPaths } from './config-paths.ts';

const worker = await createWorker(...configPaths('worker.yaml'));
worker.start();

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void worker.stop({ timeoutMs: 30_000 }).then(() => process.exit(0));
  });
}
