/**
 * Instructions per request of the benchmark's apps on one scenario, under valgrind's callgrind: each app
 * (its real `main.ts`, the process the benchmark measures) runs with `--single-threaded`, serves
 * `INSTR_WARMUP` requests of the scenario, collects its garbage, and then the user-space instructions of
 * the whole process are counted over `INSTR_REQUESTS` more, sent one at a time over one keep-alive
 * connection. The count does not depend on what else the machine runs, which makes it the figure to
 * compare two versions of loom with on a shared machine (see bench/router/ping-instructions.ts for the
 * caveats: under valgrind a request takes milliseconds, so work that follows elapsed time — timers, the
 * event-loop delay monitor of the default metrics — is over-counted alike in every app; kernel time is
 * not counted).
 *
 *   node bench/instructions.ts ping loom native
 *   INSTR_WARMUP=3000 INSTR_REQUESTS=1000 node bench/instructions.ts get_by_id_with_details loom loom@/tmp/base
 *
 * An app is a name from `driver/apps.ts`, optionally `@<checkout>` (the same app from another checkout of
 * this repository). Runs two apps at a time. `INSTR_KEEP=<dir>` keeps each app's callgrind dump there. Tables are seeded into `INSTR_SCHEMA` (default
 * `bench_instr`).
 *
 * `INSTR_C=<n>` (default 1) keeps n requests in flight, one per keep-alive connection: what grows with
 * concurrency (scavenges copying the state of waiting requests, pool waiters). Under valgrind a request
 * waits milliseconds for a pooled connection, so past about 40 the pool's 5 s acquire timeout answers
 * 503. `INSTR_PORT` (default 8300) is the first app's port, the second's is the next one: two runs at
 * once on one machine need their own.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseUrl } from './db-url.ts';
import { APPS } from './driver/apps.ts';
import { positiveEnv } from './router/ping-apps.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';
import { seedBenchData } from './seed.ts';

const [scenarioName = 'ping', ...appSpecs] = process.argv.slice(2);
const scenario = SCENARIOS.find((s) => s.name === scenarioName);
if (scenario === undefined) throw new Error(`unknown scenario ${scenarioName}`);
const warmup = positiveEnv('INSTR_WARMUP', 3000);
const requests = positiveEnv('INSTR_REQUESTS', 1000);
const concurrency = positiveEnv('INSTR_C', 1);
const portBase = positiveEnv('INSTR_PORT', 8300);
const schema = process.env.INSTR_SCHEMA ?? 'bench_instr';
const GC_HOOK = fileURLToPath(new URL('./driver/gc-on-stdin.ts', import.meta.url));

let seed = 20260301;
const randomId = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return (seed % 100) + 1;
};

/**
 * Sends `count` requests of the scenario over `concurrency` keep-alive connections, each sending its
 * next request when the previous one has answered; rejects on an unexpected status.
 */
async function drive(port: number, s: Scenario, from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  const loop = async (): Promise<void> => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (next < end) {
        const r = s.request(next++, randomId);
        await new Promise<void>((resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              path: r.path,
              method: r.method,
              agent,
              headers: r.body === undefined ? {} : { 'content-type': 'application/json' },
            },
            (res) => {
              res.resume();
              res.on('end', () => {
                if (res.statusCode !== s.expectedStatus)
                  reject(new Error(`status ${res.statusCode} on ${r.path}`));
                else resolve();
              });
            },
          );
          req.on('error', reject);
          req.end(r.body);
        });
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, loop));
}

async function waitReady(port: number, path: string, child: { exitCode: number | null }): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode} before ready`);
    const ok = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false))
        .on('timeout', function (this: http.ClientRequest) {
          this.destroy();
          resolve(false);
        });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function count(
  spec: string,
  port: number,
  databaseUrlWithSchema: string,
  firstRequest: number,
): Promise<number> {
  const [name, root] = spec.split('@');
  const app = APPS.find((a) => a.name === name);
  if (app === undefined) throw new Error(`unknown app ${name}`);
  const file = app.command[app.command.length - 1] ?? '';
  const benchDir = root === undefined ? fileURLToPath(new URL('.', import.meta.url)) : join(root, 'bench');
  const dir = mkdtempSync(join(tmpdir(), 'instr-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--smc-check=all',
      `--callgrind-out-file=${join(dir, 'out')}`,
      process.execPath,
      '--single-threaded',
      '--expose-gc',
      `--import=${GC_HOOK}`,
      join(benchDir, file),
    ],
    {
      cwd: benchDir,
      stdio: ['pipe', 'pipe', 'ignore'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        ...app.env,
        PORT: String(port),
        DATABASE_URL: databaseUrlWithSchema,
        BENCH_DATABASE_URL: databaseUrlWithSchema,
        PG_POOL_MAX: '15',
      },
    },
  );
  // The app's log lines are counted work; their bytes go nowhere.
  let gcDone: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    if (gcDone !== undefined && chunk.toString().includes('GC DONE')) gcDone();
  });
  try {
    await waitReady(port, app.readyPath ?? '/bench/ping', child);
    await drive(port, scenario as Scenario, firstRequest, warmup);
    await new Promise<void>((resolve) => {
      gcDone = resolve;
      child.stdin.write('gc\n');
    });
    const control = (arg: string) =>
      execFileSync('callgrind_control', [arg, String(child.pid)], { stdio: 'ignore' });
    control('--instr=on');
    await drive(port, scenario as Scenario, firstRequest + warmup, requests);
    control('--dump');
    control('--instr=off');
    const dump = readdirSync(dir).find((f) => f.endsWith('.1'));
    if (dump === undefined) throw new Error(`${spec}: callgrind wrote no dump`);
    const summary = /^summary: (\d+)$/m.exec(readFileSync(join(dir, dump), 'utf8'));
    if (summary === null) throw new Error(`${spec}: no summary in the callgrind dump`);
    const keep = process.env.INSTR_KEEP;
    if (keep !== undefined) {
      // For `callgrind_annotate`: which C++ functions (GC, builtins, the runtime) the count is made of.
      mkdirSync(keep, { recursive: true });
      copyFileSync(
        join(dir, dump),
        join(keep, `${scenario?.name}-${spec.replace(/[^a-z0-9-]/gi, '_')}.callgrind`),
      );
    }
    return Number(summary[1]) / requests;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = new URL(databaseUrl());
const admin = new pg.Client({ connectionString: base.toString() });
await admin.connect();
await seedBenchData(admin, { schema });
await admin.end();
base.searchParams.set('options', `-c search_path=${schema}`);

const specs = appSpecs.length > 0 ? appSpecs : ['loom', 'native'];
console.log(
  `${scenario.name} under callgrind: ${warmup} warm-up requests, then ${requests} counted, per app, ${concurrency} at a time`,
);
for (let i = 0; i < specs.length; i += 2) {
  const pair = specs.slice(i, i + 2);
  // Each app its own request numbers: two apps creating users in one schema must not send the same email.
  const counts = await Promise.all(
    pair.map((s, j) => count(s, portBase + i + j, base.toString(), (i + j) * 10_000_000)),
  );
  pair.forEach((s, j) => {
    console.log(
      `${s.padEnd(40)} ${Math.round(counts[j] as number).toLocaleString('en')} instructions per request`,
    );
  });
}
