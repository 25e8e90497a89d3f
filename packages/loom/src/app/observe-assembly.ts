import { currentCallContext, givenOrAmbient } from '../context/call-context.ts';
import type { Database } from '../db/database.ts';
import { LoomError } from '../errors/index.ts';
import type { JobRuntime } from '../job/job-runtime.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { Metrics } from '../observability/metrics.ts';
import { traceStatements } from '../observability/statement-spans.ts';
import type { Logger } from '../use-case/services.ts';

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Wires the observability hooks of an assembled application: lost idle database connections logged at
 * warn; SQL statements logged at debug (with the
 * call's trace id) when `logStatements` is on and traced as spans; every use-case call logged at debug
 * (trace id, name, outcome, duration) and timed in `loom_use_case_duration_seconds`; job events counted
 * in `loom_jobs_total` and attempts timed in `loom_job_duration_seconds`. Job log lines and job spans
 * come from the observed queue backend (`observeQueueBackend`), request ones from `observeHttp`.
 *
 * @example
 * ```ts
 * observeDatabase(db, logger, config.database.logStatements);
 * observeKernel(kernel, logger, metrics);
 * observeJobs(jobs, metrics);
 * ```
 */
export function observeDatabase(db: Database, logger: Logger, logStatements: boolean): void {
  db.onConnectionError((error) => logger.warn({ err: error }, 'database connection lost'));
  if (logStatements) {
    db.onStatement((sql, ms) => {
      const traceId = currentCallContext()?.traceId;
      logger.debug({ ...(traceId === undefined ? {} : { traceId }), sql, durationMs: round(ms) }, 'sql');
    });
  }
  traceStatements(db);
}

/** Use-case calls: a debug line each and the duration histogram. See {@link observeDatabase}. */
export function observeKernel(kernel: Kernel, logger: Logger, metrics: Metrics): void {
  kernel.observeCalls((plan, outcome, ms, error, context) => {
    metrics.useCaseDuration.observe(
      { use_case: plan.name, outcome, error_kind: errorKindOf(outcome, error) },
      ms / 1000,
    );
    // The line is built only when it is written: at the default info level, every call skips it.
    if (!debugEnabled(logger)) return;
    const call = givenOrAmbient(context);
    const traceId = call?.traceId;
    const subject = call?.identity?.subject;
    const line = {
      ...(traceId === undefined ? {} : { traceId }),
      ...(subject === undefined ? {} : { subject }),
      useCase: plan.name,
      outcome,
      durationMs: round(ms),
      ...(outcome === 'failure' ? { err: error } : {}),
    };
    logger.debug(line, 'use case');
  });
}

/** Whether `logger` writes debug lines now (pino: its current level; any other logger: yes). */
function debugEnabled(logger: Logger): boolean {
  const check = (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled;
  return check === undefined || check.call(logger, 'debug');
}

/**
 * The `error_kind` label of a call: its catalogue code (`LOOM_NOT_FOUND`, …: a bounded set), `unexpected`
 * for any other error (a bug or an outage the catalogue did not map), `none` on success.
 */
function errorKindOf(outcome: string, error: unknown): string {
  if (outcome === 'success') return 'none';
  return error instanceof LoomError ? error.code : 'unexpected';
}

/** Job lifecycle events into the job metrics. See {@link observeDatabase}. */
export function observeJobs(jobs: JobRuntime, metrics: Metrics): void {
  jobs.onEvent((e) => {
    metrics.jobEvents.inc({ job: e.name, queue: e.queue, event: e.type });
    if ('durationMs' in e) {
      metrics.jobDuration.observe({ job: e.name, queue: e.queue, outcome: e.type }, e.durationMs / 1000);
    }
  });
}
