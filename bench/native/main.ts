import { databaseUrl } from '../db-url.ts';
import { buildNativeApp } from './app.ts';

const port = Number(process.env.PORT ?? 8102);
const host = process.env.HOST ?? '127.0.0.1';
const poolMax = process.env.PG_POOL_MAX === undefined ? undefined : Number(process.env.PG_POOL_MAX);

const app = await buildNativeApp({
  connectionString: databaseUrl(),
  ...(poolMax === undefined ? {} : { poolMax }),
  // Observability on, as loom's createApp has it (NATIVE_BARE=1: none, the row beside `loom-kernel`).
  ...(process.env.NATIVE_BARE === '1' ? {} : { logLevel: process.env.LOG_LEVEL ?? 'info' }),
});
await app.listen({ port, host });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
