import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './apps.ts';

/** Where `limit.ts` writes the pgbench ceilings and the report reads them (git-ignored, per machine). */
export const LIMIT_FILE = join(BENCH_DIR, 'results', 'limit.json');

/** pgbench's figures for one scenario's SQL. */
export interface ScenarioLimit {
  /** Transactions (= requests of the scenario) per second. */
  readonly tps: number;
  readonly latencyMs: number;
}

/** What `limit.ts` writes: the ceiling of every scenario that touches the database. */
export interface LimitReport {
  readonly date: string;
  readonly pgbench: string;
  /** Connections (the apps' pool size). */
  readonly clients: number;
  readonly seconds: number;
  readonly scenarios: Readonly<Record<string, ScenarioLimit>>;
}

/**
 * The pgbench ceilings measured on this machine, if `node bench/limit.ts` has run.
 *
 * @example
 * ```ts
 * readLimits()?.scenarios.get_by_id_with_details?.tps; // 9800
 * ```
 */
export function readLimits(file: string = LIMIT_FILE): LimitReport | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LimitReport;
}
