/**
 * The store API. `npm start` at the repository root runs it on its embedded defaults (SQLite file,
 * in-process jobs) at http://127.0.0.1:8000; DATABASE_URL and REDIS_URL switch to PostgreSQL and BullMQ.
 */
import { createApp } from 'loom-kernel/app';
import { configPaths } from './config-paths.ts';

const app = await createApp(
  ...configPaths(process.env.LOOM_DISCOVERY === 'manifest' ? 'api-manifest.yaml' : 'api.yaml'),
);
const { host, port } = app.loom.config.app.rest;
await app.listen({ host, port });

let closing: Promise<void> | undefined;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  // `on`, not `once`: a second signal (a process group and a supervisor both signalling) must not cut
  // the graceful shutdown short.
  process.on(signal, () => {
    if (closing) return;
    app.log.info({ signal }, 'shutting down');
    // Stops accepting, finishes in-flight requests and jobs, then closes the pools.
    closing = app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
