import { fileURLToPath } from 'node:url';
import type pino from 'pino';
import { createApp, type LoomApp } from '../../packages/loom/test/support/internals.ts';

/** The YAML the benchmark's loom app is built from (manifest discovery of `manifest.ts`). */
export const BENCH_CONFIG = fileURLToPath(new URL('./config/bench.yaml', import.meta.url));
/** The same app with loom's repository read cache on (an in-memory store). */
export const BENCH_CACHED_CONFIG = fileURLToPath(new URL('./config/bench-cached.yaml', import.meta.url));

export interface ConfiguredAppOptions {
  /** Overlay the read-cache config. */
  readonly cache?: boolean;
  /** Log here instead of stdout (tests). */
  readonly logger?: pino.Logger;
}

/**
 * The benchmark's loom app as users build one: `createApp` from `config/bench.yaml`, so every production
 * default is on (metrics, trace ids, the HTTP observer, info logging, OpenAPI and Swagger UI). The
 * database comes from `DATABASE_URL` and the pool size from `PG_POOL_MAX`, as for the native app.
 *
 * @example
 * ```ts
 * const app = await buildConfiguredLoomApp();
 * await app.listen({ port: 8101, host: '127.0.0.1' });
 * ```
 */
export function buildConfiguredLoomApp(options: ConfiguredAppOptions = {}): Promise<LoomApp> {
  return createApp({
    config: options.cache === true ? [BENCH_CONFIG, BENCH_CACHED_CONFIG] : [BENCH_CONFIG],
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
