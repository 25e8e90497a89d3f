import type { LoadResult } from './load-result.ts';

/**
 * The latency distribution of one load run as wrk reports it: `[percent, µs]` pairs, ascending, from
 * `latency:percentile(percent)` on a grid that is fine in the tail (see `bench/wrk/common.lua`; wrk
 * gives no cheap way to read its raw buckets). Coordinated-omission corrected, as wrk's percentiles are.
 */
export type LatencyQuantiles = readonly (readonly [number, number])[];

/** One slice of a measured run: what the load tool reported, and its quantiles when it has them. */
export interface LoadSlice {
  readonly result: LoadResult;
  readonly quantiles?: LatencyQuantiles | undefined;
}

/** A latency distribution as weighted values: `[µs, weight]`, ascending by µs. */
type Weighted = readonly (readonly [number, number])[];

/**
 * The quantiles of several runs as one distribution: each run's grid becomes weights (the share of
 * its requests between one grid point and the previous one, put at the upper point's value), added up
 * per value. Percentiles of the sum are exact at the grid points for one run and, for several, as
 * fine as the grid.
 *
 * @example
 * ```ts
 * const all = weightedLatencies([{ requests: 100, quantiles: [[50, 900], [100, 4_000]] }]);
 * weightedPercentile(all, 50); // 900
 * ```
 */
export function weightedLatencies(
  runs: readonly { readonly requests: number; readonly quantiles: LatencyQuantiles }[],
): Weighted {
  const weights = new Map<number, number>();
  for (const { requests, quantiles } of runs) {
    let previous = 0;
    for (const [percent, value] of quantiles) {
      const weight = ((percent - previous) / 100) * requests;
      previous = percent;
      if (weight > 0) weights.set(value, (weights.get(value) ?? 0) + weight);
    }
  }
  return [...weights].sort((a, b) => a[0] - b[0]);
}

/**
 * The percentile `p` (0–100) of weighted values: the smallest value whose running weight reaches
 * `p` % of the total (wrk's rule on its own buckets, less its half-sample rounding).
 */
export function weightedPercentile(values: Weighted, p: number): number {
  let total = 0;
  for (const [, weight] of values) total += weight;
  if (total === 0) return 0;
  // The grid's steps add up with rounding errors; a hair below the rank still reaches it.
  const rank = (p / 100) * total - total * 1e-9;
  let seen = 0;
  for (const [value, weight] of values) {
    seen += weight;
    if (seen >= rank) return value;
  }
  return values[values.length - 1]?.[0] ?? 0;
}

/**
 * One app's measured run of a cell, from the slices it was measured in (the apps of a cell take turns,
 * slice by slice, so that they share the machine's moments): requests, bytes, errors and time added;
 * RPS = requests / time; p50, p90 and p99 of the slices' quantiles put together when every slice has
 * them (wrk), else weighted by each slice's requests (autocannon: an approximation); the mean weighted
 * by requests; max the worst slice's.
 *
 * @example
 * ```ts
 * const run = mergeSlices([first, second, third]);
 * run.rps; // all requests over all measured seconds
 * ```
 */
export function mergeSlices(slices: readonly LoadSlice[]): LoadResult {
  const first = slices[0];
  if (first === undefined) throw new Error('mergeSlices: no slices');
  if (slices.length === 1) return first.result;
  let requests = 0;
  let durationS = 0;
  let bytes = 0;
  let non2xx = 0;
  let socketErrors = 0;
  let timeouts = 0;
  let maxMs = 0;
  // The mean of all requests: each slice's mean weighted by its requests.
  let meanSum = 0;
  const non2xxCodes: Record<string, number> = {};
  for (const { result } of slices) {
    requests += result.requests;
    durationS += result.durationS;
    bytes += result.bytes;
    non2xx += result.non2xx;
    socketErrors += result.socketErrors;
    timeouts += result.timeouts;
    maxMs = Math.max(maxMs, result.maxMs);
    meanSum += result.meanMs * result.requests;
    for (const [code, count] of Object.entries(result.non2xxCodes)) {
      non2xxCodes[code] = (non2xxCodes[code] ?? 0) + count;
    }
  }
  const percentiles = slices.every((slice) => slice.quantiles !== undefined)
    ? percentilesOfQuantiles(
        weightedLatencies(
          slices.map((slice) => ({ requests: slice.result.requests, quantiles: slice.quantiles ?? [] })),
        ),
      )
    : weightedPercentiles(slices, requests);
  return {
    tool: first.result.tool,
    requests,
    durationS,
    rps: durationS > 0 ? requests / durationS : 0,
    bytes,
    ...percentiles,
    meanMs: requests > 0 ? meanSum / requests : 0,
    maxMs,
    non2xx,
    non2xxCodes,
    socketErrors,
    timeouts,
  };
}

type Percentiles = Pick<LoadResult, 'p50Ms' | 'p90Ms' | 'p99Ms'>;

function percentilesOfQuantiles(values: Weighted): Percentiles {
  return {
    p50Ms: weightedPercentile(values, 50) / 1000,
    p90Ms: weightedPercentile(values, 90) / 1000,
    p99Ms: weightedPercentile(values, 99) / 1000,
  };
}

/** Each slice's percentiles weighted by its requests (`requests` = all slices' together). */
function weightedPercentiles(slices: readonly LoadSlice[], requests: number): Percentiles {
  if (requests === 0) return { p50Ms: 0, p90Ms: 0, p99Ms: 0 };
  const sums = { p50Ms: 0, p90Ms: 0, p99Ms: 0 };
  for (const { result } of slices) {
    sums.p50Ms += result.p50Ms * result.requests;
    sums.p90Ms += result.p90Ms * result.requests;
    sums.p99Ms += result.p99Ms * result.requests;
  }
  return { p50Ms: sums.p50Ms / requests, p90Ms: sums.p90Ms / requests, p99Ms: sums.p99Ms / requests };
}
