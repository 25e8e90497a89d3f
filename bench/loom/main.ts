/** The loom app of the benchmark, built by `createApp` from `config/bench.yaml` (see app-from-config.ts). */
import { buildConfiguredLoomApp } from './app-from-config.ts';

const app = await buildConfiguredLoomApp({ cache: process.env.LOOM_BENCH_CACHE === '1' });
const { host, port } = app.loom.config.app.rest;
await app.listen({ port, host });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
