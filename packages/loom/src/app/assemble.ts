import { randomBytes } from 'node:crypto';
import type pino from 'pino';
import { type RepositoryCache, repositoryCacheFromConfig } from '../cache/index.ts';
import type { LoomConfig } from '../config/index.ts';
import { assertSecretsSet, type ConfigSectionSchemas, loadConfigWithSections } from '../config/index.ts';
import { ServiceRuntime } from '../context/service-runtime.ts';
import type { Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrations/index.ts';
import { schemaDifferences } from '../db/schema-check.ts';
import { syncSchema } from '../db/schema-sync.ts';
import { tableSpecOf } from '../db/table-spec.ts';
import { SchemaDrift } from '../errors/index.ts';
import {
  createBullmqBackend,
  createEagerBackend,
  createInProcessBackend,
  type QueueBackend,
} from '../job/backends/index.ts';
import { observeQueueBackend } from '../job/job-observer.ts';
import { JobRuntime } from '../job/job-runtime.ts';
import { OutboxEntry, outboxBacklog } from '../job/outbox.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { TracedKernel } from '../kernel/traced-kernel.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { startTelemetry, type TelemetrySdk } from '../observability/telemetry-sdk.ts';
import type { ServiceRegistration } from '../use-case/service-registration.ts';
import type { Logger } from '../use-case/services.ts';
import { compileDeclarations, discoverDeclarations, tableModels } from './boot.ts';
import { cacheChoice } from './cache-choice.ts';
import type { Declarations } from './declarations.ts';
import { tuneEngine } from './engine-tuning.ts';
import { defaultMigrationsDir } from './migrations-dir.ts';
import { observeDatabase, observeJobs, observeKernel } from './observe-assembly.ts';
import { openConfiguredDatabase } from './open-database.ts';

/** Everything an API process or a worker is made of, assembled from config and declarations. */
export interface Assembly {
  readonly config: LoomConfig;
  readonly declarations: Declarations;
  readonly db: Database;
  readonly kernel: Kernel;
  readonly jobs: JobRuntime;
  readonly backend: QueueBackend;
  readonly logger: Logger & pino.Logger;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

/** What may replace the parts `assemble` would otherwise build from config. */
export interface AssembleOptions {
  /** Skip discovery: use these declarations. */
  readonly declarations?: Declarations;
  /** Log through this pino logger instead of one built from `logger:` in config (tests capture logs). */
  readonly logger?: pino.Logger;
  /** Use this configuration instead of loading config files (the testing kit builds one in code). */
  readonly resolvedConfig?: LoomConfig;
  /** Use this open database instead of opening `database.url` (a test schema, an in-memory database). */
  readonly database?: Database;
  /**
   * Use this queue backend instead of the one `jobs.backend` names (the testing kit captures jobs). A
   * worker takes any backend handed in here; from config it refuses the in-process ones (decision 0060).
   */
  readonly backend?: QueueBackend;
  /**
   * The application's services (`defineServices`): `ctx.services` in use cases and jobs. App-scoped
   * ones are built at boot and disposed at close, in reverse order (docs/services-and-config.md).
   */
  readonly services?: ServiceRegistration;
  /** The application's own config sections (`defineConfigSections`), validated with loom's: `ctx.config`. */
  readonly configSections?: ConfigSectionSchemas;
}

function backendOf(config: LoomConfig): QueueBackend {
  const jobs = config.jobs;
  if (jobs.backend === 'bullmq')
    return createBullmqBackend({ url: jobs.redisUrl ?? 'redis://127.0.0.1:6379', prefix: jobs.prefix });
  if (jobs.backend === 'eager') return createEagerBackend();
  return createInProcessBackend();
}

/**
 * Loads config, discovers declarations, opens the database, builds the kernel (custom repositories,
 * every plan compiled — declaration mistakes fail here), prepares the schema (`database.sync`: create
 * missing tables and refuse existing ones that differ from the models ({@link SchemaDrift}), or apply the pending migrations of `migrations/` next to the first config file) and
 * wires jobs, logs, metrics and traces. Shared by `createApp` and `createWorker`.
 *
 * @example
 * ```ts
 * const assembly = await assemble(['config/api.yaml']);
 * await assembly.kernel.invoke(CreateUser, { payload });
 * await assembly.close();
 * ```
 */
export async function assemble(
  configPaths: readonly string[],
  options: AssembleOptions = {},
): Promise<Assembly> {
  if (configPaths.length === 0 && options.resolvedConfig === undefined)
    throw new Error('createApp: pass at least one config file');
  const config =
    options.resolvedConfig ?? (await loadConfigWithSections(configPaths, options.configSections));
  // Outside development a placeholder secret (the committed cursor secret) is a boot error.
  assertSecretsSet(config);
  tuneEngine(config.app.runtime);
  const logger: Logger & pino.Logger =
    options.logger ??
    createLogger({ level: config.logger.level, pretty: config.logger.pretty, name: config.app.name });
  const declarations = options.declarations ?? (await discoverDeclarations(config, configPaths));
  // Before anything that reads whether tracing is on (ambient call context, span helpers).
  const telemetry: TelemetrySdk | undefined = await startTelemetry(config.trace, logger);
  let db: Database;
  try {
    db = options.database ?? openConfiguredDatabase(config);
  } catch (error) {
    await telemetry?.shutdown().catch(() => {});
    throw error;
  }
  let queue: QueueBackend | undefined;
  let cache: RepositoryCache | undefined;
  const services = new ServiceRuntime(options.services?.providers ?? {}, config);
  try {
    observeDatabase(db, logger, config.database.logStatements);
    const cursorSecret = config.app.cursorSecret ?? randomBytes(24).toString('hex');
    if (!config.app.cursorSecret) {
      logger.warn(
        'app.cursorSecret is not set: cursors are signed with a per-process key and die with the process',
      );
    }
    const metrics = createMetrics({ outboxBacklog: () => outboxBacklog(db), dbPool: () => db.poolStats() });
    cache = cacheOf(config, metrics, logger);
    const kernel = new TracedKernel({
      db,
      cursorSecret,
      logger,
      repositories: declarations.repositories,
      maxArrayItems: config.app.rest.limits.arrayItems,
      ...(cache ? { cache } : {}),
      serviceRuntime: services,
      config,
    });
    compileDeclarations(kernel, declarations);
    // A failing factory fails the boot, naming the service.
    await services.start();

    if (config.database.sync === 'create') {
      // Models kept outside SQL by their repository (also those bound by use cases) get no table.
      const elsewhere = new Set(kernel.tablelessModels);
      const models = [...tableModels(declarations).filter((m) => !elsewhere.has(m)), OutboxEntry];
      // Sync leaves existing tables as they are: refuse to serve models they do not match (checked
      // first: creating the index of a column the table lacks would fail less clearly).
      const differences = await schemaDifferences(db, models.map(tableSpecOf), { missingTablesOk: true });
      if (differences.length > 0) throw new SchemaDrift(differences);
      await syncSchema(db, models);
    }
    if (config.database.sync === 'migrate') {
      const { applied } = await migrateToLatest(db, defaultMigrationsDir(configPaths));
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }

    observeKernel(kernel, logger, metrics);
    queue = options.backend ?? backendOf(config);
    const backend = observeQueueBackend(queue, { logger });
    const jobs = new JobRuntime({
      kernel,
      backend,
      jobs: [...declarations.jobs.keys()],
      callbacks: declarations.callbacks,
      groupCallbacks: declarations.groupCallbacks,
      overrides: config.jobs.overrides,
    });
    observeJobs(jobs, metrics);
    return {
      config,
      declarations,
      db,
      kernel,
      jobs,
      backend,
      logger,
      metrics,
      async close() {
        await jobs.close();
        await backend.close();
        // Services may still hold the database (a repository, a pool of their own): before it closes.
        await services
          .close()
          .catch((error: unknown) => logger.error({ err: error }, 'closing services failed'));
        await cache?.close();
        await db.close();
        // Last: the spans of the shutdown itself are exported too.
        await telemetry?.shutdown();
      },
    };
  } catch (error) {
    await services.close().catch(() => {});
    await queue?.close().catch(() => {});
    await cache?.close().catch(() => {});
    await db.close().catch(() => {});
    await telemetry?.shutdown().catch(() => {});
    throw error;
  }
}

/** The repository read cache the `cache:` section asks for, counted in `loom_cache_events_total`. */
function cacheOf(config: LoomConfig, metrics: Metrics, logger: Logger): RepositoryCache | undefined {
  const c = config.cache;
  // Reads fall back to the database when the store fails; say so, at most once per 10 s.
  let lastLogged = 0;
  const storeError = (error: unknown) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger.warn({ err: error }, 'cache: the store is unavailable, reads go to the database until it answers');
  };
  const { backend, redisUrl, keyPrefix } = cacheChoice(config);
  const count = (entity: string, event: string) => metrics.cacheEvents.inc({ entity, event });
  return repositoryCacheFromConfig(
    {
      enabled: c.enabled,
      backend,
      ...(redisUrl === undefined ? {} : { redisUrl }),
      defaultTtl: c.ttlSeconds,
      defaultListTtl: c.ttlSeconds,
      maxSize: c.maxEntries,
      keyPrefix,
      ttl: c.ttl,
    },
    {
      hit: (entity) => count(entity, 'hit'),
      miss: (entity) => count(entity, 'miss'),
      bypass: (entity) => count(entity, 'bypass'),
      invalidation: (table) => count(table, 'invalidation'),
      storeError,
    },
  );
}
