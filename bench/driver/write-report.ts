import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_APP, BENCH_DIR } from './apps.ts';
import { renderChart } from './chart-svg.ts';
import { type BenchConfig, readConfig } from './config.ts';
import { readLimits } from './limit-file.ts';
import type { MachineInfo } from './machine.ts';
import { renderResults } from './report-md.ts';
import type { BlockRecord } from './results.ts';

/** Hand-written findings appended to RESULTS.md: where the time goes in the cells below target. */
export const ANALYSIS_FILE = join(BENCH_DIR, 'ANALYSIS.md');

/** What a run leaves in `results/<run-id>/summary.json`: enough to render the report again. */
export interface RunSummary {
  readonly runId: string;
  readonly machine: MachineInfo;
  readonly wallSeconds: number;
  readonly loadAverageEnd: readonly number[];
  readonly config: BenchConfig;
  readonly blocks: readonly BlockRecord[];
}

/**
 * The configuration of a saved run, rebuilt from the names and numbers its summary kept (a summary
 * written before `firstWarmupS`, `slices` or `firstRequestPauseMs` existed lacks them).
 */
export function configOf(
  saved: Omit<BenchConfig, 'firstWarmupS' | 'slices' | 'firstRequestPauseMs'> & {
    readonly firstWarmupS?: number;
    readonly slices?: number;
    readonly firstRequestPauseMs?: number;
  },
): BenchConfig {
  return readConfig({
    BENCH_DURATION: String(saved.durationS),
    BENCH_WARMUP: String(saved.warmupS),
    // Runs saved before the first warm-up existed warmed every run alike.
    BENCH_FIRST_WARMUP: String(saved.firstWarmupS ?? saved.warmupS),
    // And before slices, as one slice per run.
    BENCH_SLICES: String(saved.slices ?? 1),
    // And before the pause, with none.
    BENCH_FIRST_REQUEST_PAUSE: String(saved.firstRequestPauseMs ?? 0),
    BENCH_REPEATS: String(saved.repeats),
    BENCH_CONCURRENCY: saved.concurrencies.join(','),
    BENCH_SCENARIOS: saved.scenarios.map((s) => s.name).join(','),
    BENCH_APPS: saved.apps.map((a) => a.name).join(','),
    PG_POOL_MAX: String(saved.poolMax),
    ...(saved.tool === undefined ? {} : { BENCH_TOOL: saved.tool }),
    ...(saved.reportDir === undefined ? {} : { BENCH_REPORT_DIR: saved.reportDir }),
  });
}

/** Writes RESULTS.md (with ANALYSIS.md appended when present) and results-chart.svg for a run. */
export function writeReport(summary: RunSummary, reportDir: string): void {
  const { config, machine, blocks } = summary;
  const { BENCH_APPS: _a, BENCH_SCENARIOS: _s, BENCH_CONCURRENCY: _c, ...unfiltered } = process.env;
  // Tables and chart list the baseline first, whatever the alternation order.
  const limits = readLimits();
  const appNames = config.apps
    .map((a) => a.name)
    .sort((a, b) => Number(b === BASELINE_APP) - Number(a === BASELINE_APP));
  // BENCH_REPORT_DIR may name a folder that does not exist yet; the run's results must not be lost to it.
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(
    join(reportDir, 'RESULTS.md'),
    renderResults({
      config,
      fullMatrix: readConfig(unfiltered),
      defaults: readConfig({}),
      machine,
      blocks,
      runId: summary.runId,
      wallSeconds: summary.wallSeconds,
      appNames,
      loadAverageEnd: summary.loadAverageEnd,
      ...(existsSync(ANALYSIS_FILE) ? { analysis: readFileSync(ANALYSIS_FILE, 'utf8') } : {}),
      ...(limits === undefined ? {} : { limits }),
    }),
  );
  writeFileSync(
    join(reportDir, 'results-chart.svg'),
    renderChart({
      scenarios: config.scenarios,
      concurrencies: config.concurrencies,
      appNames,
      blocks,
      title: `Median requests/s, ${appNames.join(' vs ')} (${machine.nproc} CPU, ${config.durationS} s runs × ${config.repeats})`,
    }),
  );
}
