/**
 * Interleaved A/B of app CPU per request: starts every app once, then for each scenario runs `rounds`
 * rounds in which each app in turn (order reversed every round) takes a short wrk load; prints the median
 * µs of CPU per request per app, split into the main thread and the other threads (V8's GC workers,
 * libuv's pool, which writes pino's lines), read from /proc/<pid>/task/<tid>/stat. On a shared machine
 * CPU per request moves less than RPS; the interleaving spreads the machine's load over every app.
 *
 *   node bench/cpu-ab.ts ping,get_by_id_with_details loom native
 *   AB_ROUNDS=6 AB_SECONDS=3 node bench/cpu-ab.ts ping loom native loom@/tmp/other-checkout
 *   AB_PROFILE=1 node bench/cpu-ab.ts ping loom native   # also `--cpu-prof`: self time per request by area
 *
 * An app is a name from `driver/apps.ts`, optionally `@<checkout>`: the same app from another checkout
 * of this repository (its `bench/` folder), to compare two versions of loom side by side; then
 * optionally `+NAME=value` settings for its environment (`loom+LOG_LEVEL=warn`, `native+PG_POOL_MAX=30`). Tables are
 * seeded into their own schema (`AB_SCHEMA`, default `bench_ab`), so the run leaves `public` alone.
 *
 * The `postgres` column is the CPU of every PostgreSQL process on this machine per request (the server
 * must run here): where an app's requests cost the database more than another's, not the app. `of it
 * sys` is the part of the app's total spent in the kernel (system calls, page faults), which instruction
 * counts (bench/instructions.ts) do not see. `pg flt` is PostgreSQL's minor page faults per request: one
 * statement text can make the backends hand heap memory back and fault it in again on every execution,
 * which shows as their system time (bench/ANALYSIS.md, 2026-12-07 night).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startApp } from './driver/app-process.ts';
import { APPS, BENCH_DIR, type BenchApp } from './driver/apps.ts';
import { benchDatabase } from './driver/bench-postgres.ts';
import { formatProfile, summarizeProfile } from './driver/cpu-profile.ts';
import { runWrk, writeWrkScript } from './driver/load-wrk.ts';
import {
  countersByName,
  increaseBetween,
  minorFaultsOf,
  systemTicksOf,
  TICK_MS,
  ticksByName,
  ticksOf,
} from './process-cpu.ts';
import { SCENARIOS } from './scenarios.ts';
import { seedBenchData } from './seed.ts';

const [scenarioList = 'ping', ...appSpecs] = process.argv.slice(2);
const rounds = Number(process.env.AB_ROUNDS ?? 6);
const seconds = Number(process.env.AB_SECONDS ?? 2);
const connections = Number(process.env.AB_C ?? 20);
const schema = process.env.AB_SCHEMA ?? 'bench_ab';
const profile = process.env.AB_PROFILE === '1';
const scenarios = scenarioList.split(',').map((name) => {
  const s = SCENARIOS.find((x) => x.name === name);
  if (s === undefined) throw new Error(`unknown scenario ${name}`);
  return s;
});

const logDir = join(BENCH_DIR, 'results', 'ab');
mkdirSync(logDir, { recursive: true });

function appOf(spec: string, index: number): BenchApp & { label: string; profileDir: string } {
  const [base = '', ...settings] = spec.split('+');
  const [name, root] = base.split('@');
  const app = APPS.find((a) => a.name === name);
  if (app === undefined) throw new Error(`unknown app ${name}`);
  const port = 8200 + index;
  const [node = process.execPath, ...rest] = app.command;
  const file = rest[rest.length - 1] ?? '';
  const profileDir = join(logDir, `prof-${index}-${process.pid}`);
  if (profile) rmSync(profileDir, { recursive: true, force: true });
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return {
    ...app,
    port,
    label: spec,
    profileDir,
    ...(root === undefined ? {} : { cwd: join(root, 'bench') }),
    env: { ...app.env, ...Object.fromEntries(settings.map(setting)) },
    command: [node, ...flags, root === undefined ? file : join(root, 'bench', file)],
  };
}

/** `NAME=value` → [NAME, value], the value being everything after the first `=` (it may hold more). */
function setting(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new Error(`a setting is NAME=value, got ${text}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

const apps = (appSpecs.length > 0 ? appSpecs : ['loom', 'native']).map(appOf);

/** The thread groups CPU is split into, by thread name (`/proc/<pid>/task/<tid>/comm`). */
const GROUPS = ['main', 'gc', 'libuv', 'other'] as const;
type Group = (typeof GROUPS)[number];

function groupOf(pid: number, tid: string): Group {
  if (tid === String(pid)) return 'main';
  let comm = '';
  try {
    comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
  } catch {}
  if (comm.startsWith('V8')) return 'gc';
  if (comm.startsWith('libuv')) return 'libuv';
  return 'other';
}

function cpuTicks(pid: number): Record<Group, number> {
  const ticks: Record<Group, number> = { main: 0, gc: 0, libuv: 0, other: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    ticks[groupOf(pid, tid)] += ticksOf(`/proc/${pid}/task/${tid}/stat`);
  }
  return ticks;
}

const database = benchDatabase();
console.log(`PostgreSQL: ${database.description}`);
const url = new URL(database.url);
const admin = new pg.Client({ connectionString: url.toString() });
await admin.connect();
await seedBenchData(admin, { schema });
await admin.end();
url.searchParams.set('options', `-c search_path=${schema}`);

const running: { app: (typeof apps)[number]; proc: Awaited<ReturnType<typeof startApp>> }[] = [];
try {
  for (const app of apps) {
    running.push({
      app,
      proc: await startApp(app, {
        databaseUrl: url.toString(),
        poolMax: 15,
        logFile: join(logDir, `${app.label.replace(/[^a-z0-9-]/gi, '_')}.log`),
      }),
    });
  }
} catch (error) {
  // An app that fails to start must not leave the ones before it listening on their ports.
  for (const r of running) await r.proc.stop();
  database.stop();
  throw error;
}

const requestsOf = new Map<string, number>();
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

try {
  for (const scenario of scenarios) {
    const script = writeWrkScript(scenario, logDir);
    const samples = new Map<
      string,
      {
        groups: Record<Group, number[]>;
        total: number[];
        system: number[];
        postgres: number[];
        postgresFaults: number[];
        rps: number[];
      }
    >();
    for (const r of running) {
      samples.set(r.app.label, {
        groups: { main: [], gc: [], libuv: [], other: [] },
        total: [],
        system: [],
        postgres: [],
        postgresFaults: [],
        rps: [],
      });
      // Warm-up: JIT and pools.
      const warm = await runWrk(script, { baseUrl: r.proc.baseUrl, connections, durationS: 2, timeoutS: 10 });
      requestsOf.set(r.app.label, (requestsOf.get(r.app.label) ?? 0) + warm.result.requests);
    }
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? running : [...running].reverse();
      for (const r of order) {
        const before = cpuTicks(r.proc.pid);
        const systemBefore = systemTicksOf(`/proc/${r.proc.pid}/stat`);
        const postgresBefore = ticksByName('postgres');
        const postgresFaultsBefore = countersByName('postgres', minorFaultsOf);
        const { result } = await runWrk(script, {
          baseUrl: r.proc.baseUrl,
          connections,
          durationS: seconds,
          timeoutS: 10,
        });
        const after = cpuTicks(r.proc.pid);
        const systemAfter = systemTicksOf(`/proc/${r.proc.pid}/stat`);
        const postgresAfter = ticksByName('postgres');
        const postgresFaultsAfter = countersByName('postgres', minorFaultsOf);
        if (result.non2xx > 0 || result.socketErrors > 0)
          throw new Error(
            `${r.app.label} ${scenario.name}: ${result.non2xx} non-2xx, ${result.socketErrors} errors`,
          );
        const s = samples.get(r.app.label);
        const us = (ticks: number) => (ticks * TICK_MS * 1000) / result.requests;
        let total = 0;
        for (const g of GROUPS) {
          s?.groups[g].push(us(after[g] - before[g]));
          total += after[g] - before[g];
        }
        s?.total.push(us(total));
        s?.system.push(us(systemAfter - systemBefore));
        s?.postgres.push(us(increaseBetween(postgresBefore, postgresAfter)));
        s?.postgresFaults.push(increaseBetween(postgresFaultsBefore, postgresFaultsAfter) / result.requests);
        s?.rps.push(result.rps);
        requestsOf.set(r.app.label, (requestsOf.get(r.app.label) ?? 0) + result.requests);
      }
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`\n${scenario.name} c=${connections}, ${rounds} × ${seconds} s, load ${load}`);
    console.log(
      'µs CPU/request (median)'.padEnd(32),
      ...GROUPS.map((g) => g.padStart(7)),
      'total'.padStart(7),
      'of it sys'.padStart(9),
      'postgres'.padStart(9),
      'pg flt'.padStart(7),
      'rps'.padStart(7),
    );
    for (const [label, s] of samples) {
      console.log(
        label.padEnd(32),
        ...GROUPS.map((g) => median(s.groups[g]).toFixed(1).padStart(7)),
        median(s.total).toFixed(1).padStart(7),
        median(s.system).toFixed(1).padStart(9),
        median(s.postgres).toFixed(1).padStart(9),
        median(s.postgresFaults).toFixed(2).padStart(7),
        median(s.rps).toFixed(0).padStart(7),
      );
    }
  }
} finally {
  for (const r of running) await r.proc.stop();
  database.stop();
}

if (profile) {
  // Every request of the run counts (warm-ups too); start-up and idle time are in the profile but not
  // in the areas that matter (idle is its own area).
  for (const r of running) {
    const file = readdirSync(r.app.profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) continue;
    const summary = summarizeProfile(join(r.app.profileDir, file), Number(process.env.PROFILE_TOP ?? 40));
    const requests = requestsOf.get(r.app.label) ?? 1;
    const perRequest = (ms: number) => `${((ms * 1000) / requests).toFixed(2).padStart(7)} µs/req`;
    console.log(`\n=== ${r.app.label}: ${requests} requests, profile ${join(r.app.profileDir, file)}`);
    console.log('self time by area, per request:');
    for (const a of summary.areas) console.log(perRequest(a.ms), ' ', a.name);
    console.log(formatProfile(summary));
  }
}
