/**
 * `npm run bench`: per round (repeat), seeds and starts every app, then runs every scenario at every
 * concurrency on the apps, which take turns in slices of the measured time, and writes RESULTS.md,
 * results-chart.svg and per-run JSON under results/.
 * Configuration through env: see driver/config.ts and README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { httpStatus, type RunningApp, startApp } from './driver/app-process.ts';
import { BENCH_DIR, type BenchApp } from './driver/apps.ts';
import { benchDatabase } from './driver/bench-postgres.ts';
import {
  type BenchConfig,
  estimateSeconds,
  PAUSE_AFTER_MS,
  PAUSE_BEFORE_MS,
  type RoundCell,
  readConfig,
  roundPlan,
} from './driver/config.ts';
import { runAutocannon } from './driver/load-autocannon.ts';
import type { LoadResult, LoadSpec } from './driver/load-result.ts';
import { type LatencyQuantiles, type LoadSlice, mergeSlices } from './driver/load-slices.ts';
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

type Load = (
  scenario: Scenario,
  spec: LoadSpec,
) => Promise<{ result: LoadResult; raw: string; quantiles?: LatencyQuantiles | undefined }>;

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

/** One app's measured slices of a cell, and the /proc readings around each. */
interface SliceTally {
  readonly slices: LoadSlice[];
  readonly raws: string[];
  cpuMs: number;
  hostBusy: number[];
}

/**
 * One cell on its apps: the apps warm up (`firstWarmupS` before an app's first run of the scenario in
 * the round, else `warmupS`) and then are measured, both in turns of a slice's length (the measured
 * time in `config.slices` slices), the order reversed from turn to turn (A B, B A, …), with /proc read
 * around each measured slice. Each app's slices are merged into one run (`mergeSlices`). An app that
 * dies or fails is dropped from the rest of the cell (and the round); the others go on.
 */
async function measureCell(
  cell: RoundCell,
  apps: Map<string, AppInRound>,
  repeat: number,
  ctx: RoundContext,
) {
  const { config } = ctx;
  const { scenario, concurrency: c } = cell;
  const live: AppInRound[] = [];
  const fail = (mine: AppInRound, e: unknown): void => {
    mine.error = e instanceof Error ? e.message : String(e);
    log(`${mine.app.name} #${repeat}: dropped for the rest of the round: ${mine.error}`);
  };
  const sliceS = config.durationS / config.slices;
  // Turn by turn, the apps in the cell's order, then reversed (A B, B A, …).
  const inTurn = (turn: number): readonly AppInRound[] => (turn % 2 === 0 ? live : [...live].reverse());
  const loadOf = (running: RunningApp, durationS: number): LoadSpec => ({
    baseUrl: running.baseUrl,
    connections: c,
    timeoutS: REQUEST_TIMEOUT_S,
    durationS,
    firstRequestPauseMs: config.firstRequestPauseMs,
  });
  // Seconds of warm-up each app has left.
  const warmup = new Map<AppInRound, number>();
  for (const app of cell.apps) {
    const mine = apps.get(app.name);
    if (mine?.running === undefined || mine.error !== undefined) continue;
    try {
      const first = !mine.probed.has(scenario.name);
      if (first) {
        await probe(mine.running, scenario);
        mine.probed.add(scenario.name);
      }
      warmup.set(mine, first ? config.firstWarmupS : config.warmupS);
      live.push(mine);
    } catch (e) {
      fail(mine, e);
    }
  }
  // The warm-ups take turns too. One after the other, the first app would then wait through the
  // others' (8 s each before a scenario's first cell) and go idle long enough for its pool to close
  // connections (pg's idle timeout, 10 s): its first slice would open them again.
  for (let turn = 0; [...warmup.values()].some((left) => left > 0); turn++) {
    for (const mine of inTurn(turn)) {
      const left = warmup.get(mine) ?? 0;
      if (left <= 0 || mine.running === undefined || mine.error !== undefined) continue;
      const seconds = Math.max(1, Math.round(Math.min(sliceS, left)));
      warmup.set(mine, left - seconds);
      try {
        await ctx.load(scenario, loadOf(mine.running, seconds));
      } catch (e) {
        warmup.set(mine, 0);
        fail(mine, e);
      }
    }
  }
  await sleep(PAUSE_BEFORE_MS);
  const tallies = new Map<AppInRound, SliceTally>(
    live.map((mine) => [mine, { slices: [], raws: [], cpuMs: 0, hostBusy: [] }]),
  );
  for (let slice = 0; slice < config.slices; slice++) {
    for (const mine of inTurn(slice)) {
      const running = mine.running;
      const tally = tallies.get(mine);
      if (running === undefined || tally === undefined || mine.error !== undefined) continue;
      try {
        const cpuBefore = readCpuMs(running.pid) ?? NaN;
        const hostBefore = readHostCpu();
        const { result, raw, quantiles } = await ctx.load(scenario, loadOf(running, sliceS));
        tally.cpuMs += (readCpuMs(running.pid) ?? NaN) - cpuBefore;
        tally.hostBusy.push(hostBusyPercent(hostBefore, readHostCpu()));
        tally.slices.push({ result, quantiles });
        tally.raws.push(raw);
        if (!running.alive()) throw new Error(`${running.app.name} died during ${scenario.name}`);
      } catch (e) {
        fail(mine, e);
      }
    }
  }
  for (const mine of live) {
    const running = mine.running;
    const tally = tallies.get(mine);
    if (running === undefined || tally === undefined || mine.error !== undefined) continue;
    const memory = readMemory(running.pid);
    if (memory === undefined) {
      fail(mine, new Error(`${running.app.name} died during ${scenario.name}`));
      continue;
    }
    const load = mergeSlices(tally.slices);
    const hostBusy = tally.hostBusy.reduce((a, b) => a + b, 0) / tally.hostBusy.length;
    const record: RunRecord = {
      app: running.app.name,
      repeat,
      scenario: scenario.name,
      concurrency: c,
      load,
      rssKb: memory.rssKb,
      hwmKb: memory.hwmKb,
      cpuMsPerRequest: load.requests > 0 ? tally.cpuMs / load.requests : NaN,
      cpuPercentOfCore: (tally.cpuMs / (load.durationS * 1000)) * 100,
      hostBusyPercent: hostBusy,
    };
    mine.runs.push(record);
    writeFileSync(
      join(ctx.runDir, `${record.app}-r${repeat}-${scenario.name}-c${c}.json`),
      JSON.stringify({ ...record, slices: tally.slices.map((x) => x.result), raw: tally.raws }, null, 2),
    );
    log(
      `${record.app} #${repeat} ${scenario.name} c=${c}: ${load.rps.toFixed(0)} rps, p50 ${load.p50Ms.toFixed(1)} ms, ` +
        `p99 ${load.p99Ms.toFixed(1)} ms, non-2xx ${load.non2xx}, socket errors ${load.socketErrors}, ` +
        `CPU ${record.cpuMsPerRequest.toFixed(3)} ms/req (${record.cpuPercentOfCore.toFixed(0)} % of a core, host ${hostBusy.toFixed(0)} % busy), ` +
        `RSS ${memory.rssKb} kB; slices ${tally.slices.map((x) => x.result.rps.toFixed(0)).join(' ')}`,
    );
  }
  await sleep(PAUSE_AFTER_MS);
}

/**
 * One repeat: fresh tables, every app started (each idle while another is measured), then every cell
 * of {@link roundPlan} measured on its apps ({@link measureCell}). An app that dies or fails a probe is
 * dropped for the rest of the round; the others go on.
 */
async function runRound(repeat: number, ctx: RoundContext): Promise<BlockRecord[]> {
  const { config } = ctx;
  await seed(ctx.url);
  const apps = new Map<string, AppInRound>();
  for (const app of config.apps) {
    apps.set(app.name, await start(app, repeat, ctx));
    ctx.onRunning([...apps.values()].flatMap((a) => (a.running === undefined ? [] : [a.running])));
  }
  for (const cell of roundPlan(config, repeat)) await measureCell(cell, apps, repeat, ctx);
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
  const database = benchDatabase();
  const url = database.url;
  const runId = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(BENCH_DIR, 'results', runId);
  mkdirSync(runDir, { recursive: true });
  const machine = await describeMachine(
    url,
    tool === 'wrk' ? wrkVersion() : 'autocannon 9 (wrk not installed)',
    database.description,
  );
  log(`PostgreSQL: ${database.description}`);
  log(
    `run ${runId}: apps ${config.apps.map((a) => a.name).join(', ')}; ${config.scenarios.length} scenarios; ` +
      `c=${config.concurrencies.join(',')}; ${config.repeats} repeats; ${config.durationS} s runs in ${config.slices} slices + ${config.warmupS} s warm-up (${config.firstWarmupS} s before a scenario's first); ` +
      `${tool}; about ${(estimateSeconds(config) / 60).toFixed(1)} min`,
  );

  let current: readonly RunningApp[] = [];
  const interrupt = (): void => {
    log('interrupted; stopping the apps under test');
    void Promise.all(current.map((running) => running.stop())).then(() => {
      database.stop();
      process.exit(130);
    });
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
  try {
    for (let repeat = 1; repeat <= config.repeats; repeat++) {
      blocks.push(...(await runRound(repeat, ctx)));
    }
  } finally {
    database.stop();
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
