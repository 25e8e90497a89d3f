/**
 * `npm run bench`: seeds, then runs every scenario at every concurrency against every app, in
 * alternating blocks, and writes RESULTS.md, results-chart.svg and per-run JSON under results/.
 * Configuration through env: see driver/config.ts and README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { databaseUrl } from './db-url.ts';
import { httpStatus, type RunningApp, startApp } from './driver/app-process.ts';
import { BENCH_DIR, type BenchApp, scenariosOf } from './driver/apps.ts';
import {
  type BenchConfig,
  blockOrder,
  estimateSeconds,
  PAUSE_AFTER_MS,
  PAUSE_BEFORE_MS,
  readConfig,
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

/** The scenario's first request must answer its expected status before it is measured. */
async function probe(running: RunningApp, scenario: Scenario): Promise<void> {
  const req = scenario.request(0, seededIds());
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

interface BlockContext {
  readonly config: BenchConfig;
  readonly load: Load;
  readonly url: string;
  readonly runDir: string;
  readonly onStart: (running: RunningApp | undefined) => void;
}

async function runBlock(app: BenchApp, repeat: number, ctx: BlockContext): Promise<BlockRecord> {
  const { config } = ctx;
  await seed(ctx.url);
  let running: RunningApp;
  try {
    running = await startApp(app, {
      databaseUrl: ctx.url,
      poolMax: config.poolMax,
      logFile: join(ctx.runDir, `${app.name}-r${repeat}.log`),
    });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    log(`${app.name} #${repeat}: did not start: ${error}`);
    return {
      app: app.name,
      repeat,
      startupMs: NaN,
      rssReadyKb: NaN,
      rssEndKb: NaN,
      hwmKb: NaN,
      runs: [],
      error,
    };
  }
  ctx.onStart(running);
  const ready = readMemory(running.pid);
  log(`${app.name} #${repeat}: ready in ${running.startupMs.toFixed(0)} ms, RSS ${ready?.rssKb ?? '?'} kB`);
  const runs: RunRecord[] = [];
  let error: string | undefined;
  try {
    for (const scenario of scenariosOf(app, config.scenarios)) {
      await probe(running, scenario);
      for (const c of config.concurrencies) {
        const spec = { baseUrl: running.baseUrl, connections: c, timeoutS: REQUEST_TIMEOUT_S };
        await ctx.load(scenario, { ...spec, durationS: config.warmupS });
        await sleep(PAUSE_BEFORE_MS);
        const cpuBefore = readCpuMs(running.pid) ?? NaN;
        const hostBefore = readHostCpu();
        const { result, raw } = await ctx.load(scenario, { ...spec, durationS: config.durationS });
        const cpuAfter = readCpuMs(running.pid) ?? NaN;
        const hostBusy = hostBusyPercent(hostBefore, readHostCpu());
        const memory = readMemory(running.pid);
        if (!running.alive() || memory === undefined)
          throw new Error(`${app.name} died during ${scenario.name}`);
        const cpuMs = cpuAfter - cpuBefore;
        const record: RunRecord = {
          app: app.name,
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
        runs.push(record);
        writeFileSync(
          join(ctx.runDir, `${app.name}-r${repeat}-${scenario.name}-c${c}.json`),
          JSON.stringify({ ...record, raw }, null, 2),
        );
        log(
          `${app.name} #${repeat} ${scenario.name} c=${c}: ${result.rps.toFixed(0)} rps, p50 ${result.p50Ms.toFixed(1)} ms, ` +
            `p99 ${result.p99Ms.toFixed(1)} ms, non-2xx ${result.non2xx}, socket errors ${result.socketErrors}, ` +
            `CPU ${record.cpuMsPerRequest.toFixed(3)} ms/req (${record.cpuPercentOfCore.toFixed(0)} % of a core, host ${hostBusy.toFixed(0)} % busy), ` +
            `RSS ${memory.rssKb} kB`,
        );
        await sleep(PAUSE_AFTER_MS);
      }
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    log(`${app.name} #${repeat}: block aborted: ${error}`);
  }
  const end = readMemory(running.pid);
  await running.stop();
  ctx.onStart(undefined);
  return {
    app: app.name,
    repeat,
    startupMs: running.startupMs,
    rssReadyKb: ready?.rssKb ?? NaN,
    rssEndKb: end?.rssKb ?? NaN,
    hwmKb: end?.hwmKb ?? NaN,
    runs,
    ...(error === undefined ? {} : { error }),
  };
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
      `c=${config.concurrencies.join(',')}; ${config.repeats} repeats; ${config.durationS} s runs + ${config.warmupS} s warm-up; ` +
      `${tool}; about ${(estimateSeconds(config) / 60).toFixed(1)} min`,
  );

  let current: RunningApp | undefined;
  const interrupt = (): void => {
    log('interrupted; stopping the app under test');
    void (current?.stop() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const started = performance.now();
  const ctx: BlockContext = {
    config,
    load: loadFunction(tool, join(runDir, 'wrk')),
    url,
    runDir,
    onStart: (running) => {
      current = running;
    },
  };
  const blocks: BlockRecord[] = [];
  for (const { app, repeat } of blockOrder(config)) {
    blocks.push(await runBlock(app, repeat, ctx));
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
