import {
  callbacks,
  createBullmqBackend,
  JobRuntime,
  job,
  Kernel,
  OutboxEntry,
  openDatabase,
  syncSchema,
  t,
  useCase,
} from '../../packages/loom/test/support/internals.ts';
import {
  adminQuery,
  type BenchOptions,
  completionCounter,
  cpuClock,
  dispatchAll,
  dropRedisPrefix,
  latencyRecorder,
  type RunResult,
  uniqueName,
} from './bench-setup.ts';

/** BENCH_JOBS_VERBOSE=1: print the SQL statements of each run by kind, with their mean duration. */
const verbose = process.env.BENCH_JOBS_VERBOSE === '1';

/** Counts what the declarations below report; replaced per run. */
let onDone: (n: number) => void = () => {};

const Noop = job({
  name: 'Noop',
  queue: 'bench',
  params: { n: t.Integer() },
  execute: ({ params }) => params.n,
});

const NoopCallbacks = callbacks(Noop, {
  name: 'NoopCallbacks',
  onSuccess: ({ context }) => onDone(context.params.n),
});

/** What an HTTP handler would run: a use case (one transaction) that dispatches the job. */
const DispatchNoop = useCase(null, {
  name: 'DispatchNoop',
  params: { n: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Noop, { params, callbacks: NoopCallbacks }),
});

const DispatchNoopBare = useCase(null, {
  name: 'DispatchNoopBare',
  params: { n: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Noop, { params }),
});

/**
 * Loom: a use case dispatches (outbox row in its transaction) → the relay publishes to BullMQ → the
 * worker runs the job in a transaction that also writes the success callback's outbox row → the relay
 * publishes the callback → the worker runs it (its own transaction), which counts. One process, one
 * JobRuntime (dispatching and consuming), PostgreSQL in a schema of its own. `withCallback: false`
 * counts the job's own completion instead (no callback row, no second job).
 */
export async function runLoom(options: BenchOptions, withCallback: boolean): Promise<RunResult> {
  const schema = uniqueName('bench_jobs');
  const prefix = uniqueName('benchjobs_loom');
  await adminQuery(options.databaseUrl, `create schema ${schema}`);
  const db = openDatabase({
    dialect: 'postgres',
    connectionString: options.databaseUrl,
    searchPath: schema,
    poolSize: 10,
    // As an application opens it (config `database.preparedStatements` defaults to true): the outbox
    // INSERT and DELETE are parsed once per connection.
    preparedStatements: process.env.BENCH_JOBS_UNPREPARED !== '1',
  });
  const backend = createBullmqBackend({ url: options.redisUrl, prefix });
  const kernel = new Kernel({ db, cursorSecret: 'bench-jobs-cursor-secret' });
  const runtime = new JobRuntime({ kernel, backend, jobs: [Noop], callbacks: [NoopCallbacks] });
  const done = completionCounter();
  const latency = latencyRecorder();
  if (withCallback)
    onDone = (n) => {
      latency.done(n);
      done.increment();
    };
  else runtime.onEvent((e) => e.type === 'succeeded' && e.name === 'Noop' && done.increment());
  const dispatcher = withCallback ? DispatchNoop : DispatchNoopBare;
  const dispatch = (n: number) => {
    latency.start(n);
    return kernel.invoke(dispatcher, { params: { n } });
  };
  let statements = 0;
  try {
    await syncSchema(db, [OutboxEntry]);
    kernel.compile([DispatchNoop, DispatchNoopBare]);
    runtime.start();
    const consumer = runtime.consume({ concurrency: options.concurrency });
    await dispatchAll(0, options.warmup, options.dispatchers, dispatch);
    await done.reached(options.warmup);
    latency.reset();
    const byKind = new Map<string, { n: number; ms: number }>();
    db.onStatement((text, ms) => {
      statements++;
      if (!verbose) return;
      const kind = text.trimStart().split(/\s/, 1)[0]?.toLowerCase() ?? '?';
      const k = byKind.get(kind) ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += ms;
      byKind.set(kind, k);
    });
    const total = options.warmup + options.jobs;
    const t0 = performance.now();
    const cpu = cpuClock();
    await dispatchAll(options.warmup, total, options.dispatchers, dispatch);
    const dispatchMs = performance.now() - t0;
    await done.reached(total);
    const elapsedMs = performance.now() - t0;
    const cpuMs = cpu.elapsed();
    if (verbose)
      for (const [kind, k] of byKind)
        console.log(`  ${kind}: ${k.n} statements, ${(k.ms / k.n).toFixed(2)} ms each (sent → result)`);
    await consumer.close();
    return {
      name: withCallback ? 'loom (job + onSuccess callback)' : 'loom (job, no callback)',
      jobs: options.jobs,
      elapsedMs,
      dispatchMs,
      cpuMs,
      statementsPerJob: statements / options.jobs,
      ...(withCallback ? latency.percentiles() : {}),
    };
  } finally {
    onDone = () => {};
    await runtime.close();
    await backend.close();
    await db.close();
    await adminQuery(options.databaseUrl, `drop schema if exists ${schema} cascade`);
    await dropRedisPrefix(options.redisUrl, prefix);
  }
}
