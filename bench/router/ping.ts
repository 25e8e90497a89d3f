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
 *   npx tsx bench/router/ping.ts                      # 3 rounds × 5 s per app, 32 connections
 *   PING_DURATION=10 PING_ROUNDS=2 PING_CONNECTIONS=64 npx tsx bench/router/ping.ts
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/**
 * `loom`: the REST layer. `plain`: Fastify alone. `kernel`: Fastify calling the same use case through the
 * kernel by hand, with the call context: loom minus the REST layer, which splits the overhead between
 * the REST layer and the kernel. `ambient`: loom with `ambientContext` on (each request also runs in an
 * AsyncLocalStorage, as with statement logging or tracing), which shows what that costs on this Node.
 */
type Target = 'loom' | 'plain' | 'kernel' | 'ambient';
const TARGETS: readonly Target[] = ['plain', 'loom', 'kernel', 'ambient'];

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

async function serveLoom(ambientContext: boolean) {
  const { createRestServer, Kernel, openDatabase, restInterface, route, useCase } = await import(
    'loom-kernel'
  );
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  const kernel = new Kernel({ db, cursorSecret: 'bench-ping-secret' });
  const Ping = useCase(null, { name: 'ping', readOnly: true, execute: () => ({ status: 'ok' }) });
  const api = restInterface(null, { prefix: '/', routes: [route.get('/ping', Ping)] });
  return createRestServer({ kernel, interfaces: [api], ambientContext });
}

async function serveKernel() {
  const { default: Fastify } = await import('fastify');
  const { Kernel, openDatabase, useCase } = await import('loom-kernel');
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  const kernel = new Kernel({ db, cursorSecret: 'bench-ping-secret' });
  const Ping = useCase(null, { name: 'ping', readOnly: true, execute: () => ({ status: 'ok' }) });
  const app = Fastify();
  app.get('/ping', (request) => kernel.call(Ping, { readOnly: true, context: { traceId: request.id } }));
  return app;
}

async function servePlain() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/ping', async () => ({ status: 'ok' }));
  return app;
}

/** Child side: listen, report the port, then answer CPU-time probes ('mark' → 0, 'read' → µs since mark). */
async function serve(target: Target): Promise<void> {
  const app =
    target === 'plain'
      ? await servePlain()
      : target === 'kernel'
        ? await serveKernel()
        : await serveLoom(target === 'ambient');
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
  const node = [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', target];
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

async function measure(target: Target, seconds: number, connections: number) {
  const { child, port } = await start(target);
  try {
    const url = `http://127.0.0.1:${port}/ping`;
    await autocannon({ url, connections, duration: 1 }); // warm-up: JIT, connection setup
    await ask(child, 'mark');
    const r = await autocannon({ url, connections, duration: seconds });
    const cpuMicros = await ask(child, 'read');
    if (r.non2xx > 0 || r.errors > 0) throw new Error(`${target}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { rps: r.requests.total / r.duration, cpuPerRequest: cpuMicros / r.requests.total };
  } finally {
    child.kill();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

async function main(): Promise<void> {
  const seconds = env('PING_DURATION', 5);
  const rounds = env('PING_ROUNDS', 3);
  const connections = env('PING_CONNECTIONS', 32);
  // The load generator (this process, all its threads) stays on CPU 0, the servers on CPU 1.
  if (pinned) spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  console.log(
    `ping: ${rounds} rounds × ${seconds} s per app, ${connections} connections${pinned ? ', server pinned to CPU 1' : ''}`,
  );
  const targets = (process.env.PING_TARGETS?.split(',') ?? TARGETS).filter((t): t is Target =>
    TARGETS.includes(t as Target),
  );
  const rps: Record<Target, number[]> = { loom: [], plain: [], kernel: [], ambient: [] };
  const cpu: Record<Target, number[]> = { loom: [], plain: [], kernel: [], ambient: [] };
  const roundRatios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order, so drift (thermal, other load) hits every app alike.
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const m = await measure(target, seconds, connections);
      rps[target].push(m.rps);
      cpu[target].push(m.cpuPerRequest);
      console.log(
        `round ${round}  ${target.padEnd(7)} ${m.rps.toFixed(0).padStart(7)} req/s  ${m.cpuPerRequest.toFixed(1).padStart(6)} µs CPU/req`,
      );
    }
    roundRatios.push((rps.loom.at(-1) as number) / (rps.plain.at(-1) as number));
  }
  for (const t of targets) {
    console.log(
      `${t.padEnd(7)} ${mean(rps[t]).toFixed(0).padStart(7)} req/s (mean)  ${Math.min(...cpu[t]).toFixed(1)} µs CPU/req (best)`,
    );
  }
  const ratio = mean(rps.loom) / mean(rps.plain);
  const cpuRatio = (a: Target, b: Target) => (Math.min(...cpu[b]) / Math.min(...cpu[a])).toFixed(3);
  console.log(
    `ratio loom/plain = ${ratio.toFixed(3)} (req/s, means; per-round median ${median(roundRatios).toFixed(3)})`,
  );
  console.log(`ratio loom/plain by server CPU per request (best runs) = ${cpuRatio('loom', 'plain')}`);
  if (targets.includes('kernel')) {
    console.log(
      `  of which kernel/plain = ${cpuRatio('kernel', 'plain')}, REST layer (loom/kernel) = ${cpuRatio('loom', 'kernel')}`,
    );
  }
  if (targets.includes('ambient')) {
    console.log(`  ambient call context (ambient/loom) = ${cpuRatio('ambient', 'loom')}`);
  }
  console.log(`target ≥ 0.90: ${ratio >= 0.9 ? 'OK' : 'BELOW TARGET'}`);
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt !== -1) await serve(process.argv[serveAt + 1] as Target);
else await main();
