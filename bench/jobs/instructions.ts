/**
 * Instructions per end-to-end job (a use case dispatches → the job runs → its onSuccess callback runs),
 * loom on PostgreSQL + BullMQ, counted by valgrind's callgrind over the whole process. The count moves
 * little with what else the machine runs, unlike CPU time, so it is the figure to compare two versions
 * of loom with on a shared machine (bench/jobs/ANALYSIS.md).
 *
 *   node bench/jobs/instructions.ts                       this checkout
 *   node bench/jobs/instructions.ts . /tmp/base           this checkout, then another one (an exported main)
 *
 * env: INSTR_JOBS (1000 counted), INSTR_JOB_WARMUP (300), REDIS_URL, BENCH_DATABASE_URL / DATABASE_URL.
 *
 * Each checkout's loom runs in a child (`node --single-threaded` under callgrind, counting off); after the
 * warm-up the parent switches counting on, the child runs the counted jobs, and the parent dumps the count.
 * Caveats: under valgrind a job takes ~50× longer while PostgreSQL and Redis answer at full speed, so
 * batches (grouped INSERTs, `addBulk`) are smaller than in the real benchmark and time-driven work (the
 * relay's poll and delete timers) is over-counted alike on both sides; kernel time is not counted. How
 * many dispatches share an INSERT or an `addBulk` depends on timing, so the count still moves with the
 * machine's load by several percent: compare checkouts run back to back at similar load.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { databaseUrl } from '../db-url.ts';

type Internals = typeof import('../../packages/loom/test/support/internals.ts');
type Setup = typeof import('./bench-setup.ts');

const positive = (name: string, fallback: number): number => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};
const jobs = positive('INSTR_JOBS', 1000);
const warmup = positive('INSTR_JOB_WARMUP', 300);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The child: loom of checkout `root`, paused on stdin after the warm-up and after the counted jobs. */
async function child(root: string): Promise<void> {
  const L = (await import(join(root, 'packages/loom/test/support/internals.ts'))) as Internals;
  const S = (await import(join(root, 'bench/jobs/bench-setup.ts'))) as Setup;
  const url = databaseUrl();
  let onDone = (): void => {};
  const Noop = L.job({
    name: 'Noop',
    queue: 'bench',
    params: { n: L.t.Integer() },
    execute: ({ params }) => params.n,
  });
  const NoopCallbacks = L.callbacks(Noop, { name: 'NoopCallbacks', onSuccess: () => onDone() });
  const DispatchNoop = L.useCase(null, {
    name: 'DispatchNoop',
    params: { n: L.t.Integer() },
    execute: ({ params, jobs }) => jobs.dispatch(Noop, { params, callbacks: NoopCallbacks }),
  });
  const schema = S.uniqueName('bench_jobs_instr');
  const prefix = S.uniqueName('benchjobs_instr');
  await S.adminQuery(url, `create schema ${schema}`);
  const db = L.openDatabase({
    dialect: 'postgres',
    connectionString: url,
    searchPath: schema,
    poolSize: 10,
    preparedStatements: true,
  });
  const backend = L.createBullmqBackend({ url: redisUrl, prefix });
  const kernel = new L.Kernel({ db, cursorSecret: 'bench-jobs-cursor-secret' });
  const runtime = new L.JobRuntime({ kernel, backend, jobs: [Noop], callbacks: [NoopCallbacks] });
  const done = S.completionCounter();
  onDone = () => done.increment();
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  try {
    await L.syncSchema(db, [L.OutboxEntry]);
    kernel.compile([DispatchNoop]);
    runtime.start();
    const consumer = runtime.consume({ concurrency: 16 });
    const dispatch = (n: number) => kernel.invoke(DispatchNoop, { params: { n } });
    await S.dispatchAll(0, warmup, 16, dispatch);
    await done.reached(warmup, 600_000);
    process.stdout.write('WARM\n');
    await lines.next();
    await S.dispatchAll(warmup, warmup + jobs, 16, dispatch);
    await done.reached(warmup + jobs, 600_000);
    process.stdout.write('DONE\n');
    await lines.next();
    await consumer.close();
  } finally {
    await runtime.close();
    await backend.close();
    await db.close();
    await S.adminQuery(url, `drop schema if exists ${schema} cascade`);
    await S.dropRedisPrefix(redisUrl, prefix);
  }
}

/** Instructions per job of checkout `root`. */
async function count(root: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'jobs-instr-'));
  const proc = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all',
      `--callgrind-out-file=${join(dir, 'out')}`,
      process.execPath,
      '--single-threaded',
      fileURLToPath(import.meta.url),
      '--child',
      root,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: join(root, 'bench') },
  );
  let output = '';
  const exited = new Promise<number | null>((res) => proc.once('exit', res));
  const next = (word: string): Promise<void> =>
    new Promise((res, rej) => {
      const check = (): boolean => {
        const at = output.indexOf(`${word}\n`);
        if (at === -1) return false;
        output = output.slice(at + word.length + 1);
        return true;
      };
      if (check()) return res();
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (!check()) return;
        proc.stdout.off('data', onData);
        res();
      };
      proc.stdout.on('data', onData);
      void exited.then((code) => rej(new Error(`${root}: the child exited (${code}) before ${word}`)));
    });
  const control = (arg: string) =>
    execFileSync('callgrind_control', [arg, String(proc.pid)], { stdio: 'ignore' });
  try {
    await next('WARM');
    control('--instr=on');
    proc.stdin.write('go\n');
    await next('DONE');
    control('--dump');
    control('--instr=off');
    proc.stdin.write('end\n');
    await exited;
    const dump = readdirSync(dir).find((f) => f.endsWith('.1'));
    const summary =
      dump === undefined ? null : /^summary: (\d+)$/m.exec(readFileSync(join(dir, dump), 'utf8'));
    if (summary === null) throw new Error(`${root}: callgrind wrote no summary`);
    return Number(summary[1]) / jobs;
  } finally {
    proc.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await child(resolve(process.argv[3] ?? '.'));
  process.exit(0);
}
const roots =
  process.argv.length > 2 ? process.argv.slice(2) : [fileURLToPath(new URL('../..', import.meta.url))];
console.log(
  `loom jobs end to end under callgrind: ${warmup} warm-up jobs, then ${jobs} counted, per checkout`,
);
for (const root of roots) {
  const perJob = await count(resolve(root));
  console.log(`${root}: ${(perJob / 1000).toFixed(1)} k instructions per job`);
}
