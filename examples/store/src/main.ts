/**
 * The store API. `npm start` at the repository root runs it on its embedded defaults (SQLite file,
 * in-process jobs) at http://127.0.0.1:8000; DATABASE_URL and REDIS_URL switch to PostgreSQL and BullMQ.
 */
import { createApp } from 'loom-kernel';
import { configPaths } from './config-paths.ts';

const app = await createApp(...configPaths(process.env.LOOM_DISCOVERY === 'manifest' ? 'api-manifest.yaml' : 'api.yaml'));
const { host, port } = app.loom.config.app.rest;
await app.listen({ host, port });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    // Stops accepting, finishes in-flight requests and jobs, then closes the pools.
    void app.close().then(() => process.exit(0));
  });
}
