/**
 * Renders RESULTS.md and results-chart.svg again from a saved run, e.g. after editing ANALYSIS.md:
 *
 *   node bench/report.ts                      # the latest run under bench/results/
 *   node bench/report.ts 2026-11-28T15-00-00-000Z
 *   BENCH_REPORT_DIR=/tmp/x node bench/report.ts   # somewhere else than the run's own report folder
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './driver/apps.ts';
import { configOf, type RunSummary, writeReport } from './driver/write-report.ts';

const resultsDir = join(BENCH_DIR, 'results');
const runId =
  process.argv[2] ??
  readdirSync(resultsDir)
    .filter((name) => existsSync(join(resultsDir, name, 'summary.json')))
    .sort()
    .at(-1);
if (runId === undefined) throw new Error(`no run with a summary.json under ${resultsDir}`);
const saved = JSON.parse(readFileSync(join(resultsDir, runId, 'summary.json'), 'utf8')) as RunSummary;
const config = configOf(saved.config);
// BENCH_REPORT_DIR now wins over the run's own: a run written elsewhere can be rendered into bench/.
const reportDir = process.env.BENCH_REPORT_DIR || (config.reportDir ?? BENCH_DIR);
writeReport({ ...saved, config, loadAverageEnd: saved.loadAverageEnd ?? [] }, reportDir);
console.log(`rendered run ${runId} into ${reportDir}`);
