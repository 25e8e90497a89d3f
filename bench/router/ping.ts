/**
 * Router overhead benchmark: loom's `GET /ping` (route compiled from a declaration, query reader, trace
 * id, call context, kernel executor, response) against a plain Fastify route returning the same JSON.
 * Each app runs in its own child process; autocannon loads them alternately for several rounds and the
 * script prints requests per second, the server's CPU time per request, and the ratios loom / plain
 * (target ≥ 0.9). Two more apps explain the gap: Fastify calling the kernel by hand (the REST layer's
 * share) and loom with `ambientContext` on (AsyncLocalStorage's share); `PING_TARGETS=plain,loom` skips
 * them. When `taskset` exists the server is pinned to one CPU and the load generator to another (this
 * process pins itself), which makes runs on a shared machine less noisy. The CPU ratio is the steadier
 * figure there: it does not depend on how much CPU the machine's other tenants leave.
 *
 *   node bench/router/ping.ts                      # 15 rounds × 2 s per app, 32 connections → RESULTS.md
 *   PING_DURATION=10 PING_ROUNDS=3 PING_CONNECTIONS=64 PING_RESULTS=- node bench/router/ping.ts   # no file
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { markdownTable } from '../driver/markdown-table.ts';
import { createPingApp, LABELS, positiveEnv, type Target, targetsFromEnv } from './ping-apps.ts';

/** Child side: listen, report the port, then answer CPU-time probes ('mark' → 0, 'read' → µs since mark). */
async function serve(target: Target): Promise<void> {
  const app = await createPingApp(target);
  await app.listen({ port: 0, host: '127.0.0.1' });
  let mark = process.cpuUsage();
  process.on('message', (m) => {
    if (m === 'mark') mark = process.cpuUsage();
    const used = process.cpuUsage(mark);
    process.send?.(m === 'mark' ? 0 : used.user + used.system);
  });
  process.send?.((app.server.address() as AddressInfo).port);
}

const pinned = cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function start(target: Target): Promise<{ child: ChildProcess; port: number }> {
  const node = [process.execPath, fileURLToPath(import.meta.url), '--serve', target];
  const [cmd, ...args] = pinned ? ['taskset', '-c', '1', ...node] : node;
  const child = spawn(cmd as string, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ child, port: port as number }));
    child.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
  });
}

function ask(child: ChildProcess, message: 'mark' | 'read'): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as number));
    child.send(message);
  });
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts an app and warms it up (JIT, connection setup). */
async function launch(target: Target, connections: number): Promise<Server> {
  const { child, port } = await start(target);
  const url = `http://127.0.0.1:${port}/ping`;
  await load(url, 2, connections);
  return { child, url };
}

/** wrk when it is installed: a C client leaves more of its CPU to the measurement than autocannon. */
const wrk = spawnSync('sh', ['-c', 'command -v wrk']).status === 0;

/** Loads `url` for `seconds`: requests completed and the seconds they took; throws on any failure. */
async function load(
  url: string,
  seconds: number,
  connections: number,
): Promise<{ requests: number; seconds: number }> {
  if (!wrk) {
    const r = await autocannon({ url, connections, duration: seconds });
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { requests: r.requests.total, seconds: r.duration };
  }
  const out = await new Promise<string>((resolve, reject) => {
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
  const done = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
  if (done === null || /Non-2xx|Socket errors/.test(out)) throw new Error(`${url}: wrk reported\n${out}`);
  const took = Number(done[2]) / (done[3] === 'ms' ? 1000 : 1);
  return { requests: Number(done[1]), seconds: took };
}

/** One burst of load on a running app: its requests per second and CPU time per request. */
async function burst(server: Server, seconds: number, connections: number) {
  await ask(server.child, 'mark');
  const r = await load(server.url, seconds, connections);
  const cpuMicros = await ask(server.child, 'read');
  return { rps: r.requests / r.seconds, cpuPerRequest: cpuMicros / r.requests };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const seconds = positiveEnv('PING_DURATION', 2);
  const rounds = positiveEnv('PING_ROUNDS', 15);
  const connections = positiveEnv('PING_CONNECTIONS', 32);
  // The load generator (this process, all its threads) stays on CPU 0, the servers on CPU 1.
  if (pinned) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const setup = `${rounds} rounds × ${seconds} s per app, ${connections} connections, ${wrk ? 'wrk' : 'autocannon'}${pinned ? ', server pinned to CPU 1, load generator to CPU 0' : ''}`;
  console.log(`ping: ${setup}`);
  const targets = targetsFromEnv();
  const rps: Record<Target, number[]> = { loom: [], plain: [], kernel: [], ambient: [] };
  const cpu: Record<Target, number[]> = { loom: [], plain: [], kernel: [], ambient: [] };
  // Every app runs (idle) for the whole measurement; only one is loaded at a time, in short bursts
  // interleaved round by round, so the machine's drift reaches every app alike.
  const servers = new Map<Target, Server>();
  try {
    for (const target of targets) servers.set(target, await launch(target, connections));
    for (let round = 1; round <= rounds; round++) {
      // Alternate the order, so an app is not always measured right after the same other one.
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      for (const target of order) {
        const m = await burst(servers.get(target) as Server, seconds, connections);
        rps[target].push(m.rps);
        cpu[target].push(m.cpuPerRequest);
        console.log(
          `round ${round}  ${target.padEnd(7)} ${m.rps.toFixed(0).padStart(7)} req/s  ${m.cpuPerRequest.toFixed(1).padStart(6)} µs CPU/req`,
        );
      }
    }
  } finally {
    for (const server of servers.values()) server.child.kill();
  }
  // Ratios per round (apps measured minutes apart share the same machine state), then their median:
  // on a shared machine one slow run moves a mean, not a median.
  const rpsRatio = (a: Target, b: Target) => median(rps[a].map((x, i) => x / (rps[b][i] as number)));
  const cpuRatio = (a: Target, b: Target) => median(cpu[b].map((x, i) => x / (cpu[a][i] as number)));
  const withPlain = targets.includes('plain');
  const lines = markdownTable(
    ['app', 'req/s (median)', 'µs CPU/req (median)', 'req/s ratio to plain', 'CPU ratio to plain'],
    ['left', 'right', 'right', 'right', 'right'],
    targets.map((t) => [
      LABELS[t],
      median(rps[t]).toFixed(0),
      median(cpu[t]).toFixed(1),
      withPlain ? rpsRatio(t, 'plain').toFixed(3) : '–',
      withPlain ? cpuRatio(t, 'plain').toFixed(3) : '–',
    ]),
  );
  console.log(lines.join('\n'));
  if (!targets.includes('plain') || !targets.includes('loom')) return;
  const ratio = rpsRatio('loom', 'plain');
  const verdict = `loom / plain = ${ratio.toFixed(3)} by req/s, ${cpuRatio('loom', 'plain').toFixed(3)} by server CPU per request (medians of per-round ratios); target ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'}`;
  console.log(verdict);
  const out = process.env.PING_RESULTS ?? fileURLToPath(new URL('./RESULTS.md', import.meta.url));
  if (out === '-') return;
  const perRound = markdownTable(
    ['app', 'req/s', 'µs CPU/req'],
    ['left', 'left', 'left'],
    targets.map((t) => [
      LABELS[t],
      rps[t].map((x) => x.toFixed(0)).join(' / '),
      cpu[t].map((x) => x.toFixed(1)).join(' / '),
    ]),
  );
  const text = [
    '# Router overhead: loom `GET /ping` against plain Fastify',
    '',
    `Written by \`node bench/router/ping.ts\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average before the run ${loadBefore.map((x) => x.toFixed(2)).join(' ')}; ${setup}. The apps run side by side in child processes (warmed up 2 s each); the load generator loads one at a time, in bursts interleaved round by round.`,
    '',
    `**${verdict}.**`,
    '',
    ...lines,
    '',
    'Per round (req/s; µs of server CPU per request):',
    '',
    ...perRound,
    '',
    'The kernel row is loom without its REST layer, the ambientContext row loom with an AsyncLocalStorage entered per request (what statement logging or tracing turn on): their distance to the loom row is what each part costs. This machine is shared; runs vary by ±15 %, which is why the ratios are taken per round.',
    '',
  ].join('\n');
  writeFileSync(out, text);
  console.log(`written: ${out}`);
}

const loadBefore = loadavg();

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) await serve(process.argv[serveAt + 1] as Target);
else await main();
