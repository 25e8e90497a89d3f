import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { createCursorCodec } from './cursor.ts';
import { registerJobRoutes } from './jobs.ts';
import { installObservability, observedFastifyOptions } from './observability.ts';
import { registerPricingRoute } from './pricing-route.ts';
import { installProblemHandlers } from './problem.ts';
import { registerRecordRoutes } from './records-routes.ts';
import { pingResponseSchema } from './schemas.ts';
import { registerUsersRoute } from './users-route.ts';

export interface NativeAppOptions {
  readonly connectionString: string;
  /** Schema holding the bench tables (default: the connection's search_path, i.e. `public`). */
  readonly schema?: string;
  /** Pool size; 15 matches the Python apps' SQLAlchemy default (5 + 10 overflow). */
  readonly poolMax?: number;
  /**
   * The hand-written observability (pino at this level, request ids, a prom-client histogram, one log
   * line per request, `/metrics`); undefined = none (the bare row, as `loom-kernel`).
   */
  readonly logLevel?: string;
  /** Key of the cursor MACs; a fixed default keeps tokens valid across restarts of the benchmark. */
  readonly cursorSecret?: string;
}

/**
 * The hand-written baseline: Fastify 5 + pg, no framework on top. JSON schemas validate requests and
 * compile the response serializers; every route is one SQL round trip (named prepared statements).
 */
export async function buildNativeApp(options: NativeAppOptions): Promise<FastifyInstance> {
  const poolConfig: pg.PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolMax ?? 15,
  };
  if (options.schema !== undefined) poolConfig.options = `-c search_path=${options.schema}`;
  const pool = new pg.Pool(poolConfig);
  pool.on('error', () => {
    // An idle client lost its connection; the pool drops it and opens a new one on demand.
  });

  const app = Fastify(
    options.logLevel === undefined ? { logger: false } : observedFastifyOptions(options.logLevel),
  );
  if (options.logLevel !== undefined) installObservability(app);
  app.addHook('onClose', async () => {
    stopJobs();
    await pool.end();
  });
  installProblemHandlers(app);

  app.get('/bench/ping', { schema: { response: { 200: pingResponseSchema } } }, async () => ({
    status: 'ok',
  }));
  registerRecordRoutes(app, {
    pool,
    cursors: createCursorCodec(options.cursorSecret ?? 'loom-bench-cursor'),
  });
  registerPricingRoute(app);
  registerUsersRoute(app, pool);
  const stopJobs = registerJobRoutes(app, pool);

  await app.ready();
  return app;
}
