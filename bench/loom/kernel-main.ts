/** The bare-kernel variant (labelled `loom-kernel` in RESULTS.md): `new Kernel` + `createRestServer`, no observability. */
import { databaseUrl } from '../db-url.ts';
import { buildLoomApp } from './app.ts';

const port = Number(process.env.PORT ?? 8101);
const host = process.env.HOST ?? '127.0.0.1';
const poolMax = process.env.PG_POOL_MAX === undefined ? undefined : Number(process.env.PG_POOL_MAX);

const app = buildLoomApp({
  connectionString: databaseUrl(),
  ...(poolMax === undefined ? {} : { poolMax }),
  cache: process.env.LOOM_BENCH_CACHE === '1',
  // Diagnostics only (the benchmark runs the defaults): LOOM_BENCH_PROFILE_READS=batched, LOOM_BENCH_PREPARED=0.
  ...(process.env.LOOM_BENCH_PROFILE_READS === 'batched' ? { profileReads: 'batched' as const } : {}),
  ...(process.env.LOOM_BENCH_PREPARED === '0' ? { preparedStatements: false } : {}),
});
await app.server.listen({ port, host });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
