import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { serverCpuClock } from '../process-cpu.ts';

/** What one run measures, whatever runs the jobs. */
export interface RunResult {
  readonly name: string;
  readonly jobs: number;
  /** Start of dispatching → the last job's completion (or its success callback), ms. */
  readonly elapsedMs: number;
  /** Start of dispatching → the last dispatch call returned, ms. */
  readonly dispatchMs: number;
  /** SQL statements per job (loom only; BEGIN/COMMIT included). */
  readonly statementsPerJob?: number;
  /** Dispatch call started → that job done (its callback, when it has one): median and 99th percentile, ms. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** CPU time (user + system) of this process from the first dispatch to the last completion, ms. */
  readonly cpuMs: number;
  /** The same for every PostgreSQL process of the machine (server and backends), ms. */
  readonly postgresCpuMs: number;
  /** The same for the Redis server, ms. */
  readonly redisCpuMs: number;
}

/** Per-job dispatch-to-done latencies, keyed by the job's number. */
export function latencyRecorder() {
  const started = new Map<number, number>();
  const took: number[] = [];
  return {
    start(n: number): void {
      started.set(n, performance.now());
    },
    done(n: number): void {
      const t0 = started.get(n);
      if (t0 === undefined) return;
      started.delete(n);
      took.push(performance.now() - t0);
    },
    reset(): void {
      took.length = 0;
    },
    percentiles(): { p50Ms: number; p99Ms: number } {
      const s = [...took].sort((a, b) => a - b);
      const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
      return { p50Ms: at(0.5), p99Ms: at(0.99) };
    },
  };
}

export interface BenchOptions {
  readonly jobs: number;
  readonly warmup: number;
  /** Jobs run at once by the worker (BullMQ `concurrency`, loom's `consume({ concurrency })`). */
  readonly concurrency: number;
  /** Dispatch calls in flight at once (like concurrent requests). */
  readonly dispatchers: number;
  readonly redisUrl: string;
  readonly databaseUrl: string;
}

export const jobsPerSecond = (r: RunResult): number => (r.jobs * 1000) / r.elapsedMs;

/** CPU time of this process per job, µs. */
export const cpuMicrosPerJob = (r: RunResult): number => (r.cpuMs * 1000) / r.jobs;

/** CPU time of PostgreSQL and of Redis per job, µs. */
export const serverMicrosPerJob = (r: RunResult): { postgres: number; redis: number } => ({
  postgres: (r.postgresCpuMs * 1000) / r.jobs,
  redis: (r.redisCpuMs * 1000) / r.jobs,
});

/**
 * A CPU clock of this process and of the servers it talks to: `elapsed()` is the CPU time (user +
 * system) each used since `cpuClock()`, ms.
 */
export function cpuClock(): { elapsed(): { cpuMs: number; postgresCpuMs: number; redisCpuMs: number } } {
  const start = process.cpuUsage();
  const postgres = serverCpuClock('postgres');
  const redis = serverCpuClock('redis-server');
  return {
    elapsed() {
      const d = process.cpuUsage(start);
      return {
        cpuMs: (d.user + d.system) / 1000,
        postgresCpuMs: postgres.elapsedMs(),
        redisCpuMs: redis.elapsedMs(),
      };
    },
  };
}

/** A fresh name for Redis key prefixes and PostgreSQL schemas. */
export const uniqueName = (label: string): string => `${label}_${randomBytes(4).toString('hex')}`;

/** Calls `dispatch(i)` for i in [from, to) with `dispatchers` calls in flight. */
export async function dispatchAll(
  from: number,
  to: number,
  dispatchers: number,
  dispatch: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = from;
  const lane = async (): Promise<void> => {
    while (next < to) {
      const i = next++;
      await dispatch(i);
    }
  };
  await Promise.all(Array.from({ length: dispatchers }, lane));
}

/** What {@link timedRun} measured: the clocks of a {@link RunResult}. */
export type RunClocks = Pick<
  RunResult,
  'elapsedMs' | 'dispatchMs' | 'cpuMs' | 'postgresCpuMs' | 'redisCpuMs'
>;

/**
 * The measurement every row shares: `warmup` jobs dispatched and awaited, the latencies reset, then
 * `startMeasuring()` (e.g. start counting statements), then `jobs` more dispatched and awaited with the
 * wall clock and the CPU clocks running from the first dispatch to the last completion.
 */
export async function timedRun(
  options: BenchOptions,
  dispatch: (i: number) => Promise<unknown>,
  done: ReturnType<typeof completionCounter>,
  latency: ReturnType<typeof latencyRecorder>,
  startMeasuring: () => void = () => {},
): Promise<RunClocks> {
  await dispatchAll(0, options.warmup, options.dispatchers, dispatch);
  await done.reached(options.warmup);
  latency.reset();
  startMeasuring();
  const total = options.warmup + options.jobs;
  const t0 = performance.now();
  const cpu = cpuClock();
  await dispatchAll(options.warmup, total, options.dispatchers, dispatch);
  const dispatchMs = performance.now() - t0;
  await done.reached(total);
  const elapsedMs = performance.now() - t0;
  return { elapsedMs, dispatchMs, ...cpu.elapsed() };
}

/** A counter that resolves `reached(n)` once it got there. */
export function completionCounter() {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    get count() {
      return count;
    },
    increment(): void {
      count++;
      for (const w of waiters.filter((x) => x.n <= count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    reached(n: number, timeoutMs = 120_000): Promise<void> {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${count}/${n} jobs done after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

/** Deletes every Redis key under `prefix`. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Runs one statement on a connection of its own (schema creation and removal). */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
