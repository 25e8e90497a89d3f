import type { Scenario } from '../scenarios.ts';
import { BASELINE_APP } from './apps.ts';
import { type BenchConfig, estimateSeconds, PAUSE_AFTER_MS, PAUSE_BEFORE_MS } from './config.ts';
import type { LimitReport } from './limit-file.ts';
import type { MachineInfo } from './machine.ts';
import { type Align, markdownTable } from './markdown-table.ts';
import { pairedRatioTable, RATIO_TARGET, shortfallTable, variantTable } from './report-findings.ts';
import {
  type BlockRecord,
  type CellSummary,
  median,
  pairedRatio,
  type RunMetric,
  summarize,
} from './results.ts';

export interface ReportInput {
  readonly config: BenchConfig;
  /** The configuration with every filter removed (all apps, scenarios, concurrencies). */
  readonly fullMatrix: BenchConfig;
  /** The default configuration (no env at all), for the run-time statement. */
  readonly defaults: BenchConfig;
  readonly machine: MachineInfo;
  readonly blocks: readonly BlockRecord[];
  readonly runId: string;
  readonly wallSeconds: number;
  readonly appNames: readonly string[];
  /** 1, 5 and 15 minute load averages when the run ended. */
  readonly loadAverageEnd?: readonly number[];
  /** Hand-written findings (`bench/ANALYSIS.md`): where the time goes in the cells below target. */
  readonly analysis?: string;
  /** pgbench's ceiling per scenario on this machine (`node bench/limit.ts`), for the `limit` column. */
  readonly limits?: LimitReport;
}

const loads = (l: readonly number[] | undefined): string => (l ? l.map((v) => v.toFixed(2)).join(', ') : '–');

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '–');
const minutes = (s: number): string => `${(s / 60).toFixed(1)} min`;

function cells(input: ReportInput, scenario: Scenario, c: number): Map<string, CellSummary> {
  const map = new Map<string, CellSummary>();
  for (const app of input.appNames) {
    const cell = summarize(input.blocks, app, scenario.name, c);
    if (cell !== undefined) map.set(app, cell);
  }
  return map;
}

function concurrencyTable(input: ReportInput, c: number): string[] {
  const apps = input.appNames;
  const others = apps.filter((a) => a !== BASELINE_APP);
  const withRatio = apps.includes(BASELINE_APP) ? others : [];
  const limits = input.limits;
  const header = ['scenario'];
  if (limits !== undefined) header.push('limit RPS (pgbench)');
  for (const app of apps) header.push(`${app} RPS`, `${app} p50 ms`, `${app} p99 ms`);
  for (const app of withRatio) {
    header.push(`${app}/${BASELINE_APP} RPS`, `${app}/${BASELINE_APP} p50`, `${app}/${BASELINE_APP} p99`);
  }
  header.push('errors (non-2xx / socket)', 'app CPU ms/req');
  const align = header.map((_, i): Align => (i === 0 || i >= header.length - 2 ? 'left' : 'right'));
  const rows: string[][] = [];
  for (const scenario of input.config.scenarios) {
    const byApp = cells(input, scenario, c);
    const line = [scenario.name];
    if (limits !== undefined) {
      const tps = limits.scenarios[scenario.name]?.tps;
      line.push(tps === undefined ? 'no SQL' : f0(tps));
    }
    for (const app of apps) {
      const cell = byApp.get(app);
      line.push(f0(cell?.rps ?? NaN), f1(cell?.p50Ms ?? NaN), f1(cell?.p99Ms ?? NaN));
    }
    const base = byApp.get(BASELINE_APP);
    for (const app of withRatio) {
      const cell = byApp.get(app);
      const paired = (metric: RunMetric): string =>
        cell === undefined || base === undefined
          ? '–'
          : `**${f2(pairedRatio(input.blocks, app, BASELINE_APP, scenario.name, c, metric))}**`;
      line.push(paired('rps'), paired('p50Ms'), paired('p99Ms'));
    }
    line.push(
      apps
        .map((app) => `${app} ${byApp.get(app)?.non2xx ?? '–'} / ${byApp.get(app)?.socketErrors ?? '–'}`)
        .join(', '),
      apps.map((app) => `${app} ${(byApp.get(app)?.cpuMsPerRequest ?? NaN).toFixed(3)}`).join(', '),
    );
    rows.push(line);
  }
  return [`### c = ${c}`, '', ...markdownTable(header, align, rows)];
}

function detailTable(input: ReportInput): string[] {
  const header = [
    'app',
    'scenario',
    'c',
    'median RPS',
    'RPS per repeat',
    'max ms (worst)',
    'bytes/response',
    'app CPU ms/req',
    'app CPU % of a core',
    'host CPU busy %',
  ];
  const rows: string[][] = [];
  for (const app of input.appNames) {
    for (const scenario of input.config.scenarios) {
      for (const c of input.config.concurrencies) {
        const cell = summarize(input.blocks, app, scenario.name, c);
        if (cell === undefined) continue;
        rows.push([
          app,
          scenario.name,
          String(c),
          f0(cell.rps),
          cell.rpsPerRepeat.map(f0).join(' / '),
          f0(cell.maxMs),
          f0(cell.bytesPerResponse),
          Number.isFinite(cell.cpuMsPerRequest) ? cell.cpuMsPerRequest.toFixed(3) : '–',
          f0(cell.cpuPercentOfCore),
          f0(cell.hostBusyPercent),
        ]);
      }
    }
  }
  return markdownTable(
    header,
    header.map((_, i) => (i < 2 ? 'left' : 'right')),
    rows,
  );
}

function memoryTable(input: ReportInput): string[] {
  const header = [
    'app',
    'repeat',
    'start-up to first 200 (ms)',
    'RSS at ready (kB)',
    'RSS after runs (kB)',
    'peak RSS (kB)',
    'error',
  ];
  const align = header.map((_, i): Align => (i === 0 || i === header.length - 1 ? 'left' : 'right'));
  const blocks = input.blocks.map((b) => [
    b.app,
    String(b.repeat),
    f0(b.startupMs),
    f0(b.rssReadyKb),
    f0(b.rssEndKb),
    f0(b.hwmKb),
    b.error?.split('\n')[0] ?? '',
  ]);
  const medians = input.appNames.map((app) => {
    const mine = input.blocks.filter((b) => b.app === app);
    return [
      app,
      f0(median(mine.map((b) => b.startupMs))),
      f0(median(mine.map((b) => b.rssEndKb))),
      f0(median(mine.map((b) => b.hwmKb))),
    ];
  });
  return [
    ...markdownTable(header, align, blocks),
    '',
    ...markdownTable(
      ['app', 'median start-up (ms)', 'median RSS after runs (kB)', 'median peak RSS (kB)'],
      ['left', 'right', 'right', 'right'],
      medians,
    ),
  ];
}

/** RESULTS.md: machine, method, one table per concurrency (with ratios to native), detail, memory. */
export function renderResults(input: ReportInput): string {
  const { config, machine } = input;
  const m = machine;
  const d = input.defaults;
  const partial =
    config.scenarios.length < input.fullMatrix.scenarios.length ||
    config.concurrencies.length < input.fullMatrix.concurrencies.length ||
    config.apps.length < input.fullMatrix.apps.length;
  const variants = config.apps.filter((a) => a.scenarios !== undefined).map((a) => a.name);
  const full: ReportInput = { ...input, appNames: input.appNames.filter((a) => !variants.includes(a)) };
  const findings = { scenarios: config.scenarios, concurrencies: config.concurrencies, blocks: input.blocks };
  const out: string[] = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` (run \`${input.runId}\`, ${m.date}). Raw per-run JSON: \`bench/results/${input.runId}/\` (git-ignored).`,
    ...(partial
      ? [
          '',
          '**Partial run** (filtered by BENCH_APPS / BENCH_SCENARIOS / BENCH_CONCURRENCY): not the full matrix.',
        ]
      : []),
    '',
    '![RPS per scenario](results-chart.svg)',
    '',
    '## Machine',
    '',
    ...markdownTable(
      ['nproc', 'CPU', 'memory', 'kernel', 'Node.js', 'PostgreSQL', 'load tool'],
      ['right', 'left', 'right', 'left', 'left', 'left', 'left'],
      [[String(m.nproc), m.cpuModel, `${m.memoryGiB} GiB`, m.kernel, m.node, m.postgres, m.loadTool]],
    ),
    '',
    `Versions: ${Object.entries(m.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    '',
    `App, PostgreSQL and the load client share the same cores, and so did whatever else ran on the machine: load average ${loads(m.loadAverage)} (1, 5, 15 min) when the run started, ${loads(input.loadAverageEnd)} when it ended; \`host CPU busy %\` in the detail table is the whole machine during each measured run. Compare \`app CPU ms/req\` when the host was busy.`,
    '',
    '## Method',
    '',
    `- Apps: ${input.appNames.join(', ')}. A round (repeat) drops and re-seeds the bench tables (120 users who own the 1,200 records and their 3,600 notes, and 10,000 users who own nothing, so that the unique check of \`create_with_rules\` is an index lookup from the start), starts every app fresh, runs every scenario at every concurrency on the apps one after another, then stops them; an app waits idle while another is measured.`,
    `- Order: within a cell the apps warm up in turns of a slice's length (so that none waits idle through the others' whole warm-ups), then take turns in ${config.slices} slice${config.slices === 1 ? '' : 's'} of ${config.durationS / config.slices} s of the measured time (\`BENCH_SLICES\`), the order reversed from slice to slice, so that their ratio sees the same moments of the machine; an app's slices add up to its run (requests over time; percentiles of their latency quantiles put together). The order alternates from cell to cell and from round to round (A B, B A, …). Rounds: ${config.repeats}. Reported: median of the rounds for RPS, p50 and p99; a ratio to native is the median of the rounds' ratios (each round's apps shared its seconds, while the machine's speed moves between rounds; every round's ratio is under \`per round\`); errors summed; max is the worst request of any round.`,
    `- Per scenario and concurrency (${config.concurrencies.join(', ')}): ${config.warmupS} s warm-up (discarded; ${config.firstWarmupS} s before an app's first run of a scenario in a round, \`BENCH_FIRST_WARMUP\`, as a route's code is still being optimized in its first seconds); then, for the cell, ${PAUSE_BEFORE_MS / 1000} s pause, **${config.durationS} s measured per app** (\`BENCH_DURATION\`), ${PAUSE_AFTER_MS / 1000} s pause.`,
    m.loadTool.startsWith('wrk')
      ? `- Load: \`wrk -t1 -cC -d${config.durationS / config.slices}s --timeout 10s --latency -s <scenario>.lua\` per slice (Lua scripts from \`bench/wrk/common.lua\` + \`bench/scenarios.ts\`)${config.firstRequestPauseMs > 0 ? `; each connection waits ${config.firstRequestPauseMs} ms before its first request (\`BENCH_FIRST_REQUEST_PAUSE\`), so that the app has accepted all of them before the load starts (Node accepts one connection per event-loop turn), and RPS counts from the end of that wait` : ''}. wrk's percentiles are coordinated-omission corrected.`
      : '- Load: autocannon (wrk was not installed), same request sequences, 10 s timeout, one client process.',
    ...(m.postgresServer === undefined ? [] : [`- PostgreSQL: ${m.postgresServer}.`]),
    `- Database pool: ${config.poolMax} connections per app. App CPU = user + system time of the app process during the measured run (/proc/PID/stat); RSS = VmRSS from /proc/PID/status after each run.`,
    ...(input.limits === undefined
      ? []
      : [
          `- Limit = the native app's SQL of one request run by \`${input.limits.pgbench}\` on the same machine and freshly seeded tables (${input.limits.clients} connections, prepared statements, ${input.limits.seconds} s, ${input.limits.date.slice(0, 16)}; \`node bench/limit.ts\`): transactions per second with no HTTP and no JavaScript, the ceiling no app reaches on this machine. Measured separately from the run, so it shares the machine's load of its own moment.`,
        ]),
    `- Start-up = from spawn to the first 200 on \`/bench/ping\` (data present; includes Node stripping the TypeScript types).`,
    `- Wall time of this run: ${minutes(input.wallSeconds)}${partial ? '' : ` (estimate beforehand: ${minutes(estimateSeconds(config))})`}.`,
    `- Defaults (\`BENCH_DURATION=${d.durationS}\`, \`BENCH_WARMUP=${d.warmupS}\`, \`BENCH_FIRST_WARMUP=${d.firstWarmupS}\`, ${d.repeats} repeats, ${d.scenarios.length} scenarios, c = ${d.concurrencies.join(', ')}, apps ${d.apps.map((a) => a.name).join(', ')}): chosen so that the full matrix takes about ${minutes(estimateSeconds(d))} on 2 cores.`,
    '',
    "## Results (median of rounds; ratios: median of the rounds' ratios)",
    '',
  ];
  for (const c of config.concurrencies) out.push(...concurrencyTable(full, c), '');
  for (const variant of variants) {
    const base = variant.replace(/-[^-]+$/, '');
    out.push(
      `### ${variant}`,
      '',
      `\`${variant}\` is \`${base}\` with a variation (see the app list in \`bench/driver/apps.ts\`), measured on its scenarios only.`,
      '',
      ...variantTable(findings, variant, base),
      '',
    );
  }
  for (const app of full.appNames.filter((a) => a !== BASELINE_APP)) {
    out.push(
      `## ${app}: cells below ${RATIO_TARGET} of native's RPS`,
      '',
      ...shortfallTable(findings, app),
      '',
      `### ${app} / native per round`,
      '',
      ...pairedRatioTable(findings, app),
      '',
    );
  }
  if (input.analysis !== undefined) out.push(input.analysis.trim(), '');
  out.push(
    '## Detail',
    '',
    ...detailTable(input),
    '',
    '## Memory and start-up',
    '',
    ...memoryTable(input),
    '',
  );
  out.push(
    '## Scenarios',
    '',
    ...markdownTable(
      ['scenario', 'request', 'measures'],
      ['left', 'left', 'left'],
      config.scenarios.map((s) => [s.name, `\`${s.method} ${s.path}\``, s.measures]),
    ),
    '',
  );
  return out.join('\n');
}
