import {
  createBullmqBackend,
  JobRuntime,
  Kernel,
  OutboxEntry,
  openDatabase,
  syncSchema,
} from '../../packages/loom/test/support/internals.ts';
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
import {
  DispatchNoop,
  DispatchNoopBare,
  Noop,
  NoopCallbacks,
  noopCompletions,
  WriteAndDispatchNoop,
} from './declarations.ts';

/** BENCH_JOBS_VERBOSE=1: print the SQL statements of each run by kind, with their mean duration. */
const verbose = process.env.BENCH_JOBS_VERBOSE === '1';

/** What the dispatching use case does, and what counts as done. */
export type LoomVariant =
  /** Dispatches only (it writes nothing: published straight to BullMQ); done at the job's success. */
  | 'bare'
  /** Dispatches only, with an onSuccess callback; done when the callback ran. The headline row. */
  | 'callback'
  /** Inserts a row and dispatches with the callback: the message is an outbox row in its transaction. */
  | 'writes';

const variantNames: Record<LoomVariant, string> = {
  bare: 'loom kernel (job, no callback)',
  callback: 'loom kernel (job + onSuccess callback)',
  writes: 'loom kernel (use case writes; outbox)',
};

/**
 * Loom: a use case dispatches → BullMQ (straight when the use case wrote nothing, else through the
 * outbox row committed with its write and published from memory after the commit) → the worker runs the
 * job and, in the job's slot, its success callback, which counts. One process, one JobRuntime
 * (dispatching and consuming), PostgreSQL in a schema of its own. `bare` counts the job's own
 * completion instead (no callback).
 */
export async function runLoom(options: BenchOptions, variant: LoomVariant): Promise<RunResult> {
  const withCallback = variant !== 'bare';
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
    noopCompletions.listen((n) => {
      latency.done(n);
      done.increment();
    });
  else runtime.onEvent((e) => e.type === 'succeeded' && e.name === 'Noop' && done.increment());
  const dispatcher =
    variant === 'bare' ? DispatchNoopBare : variant === 'writes' ? WriteAndDispatchNoop : DispatchNoop;
  const dispatch = (n: number) => {
    latency.start(n);
    return kernel.invoke(dispatcher, { params: { n } });
  };
  let statements = 0;
  try {
    await syncSchema(db, [OutboxEntry]);
    await adminQuery(options.databaseUrl, `create table ${schema}.bench_touch (n integer primary key)`);
    kernel.compile([DispatchNoop, DispatchNoopBare, WriteAndDispatchNoop]);
    runtime.start();
    const consumer = runtime.consume({ concurrency: options.concurrency });
    const byKind = new Map<string, { n: number; ms: number }>();
    const clocks = await timedRun(options, dispatch, done, latency, () =>
      db.onStatement((text, ms) => {
        statements++;
        if (!verbose) return;
        const kind = text.trimStart().split(/\s/, 1)[0]?.toLowerCase() ?? '?';
        const k = byKind.get(kind) ?? { n: 0, ms: 0 };
        k.n++;
        k.ms += ms;
        byKind.set(kind, k);
      }),
    );
    if (verbose)
      for (const [kind, k] of byKind)
        console.log(`  ${kind}: ${k.n} statements, ${(k.ms / k.n).toFixed(2)} ms each (sent → result)`);
    await consumer.close();
    return {
      name: variantNames[variant],
      jobs: options.jobs,
      ...clocks,
      statementsPerJob: statements / options.jobs,
      ...(withCallback ? latency.percentiles() : {}),
    };
  } finally {
    noopCompletions.reset();
    await runtime.close();
    await backend.close();
    await db.close();
    await adminQuery(options.databaseUrl, `drop schema if exists ${schema} cascade`);
    await dropRedisPrefix(options.redisUrl, prefix);
  }
}
