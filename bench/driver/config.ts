import { SCENARIOS, type Scenario } from '../scenarios.ts';
import { APPS, type BenchApp, scenariosOf } from './apps.ts';
import { FIRST_REQUEST_PAUSE_MS } from './load-wrk.ts';

export type LoadTool = 'wrk' | 'autocannon';

export interface BenchConfig {
  /** Seconds per measured run (`BENCH_DURATION`). */
  readonly durationS: number;
  /** Seconds of warm-up before each measured run, discarded (`BENCH_WARMUP`). */
  readonly warmupS: number;
  /**
   * Seconds of warm-up before an app's first measured run of a scenario in a round, in place of
   * `warmupS` (`BENCH_FIRST_WARMUP`): a route's code is still being optimized seconds into its life
   * (bench/ANALYSIS.md, 2026-12-07 evening), and the run measures the server it settles into.
   */
  readonly firstWarmupS: number;
  /**
   * Slices each measured run is cut into (`BENCH_SLICES`): the apps of a cell take turns slice by slice
   * (A B, B A, …), so that a moment of a busy machine weighs on every app of the cell alike. A slice
   * lasts `durationS / slices` whole seconds (wrk takes whole seconds).
   */
  readonly slices: number;
  /**
   * Milliseconds each wrk connection waits before its first request (`BENCH_FIRST_REQUEST_PAUSE`, 0 for
   * none), so that the server has accepted every connection of a slice before the load starts (see
   * `FIRST_REQUEST_PAUSE_MS` in driver/load-wrk.ts).
   */
  readonly firstRequestPauseMs: number;
  readonly repeats: number;
  readonly concurrencies: readonly number[];
  readonly scenarios: readonly Scenario[];
  readonly apps: readonly BenchApp[];
  /** `BENCH_TOOL`; default wrk when it is on PATH. */
  readonly tool: LoadTool | undefined;
  readonly poolMax: number;
  /** Where RESULTS.md and the chart go (`BENCH_REPORT_DIR`, default the bench folder). */
  readonly reportDir: string | undefined;
}

export const DEFAULTS = {
  durationS: 5,
  warmupS: 2,
  firstWarmupS: 8,
  slices: 5,
  firstRequestPauseMs: FIRST_REQUEST_PAUSE_MS,
  repeats: 5,
  concurrencies: [20, 100],
  poolMax: 15,
} as const;
/** Pauses around each measured run, as in the Python anchor (0.5 s before, 1 s after). */
export const PAUSE_BEFORE_MS = 500;
export const PAUSE_AFTER_MS = 1000;

function positiveNumber(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${key} must be a positive number, got ${raw}`);
  return value;
}

function list(env: NodeJS.ProcessEnv, key: string): string[] | undefined {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function pick<T extends { name: string }>(all: readonly T[], names: string[] | undefined, key: string): T[] {
  if (names === undefined) return [...all];
  return names.map((name) => {
    const found = all.find((item) => item.name === name);
    if (found === undefined) {
      throw new Error(`${key}: unknown ${name}; known: ${all.map((item) => item.name).join(', ')}`);
    }
    return found;
  });
}

/**
 * Reads the run configuration: BENCH_QUICK (1: 2 s runs, 1 s warm-ups, one repeat), BENCH_DURATION, BENCH_WARMUP,
 * BENCH_FIRST_WARMUP, BENCH_SLICES, BENCH_REPEATS, BENCH_CONCURRENCY (e.g.
 * "20,100"), BENCH_SCENARIOS and BENCH_APPS (comma-separated names), BENCH_TOOL (wrk | autocannon),
 * PG_POOL_MAX, BENCH_REPORT_DIR.
 */
/** `BENCH_QUICK=1`: a short run (each value still overridable by its own variable). */
export const QUICK = { durationS: 2, warmupS: 1, firstWarmupS: 1, slices: 1, repeats: 1 } as const;

export function readConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const base = env.BENCH_QUICK === '1' ? { ...DEFAULTS, ...QUICK } : DEFAULTS;
  const concurrencies = (list(env, 'BENCH_CONCURRENCY') ?? DEFAULTS.concurrencies.map(String)).map((c) => {
    const n = Number(c);
    if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_CONCURRENCY: bad value ${c}`);
    return n;
  });
  const tool = env.BENCH_TOOL;
  if (tool !== undefined && tool !== '' && tool !== 'wrk' && tool !== 'autocannon') {
    throw new Error(`BENCH_TOOL must be wrk or autocannon, got ${tool}`);
  }
  const durationS = positiveNumber(env, 'BENCH_DURATION', base.durationS);
  const slices = Math.round(positiveNumber(env, 'BENCH_SLICES', base.slices));
  if (!Number.isInteger(durationS / slices)) {
    throw new Error(
      `BENCH_SLICES: ${slices} slices of a ${durationS} s run are not whole seconds (wrk takes whole seconds)`,
    );
  }
  const pauseRaw = env.BENCH_FIRST_REQUEST_PAUSE;
  const firstRequestPauseMs =
    pauseRaw === undefined || pauseRaw === '' ? DEFAULTS.firstRequestPauseMs : Number(pauseRaw);
  if (
    !Number.isInteger(firstRequestPauseMs) ||
    firstRequestPauseMs < 0 ||
    firstRequestPauseMs >= (durationS * 1000) / slices
  ) {
    throw new Error(
      `BENCH_FIRST_REQUEST_PAUSE must be whole milliseconds, 0 or more and shorter than a slice, got ${pauseRaw}`,
    );
  }
  return {
    durationS,
    slices,
    firstRequestPauseMs,
    warmupS: positiveNumber(env, 'BENCH_WARMUP', base.warmupS),
    firstWarmupS: positiveNumber(env, 'BENCH_FIRST_WARMUP', base.firstWarmupS),
    repeats: Math.round(positiveNumber(env, 'BENCH_REPEATS', base.repeats)),
    concurrencies,
    scenarios: pick(SCENARIOS, list(env, 'BENCH_SCENARIOS'), 'BENCH_SCENARIOS'),
    apps:
      list(env, 'BENCH_APPS') === undefined
        ? APPS.filter((app) => app.onlyWhenNamed !== true)
        : pick(APPS, list(env, 'BENCH_APPS'), 'BENCH_APPS'),
    tool: tool === 'wrk' || tool === 'autocannon' ? tool : undefined,
    poolMax: Math.round(positiveNumber(env, 'PG_POOL_MAX', DEFAULTS.poolMax)),
    reportDir:
      env.BENCH_REPORT_DIR === undefined || env.BENCH_REPORT_DIR === '' ? undefined : env.BENCH_REPORT_DIR,
  };
}

/**
 * Seconds the whole matrix takes, roughly: per cell, each app's warm-up (the longer first one once per
 * app, scenario and round) and measured run, + the pauses around the cell's slices; + ~3 s per app and
 * round for seed and boot.
 */
export function estimateSeconds(config: BenchConfig): number {
  const pausesS = (PAUSE_BEFORE_MS + PAUSE_AFTER_MS) / 1000;
  let perRound = 0;
  for (const app of config.apps) {
    const scenarios = scenariosOf(app, config.scenarios).length;
    perRound += 3 + scenarios * (config.firstWarmupS - config.warmupS);
  }
  for (const cell of roundPlan(config, 1)) {
    perRound += cell.apps.length * (config.warmupS + config.durationS) + pausesS;
  }
  return config.repeats * perRound;
}

/** One cell of a round: a scenario at one concurrency, and the apps measured on it, in this order. */
export interface RoundCell {
  readonly scenario: Scenario;
  readonly concurrency: number;
  readonly apps: readonly BenchApp[];
}

/**
 * What a round (one repeat) measures, in order: every scenario at every concurrency, each measured on
 * every app that runs it. The app order alternates from one cell to the next and from one round to the
 * next (A B, B A, …), so no app is always warmed or measured first. Within a cell the apps take turns
 * in slices of a second or so (`slices`), which is what lets their ratio survive a shared machine whose
 * speed drifts from one second to the next.
 */
export function roundPlan(config: BenchConfig, repeat: number): RoundCell[] {
  const cells: RoundCell[] = [];
  for (const scenario of config.scenarios) {
    for (const concurrency of config.concurrencies) {
      const apps = config.apps.filter((app) => scenariosOf(app, [scenario]).length > 0);
      const forward = (cells.length + repeat) % 2 === 1;
      cells.push({ scenario, concurrency, apps: forward ? apps : [...apps].reverse() });
    }
  }
  return cells;
}
