/**
 * `npm run bench`: per round (repeat), seeds and starts every app, then runs every scenario at every
 * concurrency on the apps one after another, in alternating order, and writes RESULTS.md,
 * results-chart.svg and per-run JSON under results/.
 * Configuration through env: see driver/config.ts and README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { databaseUrl } from './db-url.ts';
import { httpStatus, type RunningApp, startApp } from './driver/app-process.ts';
import { BENCH_DIR, type BenchApp } from './driver/apps.ts';
import {
  type BenchConfig,
  estimateSeconds,
  PAUSE_AFTER_MS,
  PAUSE_BEFORE_MS,
  readConfig,
  roundPlan,
} from './driver/config.ts';
import { runAutocannon } from './driver/load-autocannon.ts';
import type { LoadResult, LoadSpec } from './driver/load-result.ts';
import { findWrk, runWrk, writeWrkScript, wrkVersion } from './driver/load-wrk.ts';
import { describeMachine } from './driver/machine.ts';
import { hostBusyPercent, readCpuMs, readHostCpu, readMemory } from './driver/proc-stats.ts';
import type { BlockRecord, RunRecord } from './driver/results.ts';
import { type RunSummary, writeReport } from './driver/write-report.ts';
import { type Scenario, seededIds } from './scenarios.ts';
import { DATASET, seedBenchData } from './seed.ts';

const REQUEST_TIMEOUT_S = 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string): void =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

type Load = (scenario: Scenario, spec: LoadSpec) => Promise<{ result: LoadResult; raw: string }>;

function loadFunction(tool: 'wrk' | 'autocannon', scriptsDir: string): Load {
  if (tool === 'autocannon') return runAutocannon;
  const scripts = new Map<string, string>();
  return (scenario, spec) => {
    let script = scripts.get(scenario.name);
    if (script === undefined) {
      script = writeWrkScript(scenario, scriptsDir);
      scripts.set(scenario.name, script);
    }
    return runWrk(script, spec);
  };
}

async function seed(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await seedBenchData(client);
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_records');
    if (rows[0]?.n !== DATASET.records)
      throw new Error(`seed: expected ${DATASET.records} records, found ${rows[0]?.n}`);
  } finally {
    await client.end();
  }
}

/**
 * Probes sent so far: each probe is its own request (the apps of a round share the tables, and a create
 * probe repeated with the same body would meet its own unique check).
 */
let probesSent = 0;

/** The scenario's first request must answer its expected status before it is measured. */
async function probe(running: RunningApp, scenario: Scenario): Promise<void> {
  const req = scenario.request(probesSent++, seededIds());
  const status = await httpStatus(running.baseUrl + req.path, 5000, {
    method: req.method,
    ...(req.body === undefined ? {} : { body: req.body }),
  });
  if (status !== scenario.expectedStatus) {
    throw new Error(
      `${scenario.name}: ${req.method} ${req.path} answered ${status}, expected ${scenario.expectedStatus}`,
    );
  }
}

interface RoundContext {
  readonly config: BenchConfig;
  readonly load: Load;
  readonly url: string;
  readonly runDir: string;
  /** The apps alive now (stopped on SIGINT / SIGTERM). */
  readonly onRunning: (running: readonly RunningApp[]) => void;
}

/** One app of a round: its process (when it started), its measured runs, and why it stopped early. */
interface AppInRound {
  readonly app: BenchApp;
  readonly running: RunningApp | undefined;
  readonly readyRssKb: number;
  readonly runs: RunRecord[];
  readonly probed: Set<string>;
  error: string | undefined;
}

async function start(app: BenchApp, repeat: number, ctx: RoundContext): Promise<AppInRound> {
  const base = { app, runs: [], probed: new Set<string>() };
  try {
    const running = await startApp(app, {
      databaseUrl: ctx.url,
      poolMax: ctx.config.poolMax,
      logFile: join(ctx.runDir, `${app.name}-r${repeat}.log`),
    });
    const ready = readMemory(running.pid);
    log(`${app.name} #${repeat}: ready in ${running.startupMs.toFixed(0)} ms, RSS ${ready?.rssKb ?? '?'} kB`);
    return { ...base, running, readyRssKb: ready?.rssKb ?? NaN, error: undefined };
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    log(`${app.name} #${repeat}: did not start: ${error}`);
    return { ...base, running: undefined, readyRssKb: NaN, error };
  }
}

/**
 * Warm-up (`firstWarmupS` for the app's first run of the scenario in the round, else `warmupS`), then
 * one measured run of `scenario` at `c` on a running app, with /proc read around it.
 */
async function measure(
  running: RunningApp,
  scenario: Scenario,
  c: number,
  repeat: number,
  ctx: RoundContext,
  firstOfScenario: boolean,
): Promise<RunRecord> {
  const { config } = ctx;
  const name = running.app.name;
  const spec = { baseUrl: running.baseUrl, connections: c, timeoutS: REQUEST_TIMEOUT_S };
  await ctx.load(scenario, { ...spec, durationS: firstOfScenario ? config.firstWarmupS : config.warmupS });
  await sleep(PAUSE_BEFORE_MS);
  const cpuBefore = readCpuMs(running.pid) ?? NaN;
  const hostBefore = readHostCpu();
  const { result, raw } = await ctx.load(scenario, { ...spec, durationS: config.durationS });
  const cpuAfter = readCpuMs(running.pid) ?? NaN;
  const hostBusy = hostBusyPercent(hostBefore, readHostCpu());
  const memory = readMemory(running.pid);
  if (!running.alive() || memory === undefined) throw new Error(`${name} died during ${scenario.name}`);
  const cpuMs = cpuAfter - cpuBefore;
  const record: RunRecord = {
    app: name,
    repeat,
    scenario: scenario.name,
    concurrency: c,
    load: result,
    rssKb: memory.rssKb,
    hwmKb: memory.hwmKb,
    cpuMsPerRequest: result.requests > 0 ? cpuMs / result.requests : NaN,
    cpuPercentOfCore: (cpuMs / (result.durationS * 1000)) * 100,
    hostBusyPercent: hostBusy,
  };
  writeFileSync(
    join(ctx.runDir, `${name}-r${repeat}-${scenario.name}-c${c}.json`),
    JSON.stringify({ ...record, raw }, null, 2),
  );
  log(
    `${name} #${repeat} ${scenario.name} c=${c}: ${result.rps.toFixed(0)} rps, p50 ${result.p50Ms.toFixed(1)} ms, ` +
      `p99 ${result.p99Ms.toFixed(1)} ms, non-2xx ${result.non2xx}, socket errors ${result.socketErrors}, ` +
      `CPU ${record.cpuMsPerRequest.toFixed(3)} ms/req (${record.cpuPercentOfCore.toFixed(0)} % of a core, host ${hostBusy.toFixed(0)} % busy), ` +
      `RSS ${memory.rssKb} kB`,
  );
  await sleep(PAUSE_AFTER_MS);
  return record;
}

/**
 * One repeat: fresh tables, every app started (each idle while another is measured), then every cell
 * of {@link roundPlan} measured on its apps back to back. An app that dies or fails a probe is dropped
 * for the rest of the round; the others go on.
 */
async function runRound(repeat: number, ctx: RoundContext): Promise<BlockRecord[]> {
  const { config } = ctx;
  await seed(ctx.url);
  const apps = new Map<string, AppInRound>();
  for (const app of config.apps) {
    apps.set(app.name, await start(app, repeat, ctx));
    ctx.onRunning([...apps.values()].flatMap((a) => (a.running === undefined ? [] : [a.running])));
  }
  for (const cell of roundPlan(config, repeat)) {
    for (const app of cell.apps) {
      const mine = apps.get(app.name);
      if (mine?.running === undefined || mine.error !== undefined) continue;
      try {
        const first = !mine.probed.has(cell.scenario.name);
        if (first) {
          await probe(mine.running, cell.scenario);
          mine.probed.add(cell.scenario.name);
        }
        mine.runs.push(await measure(mine.running, cell.scenario, cell.concurrency, repeat, ctx, first));
      } catch (e) {
        mine.error = e instanceof Error ? e.message : String(e);
        log(`${app.name} #${repeat}: dropped for the rest of the round: ${mine.error}`);
      }
    }
  }
  const blocks: BlockRecord[] = [];
  for (const mine of apps.values()) {
    const end = mine.running === undefined ? undefined : readMemory(mine.running.pid);
    await mine.running?.stop();
    blocks.push({
      app: mine.app.name,
      repeat,
      startupMs: mine.running?.startupMs ?? NaN,
      rssReadyKb: mine.readyRssKb,
      rssEndKb: end?.rssKb ?? NaN,
      hwmKb: end?.hwmKb ?? NaN,
      runs: mine.runs,
      ...(mine.error === undefined ? {} : { error: mine.error }),
    });
  }
  ctx.onRunning([]);
  return blocks;
}

async function main(): Promise<void> {
  const config = readConfig();
  const wrk = findWrk();
  const tool = config.tool ?? (wrk === undefined ? 'autocannon' : 'wrk');
  if (tool === 'wrk' && wrk === undefined) throw new Error('BENCH_TOOL=wrk but wrk is not installed');
  const url = databaseUrl();
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(BENCH_DIR, 'results', runId);
  mkdirSync(runDir, { recursive: true });
  const machine = await describeMachine(
    url,
    tool === 'wrk' ? wrkVersion() : 'autocannon 9 (wrk not installed)',
  );
  log(
    `run ${runId}: apps ${config.apps.map((a) => a.name).join(', ')}; ${config.scenarios.length} scenarios; ` +
      `c=${config.concurrencies.join(',')}; ${config.repeats} repeats; ${config.durationS} s runs + ${config.warmupS} s warm-up (${config.firstWarmupS} s before a scenario's first); ` +
      `${tool}; about ${(estimateSeconds(config) / 60).toFixed(1)} min`,
  );

  let current: readonly RunningApp[] = [];
  const interrupt = (): void => {
    log('interrupted; stopping the apps under test');
    void Promise.all(current.map((running) => running.stop())).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const started = performance.now();
  const ctx: RoundContext = {
    config,
    load: loadFunction(tool, join(runDir, 'wrk')),
    url,
    runDir,
    onRunning: (running) => {
      current = running;
    },
  };
  const blocks: BlockRecord[] = [];
  for (let repeat = 1; repeat <= config.repeats; repeat++) {
    blocks.push(...(await runRound(repeat, ctx)));
  }
  const wallSeconds = (performance.now() - started) / 1000;

  const summary: RunSummary = { runId, machine, wallSeconds, loadAverageEnd: loadavg(), config, blocks };
  writeFileSync(join(runDir, 'summary.json'), JSON.stringify(summary, null, 2));
  const reportDir = config.reportDir ?? BENCH_DIR;
  writeReport(summary, reportDir);
  log(`done in ${(wallSeconds / 60).toFixed(1)} min: ${join(reportDir, 'RESULTS.md')}, results in ${runDir}`);
  const failed = blocks.filter((b) => b.error !== undefined);
  if (failed.length > 0) {
    process.exitCode = 1;
    log(`${failed.length} block(s) failed: ${failed.map((b) => `${b.app} #${b.repeat}`).join(', ')}`);
  }
}

await main();
