import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { LoomConfig } from '../config/index.ts';
import { loadConfig } from '../config/index.ts';
import type { Database } from '../db/database.ts';
import { syncSchema } from '../db/schema-sync.ts';
import { createBullmqBackend, createEagerBackend, createInProcessBackend, type QueueBackend } from '../job/backends/index.ts';
import { JobRuntime } from '../job/job-runtime.ts';
import { OutboxEntry, outboxBacklog } from '../job/outbox.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import type { Logger } from '../use-case/services.ts';
import type { Declarations } from './declarations.ts';
import { discover } from './discovery.ts';
import { Kernel } from './kernel.ts';
import { openConfiguredDatabase } from './open-database.ts';

/** Everything an API process or a worker is made of, assembled from config and declarations. */
export interface Assembly {
  readonly config: LoomConfig;
  readonly declarations: Declarations;
  readonly db: Database;
  readonly kernel: Kernel;
  readonly jobs: JobRuntime;
  readonly backend: QueueBackend;
  readonly logger: Logger;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

function backendOf(config: LoomConfig): QueueBackend {
  const jobs = config.jobs;
  if (jobs.backend === 'bullmq') return createBullmqBackend({ url: jobs.redisUrl ?? 'redis://127.0.0.1:6379' });
  if (jobs.backend === 'eager') return createEagerBackend();
  return createInProcessBackend();
}

/**
 * Loads config, discovers declarations, opens the database, builds the kernel (custom repositories,
 * every plan compiled — declaration mistakes fail here), syncs the schema and wires jobs, logs and
 * metrics. Shared by `createApp` and `createWorker`.
 */
export async function assemble(configPaths: readonly string[], overrides?: Partial<{ declarations: Declarations }>): Promise<Assembly> {
  if (configPaths.length === 0) throw new Error('createApp: pass at least one config file');
  const config = await loadConfig(...configPaths);
  const logger = createLogger({ level: config.logger.level, pretty: config.logger.pretty, name: config.app.name });
  const baseDir = dirname(resolve(configPaths[0]!));
  const declarations =
    overrides?.declarations ??
    (await discover({
      mode: config.app.discovery.mode,
      modules: config.app.discovery.modules,
      manifest: config.app.discovery.manifest,
      baseDir,
    }));
  const db = openConfiguredDatabase(config);
  if (config.database.logStatements) db.onStatement((sql, ms) => logger.debug({ sql, ms }, 'sql'));
  const cursorSecret = config.app.cursorSecret ?? randomBytes(24).toString('hex');
  if (!config.app.cursorSecret) {
    logger.warn('app.cursorSecret is not set: cursors are signed with a per-process key and die with the process');
  }
  const kernel = new Kernel({ db, cursorSecret, logger, repositories: declarations.repositories });
  for (const [u, name] of declarations.useCases) kernel.name(u, name);
  for (const [j, name] of declarations.jobs) kernel.name(j, name);
  kernel.compile(declarations.useCases.keys());

  if (config.database.sync === 'create') await syncSchema(db, [...declarations.models, OutboxEntry]);

  const metrics = createMetrics({ outboxBacklog: () => outboxBacklog(db) });
  kernel.observeCalls((plan, outcome, ms, error) => {
    metrics.useCaseDuration.observe({ use_case: plan.name, outcome }, ms / 1000);
    if (outcome === 'failure') logger.debug({ useCase: plan.name, ms, err: error }, 'use case failed');
  });
  const backend = backendOf(config);
  const jobs = new JobRuntime({
    kernel,
    backend,
    jobs: [...declarations.jobs.keys()],
    callbacks: declarations.callbacks,
    overrides: config.jobs.overrides,
  });
  jobs.onEvent((e) => {
    metrics.jobEvents.inc({ job: e.name, queue: e.queue, event: e.type });
    if ('durationMs' in e) metrics.jobDuration.observe({ job: e.name, queue: e.queue, outcome: e.type }, e.durationMs / 1000);
  });
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
      await db.close();
    },
  };
}
