import type { LoadResult } from './load-result.ts';

/** One measured run: the load result plus what the driver read from /proc around it. */
export interface RunRecord {
  readonly app: string;
  readonly repeat: number;
  readonly scenario: string;
  readonly concurrency: number;
  readonly load: LoadResult;
  /** VmRSS / VmHWM right after the run, kB. */
  readonly rssKb: number;
  readonly hwmKb: number;
  /** App CPU (user + system) during the measured run. */
  readonly cpuMsPerRequest: number;
  readonly cpuPercentOfCore: number;
  /** All host cores: share busy during the run (app + PostgreSQL + load client + anything else). */
  readonly hostBusyPercent: number;
}

export interface BlockRecord {
  readonly app: string;
  readonly repeat: number;
  readonly startupMs: number;
  readonly rssReadyKb: number;
  readonly rssEndKb: number;
  readonly hwmKb: number;
  readonly runs: RunRecord[];
  /** Set when the app died or a run failed; the remaining runs of the block were skipped. */
  readonly error?: string;
}

export interface CellSummary {
  readonly app: string;
  readonly scenario: string;
  readonly concurrency: number;
  readonly repeats: number;
  readonly rps: number;
  readonly rpsPerRepeat: number[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly cpuMsPerRequest: number;
  readonly cpuPercentOfCore: number;
  readonly hostBusyPercent: number;
  readonly bytesPerResponse: number;
}

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Medians over the repeats of one (app, scenario, concurrency); errors summed; max is the worst. */
export function summarize(
  blocks: readonly BlockRecord[],
  app: string,
  scenario: string,
  c: number,
): CellSummary | undefined {
  const runs = blocks
    .filter((b) => b.app === app)
    .sort((a, b) => a.repeat - b.repeat)
    .flatMap((b) => b.runs.filter((r) => r.scenario === scenario && r.concurrency === c));
  if (runs.length === 0) return undefined;
  return {
    app,
    scenario,
    concurrency: c,
    repeats: runs.length,
    rps: median(runs.map((r) => r.load.rps)),
    rpsPerRepeat: runs.map((r) => r.load.rps),
    p50Ms: median(runs.map((r) => r.load.p50Ms)),
    p99Ms: median(runs.map((r) => r.load.p99Ms)),
    maxMs: Math.max(...runs.map((r) => r.load.maxMs)),
    non2xx: sum(runs.map((r) => r.load.non2xx)),
    socketErrors: sum(runs.map((r) => r.load.socketErrors)),
    cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
    cpuPercentOfCore: median(runs.map((r) => r.cpuPercentOfCore)),
    hostBusyPercent: median(runs.map((r) => r.hostBusyPercent)),
    bytesPerResponse: median(runs.map((r) => (r.load.requests > 0 ? r.load.bytes / r.load.requests : 0))),
  };
}

/** A figure of one measured run that two apps can be compared on. */
export type RunMetric = 'rps' | 'p50Ms' | 'p99Ms';

/**
 * `app`'s figure (RPS by default) over `base`'s in each repeat where both ran the cell: the two took
 * turns slice by slice in that round, so each ratio saw the same moments of the machine (the paired
 * spread of the cell).
 */
export function ratiosPerRepeat(
  blocks: readonly BlockRecord[],
  app: string,
  base: string,
  scenario: string,
  c: number,
  metric: RunMetric = 'rps',
): number[] {
  const figureIn = (name: string, repeat: number): number | undefined =>
    blocks
      .find((b) => b.app === name && b.repeat === repeat)
      ?.runs.find((r) => r.scenario === scenario && r.concurrency === c)?.load[metric];
  const repeats = [...new Set(blocks.map((b) => b.repeat))].sort((a, b) => a - b);
  const ratios: number[] = [];
  for (const repeat of repeats) {
    const mine = figureIn(app, repeat);
    const theirs = figureIn(base, repeat);
    if (mine !== undefined && theirs !== undefined && theirs > 0) ratios.push(mine / theirs);
  }
  return ratios;
}

/**
 * The ratio the report gives for a cell: the median of {@link ratiosPerRepeat}. Each round's ratio is
 * paired (the apps shared its seconds), while the machine's speed moves between rounds, so the median of
 * the rounds' ratios is steadier than a ratio of two medians, which may come from different rounds.
 * NaN when no round ran both apps.
 *
 * @example
 * ```ts
 * pairedRatio(blocks, 'loom', 'native', 'ping', 20); // 0.97
 * pairedRatio(blocks, 'loom', 'native', 'ping', 100, 'p99Ms'); // 1.4
 * ```
 */
export function pairedRatio(
  blocks: readonly BlockRecord[],
  app: string,
  base: string,
  scenario: string,
  c: number,
  metric: RunMetric = 'rps',
): number {
  return median(ratiosPerRepeat(blocks, app, base, scenario, c, metric));
}
