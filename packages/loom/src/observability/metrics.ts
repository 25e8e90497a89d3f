import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { PoolStats } from '../db/database.ts';
import { SeriesCounter, SeriesHistogram } from './series-metrics.ts';

/** Where the gauges read their values at scrape time. */
export interface MetricSources {
  /** Rows waiting in the outbox. */
  readonly outboxBacklog?: () => Promise<number>;
  /** The database pool's connections (`db.poolStats()`). */
  readonly dbPool?: () => PoolStats;
}

/**
 * The Prometheus metrics of one application, on its own registry (no global state): HTTP requests,
 * use-case calls, jobs, the outbox backlog and database pool, plus the process defaults. The counters
 * and histograms observed per request or job find their series without building a label key
 * (`series-metrics.ts`).
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ outboxBacklog: () => outboxBacklog(db), dbPool: () => db.poolStats() });
 * metrics.useCaseDuration.observe({ use_case: 'CreateUser', outcome: 'success', error_kind: 'none' }, 0.004);
 * const text = await metrics.registry.metrics();
 * ```
 */
export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpRequestDuration: new SeriesHistogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets,
      registers: [registry],
    }),
    useCaseDuration: new SeriesHistogram({
      name: 'loom_use_case_duration_seconds',
      help: 'Use-case duration by name, outcome (success, rule_failure, failure) and error kind (the LOOM_* code, "unexpected" for any other error, "none")',
      labelNames: ['use_case', 'outcome', 'error_kind'] as const,
      buckets,
      registers: [registry],
    }),
    jobEvents: new SeriesCounter({
      name: 'loom_jobs_total',
      help: 'Job lifecycle events by job, queue and event (dispatched, started, succeeded, failed, retried)',
      labelNames: ['job', 'queue', 'event'] as const,
      registers: [registry],
    }),
    jobDuration: new SeriesHistogram({
      name: 'loom_job_duration_seconds',
      help: 'Job attempt duration by job, queue and outcome',
      labelNames: ['job', 'queue', 'outcome'] as const,
      buckets,
      registers: [registry],
    }),
    cacheEvents: new SeriesCounter({
      name: 'loom_cache_events_total',
      help: 'Repository cache events by entity/table and event (hit, miss, bypass, invalidation)',
      labelNames: ['entity', 'event'] as const,
      registers: [registry],
    }),
    outboxBacklog: new Gauge({
      name: 'loom_outbox_backlog',
      help: 'Dispatched jobs waiting in the outbox to be published',
      registers: [registry],
      async collect() {
        if (sources.outboxBacklog) this.set(await sources.outboxBacklog().catch(() => 0));
      },
    }),
    dbPool: new Gauge({
      name: 'loom_db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting); SQLite reports its one connection',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        if (!sources.dbPool) return;
        const stats = sources.dbPool();
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
