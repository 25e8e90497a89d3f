/**
 * Jobs per second end to end (dispatch → success callback), loom on PostgreSQL + BullMQ (as users run
 * it, through createApp and createWorker, and as a hand-assembled kernel) against BullMQ used directly
 * with the same worker concurrency, in one run. Writes bench/jobs/RESULTS.md.
 *
 *   npm run jobs -w bench              (or: node bench/jobs/throughput.ts)
 *   BENCH_QUICK=1 npm run jobs -w bench   a smoke run of a few seconds, results not written
 *
 * env: BENCH_JOBS (2000), BENCH_JOB_WARMUP (200), BENCH_JOB_CONCURRENCY (16), BENCH_JOB_DISPATCHERS (16),
 * BENCH_JOB_ROUNDS (3), REDIS_URL (redis://127.0.0.1:6379), BENCH_DATABASE_URL / DATABASE_URL,
 * BENCH_JOBS_RESULTS (where RESULTS.md goes; `-`: not written). BENCH_QUICK=1 changes the defaults to
 * 200 jobs, 20 warm-up, one round, results not written.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrl } from '../db-url.ts';
import {
  type BenchOptions,
  cpuMicrosPerJob,
  jobsPerSecond,
  type RunResult,
  serverMicrosPerJob,
} from './bench-setup.ts';
import { runBullmqDirect } from './bullmq-direct.ts';
import { runLoomApp } from './loom-app-jobs.ts';
import { runLoom } from './loom-jobs.ts';
import { renderResults, type Summary } from './report.ts';

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
};

// A smoke run: shows the script works end to end in a few seconds; its figures mean little.
const quick = process.env.BENCH_QUICK === '1';
const options: BenchOptions = {
  jobs: int('BENCH_JOBS', quick ? 200 : 2000),
  warmup: int('BENCH_JOB_WARMUP', quick ? 20 : 200),
  concurrency: int('BENCH_JOB_CONCURRENCY', 16),
  dispatchers: int('BENCH_JOB_DISPATCHERS', 16),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  databaseUrl: databaseUrl(),
};
const rounds = int('BENCH_JOB_ROUNDS', quick ? 1 : 3);

const allScenarios: readonly { readonly key: string; run(): Promise<RunResult> }[] = [
  { key: 'bullmq', run: () => runBullmqDirect(options) },
  { key: 'loom-app', run: () => runLoomApp(options) },
  { key: 'loom-bare', run: () => runLoom(options, 'bare') },
  { key: 'loom', run: () => runLoom(options, 'callback') },
  { key: 'loom-writes', run: () => runLoom(options, 'writes') },
];
// BENCH_JOBS_ONLY=loom (comma-separated keys): run only these, e.g. under `node --cpu-prof`; results
// are then not written.
const only = process.env.BENCH_JOBS_ONLY?.split(',').map((k) => k.trim());
const scenarios = only === undefined ? allScenarios : allScenarios.filter((s) => only.includes(s.key));
if (scenarios.length === 0)
  throw new Error(`BENCH_JOBS_ONLY matches none of ${allScenarios.map((s) => s.key).join(', ')}`);

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

const loadStart = os.loadavg()[0] ?? 0;
const results = new Map<string, RunResult[]>();
console.log(
  `jobs ${options.jobs} (+${options.warmup} warm-up) · worker concurrency ${options.concurrency} · ` +
    `dispatchers ${options.dispatchers} · rounds ${rounds} · ${os.cpus().length} CPUs · node ${process.version}`,
);
for (let round = 0; round < rounds; round++) {
  // Alternate the order so no scenario always runs first (or last) on a warmer machine.
  const order = round % 2 === 0 ? scenarios : [...scenarios].reverse();
  for (const scenario of order) {
    const r = await scenario.run();
    results.set(scenario.key, [...(results.get(scenario.key) ?? []), r]);
    console.log(
      `round ${round + 1} ${r.name.padEnd(34)} ${jobsPerSecond(r).toFixed(0).padStart(6)} jobs/s ` +
        `(${r.elapsedMs.toFixed(0)} ms, dispatch ${r.dispatchMs.toFixed(0)} ms, CPU ${cpuMicrosPerJob(r).toFixed(0)} µs/job` +
        `, PostgreSQL ${serverMicrosPerJob(r).postgres.toFixed(0)} µs/job, Redis ${serverMicrosPerJob(r).redis.toFixed(0)} µs/job` +
        `${r.statementsPerJob === undefined ? '' : `, ${r.statementsPerJob.toFixed(2)} SQL/job`}` +
        `${r.p50Ms === undefined ? '' : `, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${(r.p99Ms ?? 0).toFixed(1)} ms`})`,
    );
  }
}

const summarize = (key: string): Summary => {
  const runs = results.get(key) ?? [];
  const first = runs[0];
  if (!first) throw new Error(`no runs of ${key}`);
  // Each round's jobs/s over BullMQ direct's of the same round: the two ran minutes apart at most, so
  // their ratio moves less with the machine's load than the ratio of the medians.
  const baseline = results.get('bullmq') ?? [];
  const ratios = runs.map((r, i) => {
    const b = baseline[i];
    return b === undefined ? Number.NaN : jobsPerSecond(r) / jobsPerSecond(b);
  });
  return {
    name: first.name,
    jobsPerSecond: median(runs.map(jobsPerSecond)),
    ratios,
    ratio: median(ratios),
    dispatchPerSecond: median(runs.map((r) => (r.jobs * 1000) / r.dispatchMs)),
    all: runs.map(jobsPerSecond),
    cpuMicrosPerJob: median(runs.map(cpuMicrosPerJob)),
    postgresMicrosPerJob: median(runs.map((r) => serverMicrosPerJob(r).postgres)),
    redisMicrosPerJob: median(runs.map((r) => serverMicrosPerJob(r).redis)),
    ...(first.p50Ms === undefined
      ? {}
      : { p50Ms: median(runs.map((r) => r.p50Ms ?? 0)), p99Ms: median(runs.map((r) => r.p99Ms ?? 0)) }),
    ...(first.statementsPerJob === undefined
      ? {}
      : { statementsPerJob: median(runs.map((r) => r.statementsPerJob ?? 0)) }),
  };
};
if (only !== undefined) {
  console.log('results not written (BENCH_JOBS_ONLY runs a subset)');
  process.exit(0);
}
const bullmq = summarize('bullmq');
const loomApp = summarize('loom-app');
const loomBare = summarize('loom-bare');
const loom = summarize('loom');
const loomWrites = summarize('loom-writes');
console.log(
  `\nmedian: BullMQ direct ${bullmq.jobsPerSecond.toFixed(0)} jobs/s · loom app ${loomApp.jobsPerSecond.toFixed(0)} jobs/s ` +
    `· loom kernel ${loom.jobsPerSecond.toFixed(0)} (without callback ${loomBare.jobsPerSecond.toFixed(0)}, use case writing ` +
    `${loomWrites.jobsPerSecond.toFixed(0)}) · loom app/BullMQ per round ${loomApp.ratios.map((x) => x.toFixed(2)).join(', ')} ` +
    `→ median ${loomApp.ratio.toFixed(2)} (kernel ${loom.ratio.toFixed(2)}, without callback ${loomBare.ratio.toFixed(2)})`,
);
const target = process.env.BENCH_JOBS_RESULTS ?? (quick ? '-' : undefined);
if (target === '-') {
  console.log('results not written (a quick run, or BENCH_JOBS_RESULTS=-)');
} else {
  const file =
    target === undefined ? fileURLToPath(new URL('./RESULTS.md', import.meta.url)) : resolve(target);
  writeFileSync(
    file,
    renderResults({ options, loadStart, rounds, bullmq, loomApp, loomBare, loom, loomWrites }),
  );
  console.log(`wrote ${file}`);
}
