/**
 * The API: `npm start` (node runs this TypeScript file directly) serves it at http://127.0.0.1:8000.
 * SQLite file and in-process jobs by default; DATABASE_URL (postgres://…) switches to PostgreSQL,
 * REDIS_URL (redis://…) to BullMQ queues on Redis (then `npm install pg` / `npm install bullmq ioredis`).
 */
import { createApp } from 'loom-kernel/app';

const config = (name: string) => new URL(`../config/${name}`, import.meta.url).pathname;
const app = await createApp(config('app.yaml'), ...(process.env.REDIS_URL ? [config('bullmq.yaml')] : []));
const { host, port } = app.loom.config.app.rest;
await app.listen({ host, port });

let closing: Promise<void> | undefined;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    app.log.info({ signal }, 'shutting down');
    // Stops accepting, finishes the requests and jobs in flight, then closes the database and queues.
    closing = app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
