import { randomUUID } from 'node:crypto';
import { observeJobs } from '../../../src/app/observe-assembly.ts';
import type { Database } from '../../../src/db/database.ts';
import type { Consumer, QueueBackend } from '../../../src/job/backends/index.ts';
import { type JobEvent, type JobOverrides, JobRuntime } from '../../../src/job/job-runtime.ts';
import { outboxBacklog } from '../../../src/job/outbox.ts';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.ts';
import { Kernel } from '../../support/internals.ts';
import { CALLBACKS, JOBS, Product, USE_CASES } from './declarations.ts';

/** The config overrides every suite runtime gets (`jobs.overrides` in YAML). */
export const OVERRIDES: JobOverrides = { Overridable: { queue: 'critical', retries: 3, backoffMs: 5 } };

/** One application process: kernel, job runtime (relay started, consuming every queue), events, metrics. */
export interface Harness {
  readonly db: Database;
  readonly kernel: Kernel;
  readonly runtime: JobRuntime;
  readonly events: JobEvent[];
  readonly metrics: Metrics;
  close(): Promise<void>;
}

/** Builds and starts a {@link Harness} on `db` with `backend`. */
export function startHarness(db: Database, backend: QueueBackend): Harness {
  const kernel = new Kernel({ db, cursorSecret: 'job-suite-cursor-secret' });
  kernel.compile(USE_CASES);
  const runtime = new JobRuntime({
    kernel,
    backend,
    jobs: JOBS,
    callbacks: CALLBACKS,
    overrides: OVERRIDES,
    relay: { pollMs: 100, maxRetryMs: 300 },
  });
  const events: JobEvent[] = [];
  runtime.onEvent((e) => void events.push(e));
  const metrics = createMetrics({ outboxBacklog: () => outboxBacklog(db) });
  observeJobs(runtime, metrics);
  runtime.start();
  const consumer: Consumer = runtime.consume({ concurrency: 4 });
  return {
    db,
    kernel,
    runtime,
    events,
    metrics,
    async close() {
      await consumer.close({ timeoutMs: 5_000 });
      await runtime.close();
      await backend.close();
    },
  };
}

/** A fresh key for one test. */
export const keyOf = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

export async function createProduct(kernel: Kernel, key: string, stock = 0): Promise<{ id: number }> {
  return kernel.entity(Product).create({ key, stock });
}

export interface CallbackRow {
  readonly kind: string;
  readonly jobId: string;
  readonly detail: unknown;
}

/** The committed callback rows of a key, oldest first, details parsed. */
export async function callbackRows(db: Database, key: string): Promise<CallbackRow[]> {
  const rows = await db.kysely
    .selectFrom('job_callback_runs')
    .select(['outcome', 'job_id', 'detail'])
    .where('key', '=', key)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    kind: String(r.outcome),
    jobId: String(r.job_id),
    detail: JSON.parse(String(r.detail)),
  }));
}

/** The committed job runs of a key (their `detail` is the attempt number). */
export async function jobRuns(db: Database, key: string): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('job_runs')
    .select('detail')
    .where('key', '=', key)
    .orderBy('id')
    .execute();
  return rows.map((r) => String(r.detail));
}

/** Outbox rows whose message mentions `key`. */
export async function outboxRowsOf(db: Database, key: string): Promise<number> {
  const rows = await db.kysely
    .selectFrom('loom_outbox')
    .select('id')
    .where('message', 'like', `%${key}%`)
    .execute();
  return rows.length;
}

/** Polls `probe` every 20 ms until it returns a value (not undefined), at most `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until `key` has `count` committed callback rows, and returns them. */
export function callbacksOf(
  db: Database,
  key: string,
  count = 1,
  timeoutMs = 10_000,
): Promise<CallbackRow[]> {
  return until(
    `${count} callback row(s) of ${key}`,
    async () => {
      const rows = await callbackRows(db, key);
      return rows.length >= count ? rows : undefined;
    },
    timeoutMs,
  );
}
