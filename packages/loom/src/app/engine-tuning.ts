import v8 from 'node:v8';
import type { RuntimeConfig } from '../config/index.ts';

const PRETENURING_FLAG = /--(no-)?allocation[-_]site[-_]pretenuring\b/;

/** Where an explicit engine flag could have been given: node's command line (`NODE_OPTIONS` refuses V8 flags). */
export interface EngineFlagSources {
  readonly execArgv: readonly string[];
}

/**
 * The V8 flags {@link tuneEngine} would set for `runtime`, leaving out any given on node's command line
 * (the operator's choice wins).
 *
 * @example
 * ```ts
 * engineFlagsFor({ allocationSitePretenuring: false }, { execArgv: [] });
 * // ['--no-allocation-site-pretenuring']
 * ```
 */
export function engineFlagsFor(runtime: RuntimeConfig, sources: EngineFlagSources): string[] {
  const explicit = sources.execArgv.some((arg) => PRETENURING_FLAG.test(arg));
  if (explicit || runtime.allocationSitePretenuring) return [];
  return ['--no-allocation-site-pretenuring'];
}

/**
 * Applies `app.runtime` to this process's JavaScript engine, before the app allocates its long-lived
 * state. Allocation-site pretenuring is turned off unless configured or given on the command line: V8
 * decides to allocate an object literal's instances in the old generation when ≥ 85 % of them survive
 * one young collection, and a burst of new connections (each socket's event-listener table comes from
 * the same literal in Node's `events` module as every request's) makes that call for the whole
 * process. From then on each request's dead tables sit in the old generation holding references to the
 * request's young objects, which young collections must keep and promote: megabytes per collection,
 * 10–25 µs of CPU per request in the benchmark (bench/ANALYSIS.md). The flag is process-wide and stays
 * set; a process that never starts a loom app keeps V8's default.
 *
 * @example
 * ```ts
 * tuneEngine(config.app.runtime);
 * ```
 */
export function tuneEngine(
  runtime: RuntimeConfig,
  sources: EngineFlagSources = { execArgv: process.execArgv },
): void {
  for (const flag of engineFlagsFor(runtime, sources)) v8.setFlagsFromString(flag);
}
