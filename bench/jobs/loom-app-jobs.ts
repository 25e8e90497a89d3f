import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp, createWorker } from '../../packages/loom/test/support/internals.ts';
import {
  adminQuery,
  type BenchOptions,
  completionCounter,
  dropRedisPrefix,
  latencyRecorder,
  type RunResult,
  timedRun,
  uniqueName,
} from './bench-setup.ts';
import { DispatchNoop, noopCompletions } from './declarations.ts';

/** The app's config: BullMQ backend, production defaults (app/jobs.yaml). */
const JOBS_CONFIG = fileURLToPath(new URL('./app/jobs.yaml', import.meta.url));
/** Where each run's log lines go (git-ignored): the app logs one info line per job attempt. */
const LOG_DIR = fileURLToPath(new URL('../results/jobs/', import.meta.url));

/** A PostgreSQL URL whose connections use `schema` (libpq's `options`, which pg reads from the URL). */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/**
 * Loom as users run it: `createApp` from `app/jobs.yaml` (the API side) invokes the dispatching use case,
 * `createWorker` from the same file consumes the queue and runs the job and its success callback, which
 * counts. Everything a deployment gets is on: the job observer (one info log line per attempt, written
 * synchronously to a file like a process's stdout, the job metrics, trace ids), the API's use-case
 * observation, prepared statements, the outbox relay. API and worker share this process (as BullMQ
 * direct's queue and worker share theirs), each with its own pool and Redis connections. The log lines
 * go to `logFile` (default: a new file under bench/results/jobs/).
 */
export async function runLoomApp(
  options: BenchOptions,
  logFile: string = `${LOG_DIR}${uniqueName('benchjobs_app')}.log`,
): Promise<RunResult> {
  const schema = uniqueName('bench_jobs_app');
  const prefix = uniqueName('benchjobs_app');
  await adminQuery(options.databaseUrl, `create schema ${schema}`);
  process.env.LOOM_BENCH_JOBS_DATABASE_URL = withSearchPath(options.databaseUrl, schema);
  process.env.LOOM_BENCH_JOBS_REDIS_URL = options.redisUrl;
  process.env.LOOM_BENCH_JOBS_PREFIX = prefix;
  process.env.LOOM_BENCH_JOBS_CONCURRENCY = String(options.concurrency);
  mkdirSync(dirname(logFile), { recursive: true });
  const destination = pino.destination({ dest: logFile, sync: true });
  const logger = pino({ level: 'info', name: 'loom-bench-jobs' }, destination);
  const done = completionCounter();
  const latency = latencyRecorder();
  noopCompletions.listen((n) => {
    latency.done(n);
    done.increment();
  });
  const app = await createApp({ config: [JOBS_CONFIG], logger });
  let worker: Awaited<ReturnType<typeof createWorker>> | undefined;
  let statements = 0;
  try {
    worker = await createWorker({ config: [JOBS_CONFIG], logger });
    worker.start();
    const dispatch = (n: number) => {
      latency.start(n);
      return app.loom.kernel.invoke(DispatchNoop, { params: { n } });
    };
    const clocks = await timedRun(options, dispatch, done, latency, () => {
      app.loom.db.onStatement(() => statements++);
      worker?.assembly.db.onStatement(() => statements++);
    });
    return {
      name: 'loom via createApp + createWorker',
      jobs: options.jobs,
      ...clocks,
      statementsPerJob: statements / options.jobs,
      ...latency.percentiles(),
    };
  } finally {
    noopCompletions.reset();
    await worker?.stop({ timeoutMs: 10_000 });
    await app.close();
    destination.flushSync();
    destination.end();
    await adminQuery(options.databaseUrl, `drop schema if exists ${schema} cascade`);
    await dropRedisPrefix(options.redisUrl, prefix);
  }
}
