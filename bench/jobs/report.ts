import os from 'node:os';
import type { BenchOptions } from './bench-setup.ts';

export interface Summary {
  readonly name: string;
  /** Median over the rounds. */
  readonly jobsPerSecond: number;
  /** Dispatch calls per second while dispatching (median). */
  readonly dispatchPerSecond: number;
  readonly all: readonly number[];
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
    f2(s.jobsPerSecond / bullmq.jobsPerSecond),
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
    ],
    [false, true, false, true, true, true, true, true, true],
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
${f0(bullmq.jobsPerSecond)} jobs/s — ratio ${f2(loom.jobsPerSecond / bullmq.jobsPerSecond)}.**

- _BullMQ direct_: \`Queue.add\` per job, a \`Worker\` with the same concurrency and retention, a trivial
  processor; a job is done at the worker's \`completed\` event. No database, no callback.
- _loom (job, no callback)_: a use case dispatches (the outbox row is its unit of work's only write:
  one autocommitted INSERT, grouped with the INSERTs of concurrent dispatches), the dispatching process
  publishes it to BullMQ from memory right after the commit and deletes published rows in batches; the
  worker runs the job as a unit of work (no BEGIN/COMMIT: it writes nothing); done at the job's
  \`succeeded\` event.
- _loom (job + onSuccess callback)_: the same, and the worker publishes the success callback straight to
  BullMQ before acknowledging the job (the job wrote nothing, so a crash re-runs it and publishes again, a
  no-op by id); the callback runs as a second BullMQ job, which counts. This is the end-to-end figure.
  Latency: from the dispatch call to the callback's completion (BullMQ direct: to the job's completion).

## Where loom's extra cost goes

Per job, as wall-clock time at these throughputs (1/jobs per second): BullMQ direct ${f2(ms(bullmq))} ms, loom
without callback ${f2(ms(loomBare))} ms (+${f2(outboxCost)} ms), loom with callback ${f2(ms(loom))} ms (+${f2(callbackCost)} ms
more). What remains is the use case around each dispatch (plan, unit of work, call context), the outbox
INSERT (what buys "dispatched iff committed" and "nothing lost while Redis is down"), the batched DELETE,
the job run as a use case, and (with a callback) a second BullMQ job per dispatch. The benchmark runs
the dispatching side and the worker in one process on one pool, and PostgreSQL, Redis and the
benchmark share ${os.cpus().length} cores with other work.

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
