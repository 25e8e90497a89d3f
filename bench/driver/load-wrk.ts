import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenarios.ts';
import { BENCH_DIR } from './apps.ts';
import type { LoadResult, LoadSpec } from './load-result.ts';
import type { LatencyQuantiles } from './load-slices.ts';

/** The path of wrk when it is installed, else undefined. */
export function findWrk(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function wrkVersion(): string {
  try {
    execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // `wrk -v` prints its version and exits with status 1.
    const out = (error as { stdout?: string }).stdout ?? '';
    return (out.split('\n')[0] ?? 'wrk').replace(/\s*Copyright.*$/, '').trim();
  }
  return 'wrk';
}

/** Writes `common.lua` + the scenario's body to `<dir>/<scenario>.lua` and returns the path. */
export function writeWrkScript(scenario: Scenario, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const common = readFileSync(join(BENCH_DIR, 'wrk', 'common.lua'), 'utf8');
  const file = join(dir, `${scenario.name}.lua`);
  writeFileSync(file, `${common}\n-- ${scenario.name}: ${scenario.method} ${scenario.path}\n${scenario.lua}`);
  return file;
}

interface WrkJson {
  requests: number;
  duration_us: number;
  bytes: number;
  err_connect: number;
  err_read: number;
  err_write: number;
  err_timeout: number;
  non2xx: number;
  non2xx_codes: Record<string, number>;
  lat_p50_us: number;
  lat_p90_us: number;
  lat_p99_us: number;
  lat_max_us: number;
  lat_mean_us: number;
}

const QUANTILES_PREFIX = 'latency-quantiles-us';

/** The `latency-quantiles-us p µs p µs …` line common.lua prints, as pairs; undefined when absent. */
function quantilesOf(lines: readonly string[]): LatencyQuantiles | undefined {
  const line = lines.find((l) => l.startsWith(QUANTILES_PREFIX));
  if (line === undefined) return undefined;
  const numbers = line.slice(QUANTILES_PREFIX.length).trim().split(/\s+/).filter(Boolean).map(Number);
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) pairs.push([numbers[i] ?? 0, numbers[i + 1] ?? 0]);
  return pairs.sort((a, b) => a[0] - b[0]);
}

/**
 * The pause before each connection's first request (common.lua's `delay()`): long enough for an idle
 * server to accept 100 connections, which Node does one per event-loop turn. The run's duration
 * counts from the end of the pause.
 */
export const FIRST_REQUEST_PAUSE_MS = 100;

/**
 * `wrk -t1 -cC -dDs --timeout Ts --latency -s script URL -- C pause` (whole seconds, as wrk takes
 * them); parses the JSON line and the latency quantiles common.lua prints in done(). `raw` is wrk's
 * output without the quantiles line. Every connection opens, then waits `spec.firstRequestPauseMs`
 * (default {@link FIRST_REQUEST_PAUSE_MS}) before its first request; RPS is over the time after that pause.
 */
export function runWrk(
  script: string,
  spec: LoadSpec,
): Promise<{ result: LoadResult; raw: string; quantiles: LatencyQuantiles | undefined }> {
  const pauseMs = spec.firstRequestPauseMs ?? FIRST_REQUEST_PAUSE_MS;
  const args = [
    '-t1',
    `-c${spec.connections}`,
    `-d${spec.durationS}s`,
    '--timeout',
    `${spec.timeoutS}s`,
    '--latency',
    '-s',
    script,
    spec.baseUrl,
    '--',
    String(spec.connections),
    String(pauseMs),
  ];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
        return;
      }
      const lines = stdout.trim().split('\n');
      const line = [...lines].reverse().find((l) => l.startsWith('{'));
      if (line === undefined) {
        reject(new Error(`wrk printed no JSON summary:\n${stdout}`));
        return;
      }
      const j = JSON.parse(line) as WrkJson;
      const durationS = Math.max(j.duration_us / 1e6 - pauseMs / 1000, Number.EPSILON);
      const socketErrors = j.err_connect + j.err_read + j.err_write + j.err_timeout;
      resolve({
        raw: lines.filter((l) => !l.startsWith(QUANTILES_PREFIX)).join('\n'),
        quantiles: quantilesOf(lines),
        result: {
          tool: 'wrk',
          requests: j.requests,
          durationS,
          rps: j.requests / durationS,
          bytes: j.bytes,
          p50Ms: j.lat_p50_us / 1000,
          p90Ms: j.lat_p90_us / 1000,
          p99Ms: j.lat_p99_us / 1000,
          maxMs: j.lat_max_us / 1000,
          meanMs: j.lat_mean_us / 1000,
          non2xx: j.non2xx,
          non2xxCodes: j.non2xx_codes,
          socketErrors,
          timeouts: j.err_timeout,
        },
      });
    });
  });
}
