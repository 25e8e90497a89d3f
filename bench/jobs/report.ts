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
  /** CPU time of PostgreSQL, of Redis per job, µs (medians). */
  readonly postgresMicrosPerJob: number;
  readonly redisMicrosPerJob: number;
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
  /** Loom through createApp + createWorker from YAML: the headline row. */
  readonly loomApp: Summary;
  readonly loomBare: Summary;
  readonly loom: Summary;
  readonly loomWrites: Summary;
}

const f0 = (n: number): string => n.toFixed(0);
const f2 = (n: number): string => n.toFixed(2);

/** bench/jobs/RESULTS.md. */
export function renderResults(r: Report): string {
  const { options: o, bullmq, loomApp, loomBare, loom, loomWrites } = r;
  const cells = (s: Summary): string[] => [
    s.name,
    `**${f0(s.jobsPerSecond)}**`,
    s.all.map(f0).join(', '),
    f0(s.dispatchPerSecond),
    f0(s.cpuMicrosPerJob),
    f0(s.postgresMicrosPerJob),
    f0(s.redisMicrosPerJob),
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
      'PostgreSQL µs/job',
      'Redis µs/job',
      'SQL statements/job',
      'p50 ms',
      'p99 ms',
      'vs BullMQ',
      'per round',
    ],
    [false, true, false, true, true, true, true, true, true, true, true, false],
    [cells(bullmq), cells(loomApp), cells(loom), cells(loomBare), cells(loomWrites)],
  );
  // Per-job cost in CPU-bound terms: 1/throughput. What loom adds around a job, then what the callback adds.
  const ms = (s: Summary) => 1000 / s.jobsPerSecond;
  const loomCost = ms(loomBare) - ms(bullmq);
  const callbackCost = ms(loom) - ms(loomBare);
  const appCost = ms(loomApp) - ms(loom);
  return `# Jobs: loom vs BullMQ directly

\`npm run jobs -w bench\` (bench/jobs/throughput.ts) — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs
(${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, PostgreSQL and Redis on the same machine.

Each run: ${o.jobs} jobs (after ${o.jobs >= 1 ? o.warmup : 0} warm-up jobs), dispatched with ${o.dispatchers} dispatch
calls in flight, consumed by one worker with concurrency ${o.concurrency}, all in one process; clock from the first
dispatch to the last completion. ${r.rounds} rounds, alternating order; the median is shown (all rounds next to it).

${table}

**End to end (dispatch → success callback), loom as users run it (createApp + createWorker from YAML):
${f0(loomApp.jobsPerSecond)} jobs/s, BullMQ directly ${f0(bullmq.jobsPerSecond)} jobs/s (medians); loom/BullMQ of the same round
${loomApp.ratios.map(f2).join(', ')} — median ${f2(loomApp.ratio)}.** The hand-assembled kernel doing the same: median
${f2(loom.ratio)}.

_vs BullMQ_ is the median over the rounds of each round's ratio (the two ran back to back, so the ratio
moves less with the machine's load than either figure); _per round_ lists them.

- _BullMQ direct_: \`Queue.add\` per job, a \`Worker\` with the same concurrency and retention, a trivial
  processor; a job is done at the worker's \`completed\` event. No database, no callback.
- _loom via createApp + createWorker_: **the headline row**, the app as a deployment runs it. The API
  side is \`createApp\` from [\`app/jobs.yaml\`](app/jobs.yaml) (BullMQ backend, production defaults),
  which invokes the dispatching use case of the _kernel (job + onSuccess callback)_ row below; the
  worker is \`createWorker\` from the same file. On top of the kernel rows: the job observer (one info
  log line per attempt, written synchronously to a file as a process writes its stdout; the job
  metrics; trace ids carried in the message), the use-case observation of the API side, each side's
  own pool and Redis connections. API and worker share the benchmark process, as BullMQ direct's queue
  and worker share theirs.
- _loom kernel_ rows: the same declarations on a hand-assembled \`Kernel\` + \`JobRuntime\` + BullMQ
  backend (no logs, no metrics), one runtime dispatching and consuming: what loom's job path costs
  without its observability.
- _loom kernel (job, no callback)_: a use case dispatches; it writes nothing, so there is no transaction to
  tie the message to and it is published straight to BullMQ (the publishes of one event-loop turn in
  one \`addBulk\`); the use case returns once Redis took it (decision 0067: the outbox takes the message
  only while Redis is down or refuses). The worker runs the job as a unit of work (no BEGIN/COMMIT: it
  writes nothing); done at the job's \`succeeded\` event.
- _loom kernel (job + onSuccess callback)_: the same, and the worker runs the success callback's first attempt
  in the job's slot right after the job, before acknowledging it (the job wrote nothing: a crash re-runs
  both; decision 0063); done when the callback completed. Latency:
  from the dispatch call to the callback's completion (BullMQ direct: to the job's completion).
- _loom kernel (use case writes; outbox)_: the use case inserts a row, then dispatches with the callback: the
  message is an outbox row written in the same transaction (BEGIN, its INSERT, the outbox INSERT,
  COMMIT), published from memory once it committed; published rows are deleted in one DELETE at most
  every 50 ms. This is the transactional path (enqueued iff the write committed; kept while Redis is
  down). BullMQ used directly has no counterpart: its row is for reading the cost of that guarantee, not
  a ratio to hold.
- _CPU µs/job_: CPU time (user + system) of the benchmark process per job, from the first dispatch to the
  last completion. _PostgreSQL µs/job_ and _Redis µs/job_: the same for every \`postgres\` process
  and for \`redis-server\` (from /proc; anything else they served meanwhile is in it).

## Where loom's extra cost goes

Per job, as wall-clock time at these throughputs (1/jobs per second): BullMQ direct ${f2(ms(bullmq))} ms, loom
without callback ${f2(ms(loomBare))} ms (+${f2(loomCost)} ms), loom with callback ${f2(ms(loom))} ms (${callbackCost >= 0 ? '+' : '−'}${f2(Math.abs(callbackCost))} ms
for the callback), loom through createApp + createWorker ${f2(ms(loomApp))} ms (${appCost >= 0 ? '+' : '−'}${f2(Math.abs(appCost))} ms for
observability and the app's second pool and connections). CPU of the benchmark process per job: BullMQ direct ${f0(bullmq.cpuMicrosPerJob)} µs, loom
kernel ${f0(loomBare.cpuMicrosPerJob)} µs without callback and ${f0(loom.cpuMicrosPerJob)} µs with it, loom app ${f0(loomApp.cpuMicrosPerJob)} µs; Redis ${f0(bullmq.redisMicrosPerJob)} µs against
${f0(loom.redisMicrosPerJob)} µs (loom's message is larger: params, payload, trace context and settings).

- **The same machine does all of it.** PostgreSQL, Redis and the benchmark process share ${os.cpus().length} cores;
  what one job costs in all three is what bounds the rows. BullMQ direct spends it in the process and
  Redis; loom without writes adds the use case around each dispatch (\`kernel.invoke\`: plan, call
  context, unit of work, the dispatch's checks and message), the job and its callback as units of work,
  and nothing in PostgreSQL.
- **The transactional path** costs a PostgreSQL transaction per dispatch (${f2(loomWrites.statementsPerJob ?? 0)} statements per job,
  PostgreSQL ${f0(loomWrites.postgresMicrosPerJob)} µs of CPU per job here, a WAL flush per commit): ${f0(loomWrites.jobsPerSecond)} jobs/s. That is
  the price of a write and its job committing together, paid by the use case's own write anyway;
  what the dispatch adds to it is one INSERT in that transaction and a share of the batched DELETE.

Before decision 0067 (bench/jobs/RESULTS.md of 2026-12-06, 10 000 jobs × 5 rounds on a quiet machine):
every dispatch was an outbox row, one autocommitted INSERT grouped with concurrent dispatches; loom with
callback 8 133 jobs/s against BullMQ direct's 18 606, median ratio 0.44 (0.45 without callback), CPU 97
against 39 µs per job, dispatch bound by those INSERTs (1.55 ms each, two in flight). Before decision 0063
(2026-12-05): 538 against 2 491 jobs/s, 0.22, each callback a second BullMQ job and each dispatch waiting
for about two commits.

SQL statements per job, as counted by \`db.onStatement\` (BEGIN and COMMIT included): without a callback
${f2(loomBare.statementsPerJob ?? 0)}, with the callback ${f2(loom.statementsPerJob ?? 0)}, the writing use case ${f2(loomWrites.statementsPerJob ?? 0)} including its own BEGIN, INSERT and
COMMIT (before issue 20: 5.1 and 8.1, three transactions per job). BullMQ directly makes none.

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
