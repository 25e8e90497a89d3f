import os from 'node:os';
import type { BenchOptions } from './bench-setup.ts';

export interface Summary {
  readonly name: string;
  /** Median over the rounds. */
  readonly jobsPerSecond: number;
  /** Dispatch calls per second while dispatching (median). */
  readonly dispatchPerSecond: number;
  readonly all: readonly number[];
  /** Jobs/s of each round over BullMQ direct's jobs/s in the same round. */
  readonly ratios: readonly number[];
  /** Median of `ratios`. */
  readonly ratio: number;
  /** CPU time of the benchmark process per job, µs (median). */
  readonly cpuMicrosPerJob: number;
  readonly statementsPerJob?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

export interface Report {
  readonly options: BenchOptions;
  /** 1-minute load average when the run started. */
  readonly loadStart: number;
  readonly rounds: number;
  readonly bullmq: Summary;
  readonly loomBare: Summary;
  readonly loom: Summary;
}

const f0 = (n: number): string => n.toFixed(0);
const f2 = (n: number): string => n.toFixed(2);

/** bench/jobs/RESULTS.md. */
export function renderResults(r: Report): string {
  const { options: o, bullmq, loomBare, loom } = r;
  const cells = (s: Summary): string[] => [
    s.name,
    `**${f0(s.jobsPerSecond)}**`,
    s.all.map(f0).join(', '),
    f0(s.dispatchPerSecond),
    f0(s.cpuMicrosPerJob),
    s.statementsPerJob === undefined ? '–' : s.statementsPerJob.toFixed(2),
    s.p50Ms === undefined ? '–' : s.p50Ms.toFixed(1),
    s.p99Ms === undefined ? '–' : s.p99Ms.toFixed(1),
    f2(s.ratio),
    s === bullmq ? '–' : s.ratios.map(f2).join(', '),
  ];
  const table = markdownTable(
    [
      'scenario',
      'jobs/s (median)',
      'rounds',
      'dispatches/s',
      'CPU µs/job',
      'SQL statements/job',
      'p50 ms',
      'p99 ms',
      'vs BullMQ',
      'per round',
    ],
    [false, true, false, true, true, true, true, true, true, false],
    [cells(bullmq), cells(loomBare), cells(loom)],
  );
  // Per-job cost in CPU-bound terms: 1/throughput. What the outbox + relay add, then what the callback adds.
  const ms = (s: Summary) => 1000 / s.jobsPerSecond;
  const outboxCost = ms(loomBare) - ms(bullmq);
  const callbackCost = ms(loom) - ms(loomBare);
  return `# Jobs: loom vs BullMQ directly

\`npm run jobs -w bench\` (bench/jobs/throughput.ts) — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs
(${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, PostgreSQL and Redis on the same machine.

Each run: ${o.jobs} jobs (after ${o.jobs >= 1 ? o.warmup : 0} warm-up jobs), dispatched with ${o.dispatchers} dispatch
calls in flight, consumed by one worker with concurrency ${o.concurrency}, all in one process; clock from the first
dispatch to the last completion. ${r.rounds} rounds, alternating order; the median is shown (all rounds next to it).

${table}

**End to end (dispatch → success callback): loom ${f0(loom.jobsPerSecond)} jobs/s, BullMQ directly
${f0(bullmq.jobsPerSecond)} jobs/s (medians); loom/BullMQ of the same round ${loom.ratios.map(f2).join(', ')} —
median ${f2(loom.ratio)}.**

_vs BullMQ_ is the median over the rounds of each round's ratio (the two ran back to back, so the ratio
moves less with the machine's load than either figure); _per round_ lists them.

- _BullMQ direct_: \`Queue.add\` per job, a \`Worker\` with the same concurrency and retention, a trivial
  processor; a job is done at the worker's \`completed\` event. No database, no callback.
- _loom (job, no callback)_: a use case dispatches (the outbox row is its unit of work's only write:
  one autocommitted INSERT, grouped with the INSERTs of concurrent dispatches, two in flight), the
  dispatching process publishes it to BullMQ from memory right after the commit (the publishes of one
  event-loop turn in one \`addBulk\`) and deletes published rows in one DELETE at most every 50 ms; the
  worker runs the job as a unit of work (no BEGIN/COMMIT: it writes nothing); done at the job's
  \`succeeded\` event.
- _loom (job + onSuccess callback)_: the same, and the worker runs the success callback's first attempt
  in the job's slot right after the job, before acknowledging it (the job wrote nothing: a crash re-runs
  both; decision 0063); done when the callback completed. This is the end-to-end figure. Latency: from
  the dispatch call to the callback's completion (BullMQ direct: to the job's completion).
- _CPU µs/job_: CPU time (user + system) of the benchmark process per job, from the first dispatch to the
  last completion. PostgreSQL's and Redis's own CPU are not in it.

## Where loom's extra cost goes

Per job, as wall-clock time at these throughputs (1/jobs per second): BullMQ direct ${f2(ms(bullmq))} ms, loom
without callback ${f2(ms(loomBare))} ms (+${f2(outboxCost)} ms), loom with callback ${f2(ms(loom))} ms (${callbackCost >= 0 ? '+' : '−'}${f2(Math.abs(callbackCost))} ms
for the callback). CPU of the benchmark process per job: BullMQ direct ${f0(bullmq.cpuMicrosPerJob)} µs, loom
${f0(loomBare.cpuMicrosPerJob)} µs without callback and ${f0(loom.cpuMicrosPerJob)} µs with it.

- **The loom rows are bound by dispatch, not by the worker**: dispatches/s is about jobs/s, and the
  callback costs little on top (it runs in the job's slot; p50 dispatch → callback stays in the tens of
  ms). Each of the ${o.dispatchers} dispatch lanes waits for the commit of its outbox INSERT: a PostgreSQL
  round trip with a WAL flush, where BullMQ direct waits for a Redis round trip without one. That commit
  is what buys "enqueued iff the use case committed" and "nothing lost while Redis is down"; it is
  grouped (several dispatches per INSERT, two INSERTs in flight) but not skipped. Under load a commit
  takes 6–20 ms (\`BENCH_JOBS_VERBOSE=1\` prints the statements' timings), so throughput follows
  PostgreSQL's latency on this machine more than any CPU in the process. The dispatching use case here
  writes nothing else, so that commit is all it costs; a use case that writes anyway commits anyway,
  and its dispatch adds one INSERT inside that transaction.
- **CPU in the process** (about ${f0(loom.cpuMicrosPerJob - bullmq.cpuMicrosPerJob)} µs per job more than BullMQ direct). From a \`--cpu-prof\` run at a
  heavier load, where each item costs more (\`BENCH_JOBS_ONLY=loom node --cpu-prof bench/jobs/throughput.ts\`), per job: the
  use case around each dispatch (\`kernel.invoke\`: plan, call context, unit of work, the dispatch's
  checks and message) about 30 µs; the job and its callback run as units of work about 35 µs; copies of
  the message (the JSON round trip at dispatch, at publish and for the callback, and the outbox row's
  text) about 30 µs; the pg driver and pool for the grouped INSERT and DELETE (pg-pool arms and clears a
  connection-timeout timer per checkout) about 20 µs; building the \`addBulk\` pipeline (ioredis copies
  every BullMQ script onto each pipeline) about 25 µs; more garbage to collect. BullMQ's own work
  (\`moveToFinished\`, job parsing) is the same on both sides.
- **Not in the CPU column**: PostgreSQL's work for the INSERT and DELETE (and their WAL flushes), and
  Redis's for a larger job (loom's message carries params, payload, trace context and settings: about
  2.1 KB per add against 1.7 KB). On a shared 2-core machine they compete with the benchmark for the
  same cores.

The benchmark runs the dispatching side and the worker in one process on one pool, and PostgreSQL,
Redis and the benchmark share ${os.cpus().length} cores with other work.

Before the changes of decision 0063 (this file on 2026-12-05): loom with callback 538 jobs/s against
2491 for BullMQ direct, 0.22; without callback 0.20. The worker fell behind then (p50 dispatch →
callback 478 ms): each callback was a second BullMQ job, and each dispatch waited for about two commits.
Run back to back on 2026-12-06 with this benchmark (5 rounds each, load average about 9.5), the code
before the changes: with callback 566 jobs/s, 0.31 of BullMQ direct, 360 µs CPU per job, p50 829 ms;
after: 1459 jobs/s, 0.62, 217 µs, p50 43 ms (without callback 0.53 before, 0.49 after: no change at
that load). Part of the gap to the 2026-12-05 figures is the benchmark's own: it opened the database
without prepared statements, unlike an application.

SQL statements per job, as counted by \`db.onStatement\` (BEGIN and COMMIT included): without a callback
${f2(loomBare.statementsPerJob ?? 0)}, with the callback ${f2(loom.statementsPerJob ?? 0)} (before issue 20: 5.1 and 8.1, three
transactions per job). BullMQ directly makes none.

Load average (1 min) at start ${r.loadStart.toFixed(2)}, at the end ${os.loadavg()[0]?.toFixed(2)}: other work on the
machine moves these figures; compare the rows of one run, not runs of different days.
`;
}

/** A table laid out the way the formatter (Biome) leaves it: padded columns, `---:` for numbers. */
function markdownTable(
  head: readonly string[],
  right: readonly boolean[],
  rows: readonly string[][],
): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (text: string, i: number): string =>
    right[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cellsOf: readonly string[]): string => `| ${cellsOf.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
