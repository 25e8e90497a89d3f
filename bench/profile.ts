/**
 * Profiles one app on one scenario: starts it under `node --cpu-prof` on freshly seeded tables, warms it
 * up, loads it with wrk (or autocannon) for the measured run, stops it, and prints where the CPU time
 * went (self time by area and by function) next to the run's figures.
 *
 *   node bench/profile.ts loom get_by_id_with_details          # c=20, 10 s
 *   PROFILE_C=100 PROFILE_SECONDS=5 node bench/profile.ts native pricing_preview_input_compute
 *
 * The profile is written to bench/results/profiles/<app>-<scenario>-c<c>.cpuprofile (git-ignored); open
 * it in Chrome DevTools or VS Code for the call tree.
 */
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startApp } from './driver/app-process.ts';
import { APPS, BENCH_DIR } from './driver/apps.ts';
import { benchDatabase } from './driver/bench-postgres.ts';
import { formatProfile, summarizeProfile } from './driver/cpu-profile.ts';
import { runAutocannon } from './driver/load-autocannon.ts';
import { findWrk, runWrk, writeWrkScript } from './driver/load-wrk.ts';
import { readCpuMs } from './driver/proc-stats.ts';
import { SCENARIOS } from './scenarios.ts';
import { seedBenchData } from './seed.ts';

const [appName = 'loom', scenarioName = 'ping'] = process.argv.slice(2);
const app = APPS.find((a) => a.name === appName);
const scenario = SCENARIOS.find((s) => s.name === scenarioName);
if (app === undefined || scenario === undefined) {
  console.error(
    `usage: node bench/profile.ts <${APPS.map((a) => a.name).join('|')}> <${SCENARIOS.map((s) => s.name).join('|')}>`,
  );
  process.exit(2);
}
const connections = Number(process.env.PROFILE_C ?? 20);
const seconds = Number(process.env.PROFILE_SECONDS ?? 10);
const outDir = join(BENCH_DIR, 'results', 'profiles');
const tmpDir = join(outDir, `tmp-${process.pid}`);
mkdirSync(tmpDir, { recursive: true });

const database = benchDatabase();
const url = database.url;
const client = new pg.Client({ connectionString: url });
await client.connect();
await seedBenchData(client);
await client.end();

const [node, ...rest] = app.command;
if (node === undefined) throw new Error(`app ${app.name}: empty command`);
const running = await startApp(
  { ...app, command: [node, '--cpu-prof', `--cpu-prof-dir=${tmpDir}`, ...rest] },
  { databaseUrl: url, poolMax: 15, logFile: join(tmpDir, 'app.log') },
);
const wrk = findWrk();
const spec = { baseUrl: running.baseUrl, connections, timeoutS: 10 };
const load = (durationS: number) =>
  wrk === undefined
    ? runAutocannon(scenario, { ...spec, durationS })
    : runWrk(writeWrkScript(scenario, tmpDir), { ...spec, durationS });
await load(2);
const cpuBefore = readCpuMs(running.pid) ?? Number.NaN;
const { result } = await load(seconds);
const cpuMs = (readCpuMs(running.pid) ?? Number.NaN) - cpuBefore;
await running.stop();
database.stop();

const written = readdirSync(tmpDir).find((f) => f.endsWith('.cpuprofile'));
if (written === undefined) throw new Error(`no profile written; see ${join(tmpDir, 'app.log')}`);
const file = join(outDir, `${app.name}-${scenario.name}-c${connections}.cpuprofile`);
renameSync(join(tmpDir, written), file);
rmSync(tmpDir, { recursive: true, force: true });
console.log(
  `${app.name} ${scenario.name} c=${connections}: ${result.rps.toFixed(0)} rps, p50 ${result.p50Ms.toFixed(1)} ms, ` +
    `CPU ${(cpuMs / result.requests).toFixed(3)} ms/req, non-2xx ${result.non2xx}`,
);
console.log(`profile: ${file}; summary of the measured run only\n`);
console.log(formatProfile(summarizeProfile(file, Number(process.env.PROFILE_TOP ?? 30), seconds * 1000)));
