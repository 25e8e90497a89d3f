/**
 * Soak: the store on PostgreSQL + BullMQ under steady mixed load, watching for leaks and tail latency.
 *
 *   node bench/soak/soak.ts                          # 10 min at c=100 after 60 s of warm-up
 *   node bench/soak/soak.ts --duration 90 --warmup 20 --workers 2
 *   node bench/soak/soak.ts --worker-node-args=      # the worker on V8's default heap settings
 *
 * Reads (product pages, product and user by id) and writes (new users, stock updates, restock-email
 * jobs dispatched to BullMQ and run by a separate worker process). RSS of the API processes and of
 * the worker is sampled every `--sample` seconds. Pass/fail: RSS after warm-up within ±10 % of its
 * first measured sample, zero 5xx, p99 ≤ 5 × p50. Writes a JSON record to bench/soak/results/.
 *
 * The worker runs with the heap settings docs/operations.md recommends for worker processes
 * (WORKER_NODE_ARGS; `--worker-node-args` replaces them) and a probe (memory-probe.ts) that records its
 * V8 heap and garbage collections. Warm-up lasts `--warmup` seconds and, beyond them, until the worker
 * has run a full garbage collection that started after them (at most `--warmup-max` seconds in all):
 * before it, the old generation is still growing to its working size, which is start-up, not a trend.
 * See README.md.
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and REDIS_URL (default
 * redis://127.0.0.1:6379); the run uses a fresh schema and key prefix and removes them afterwards.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { readMemory } from '../driver/proc-stats.ts';
import { type ProbeLine, parseProbeLines } from './probe-lines.ts';
import { ROOT, startStack } from './stack.ts';

type AutocannonResult = Awaited<ReturnType<typeof autocannon>>;
type RequestSpec = NonNullable<Parameters<typeof autocannon>[0]['requests']>[number];
type AutocannonRequest = Parameters<NonNullable<RequestSpec['setupRequest']>>[0];

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    warmup: { type: 'string', default: '60' },
    connections: { type: 'string', default: '100' },
    sample: { type: 'string', default: '5' },
    workers: { type: 'string', default: '1' },
    /** Node options of the worker process, e.g. "--max-semi-space-size=64" to compare heap settings. */
    'worker-node-args': { type: 'string' },
    'warmup-max': { type: 'string', default: '600' },
  },
});
/**
 * The worker process's heap settings (docs/operations.md, "Worker memory"): a fixed 16 MB young
 * generation (V8 otherwise grows it to 64 MB semi-spaces under load and shrinks it when the load
 * dips) and no memory reducer (which returns pages whenever the job feed pauses, then takes them back).
 */
const WORKER_NODE_ARGS = ['--min-semi-space-size=16', '--max-semi-space-size=16', '--no-memory-reducer'];
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const connections = Number(values.connections);
const sampleS = Number(values.sample);
const outDir = join(ROOT, 'bench/soak/results');
const JSON_HEADERS = { 'content-type': 'application/json' };
const SEED = 50;
const runId = new Date().toISOString().replace(/[:.]/g, '-');
// The worker's own view of its memory (V8 heap, GC counts), one line per second: see memory-probe.ts.
const probeFile = join(outDir, `soak-${runId}-worker.jsonl`);
const workerNodeArgs =
  values['worker-node-args'] === undefined
    ? WORKER_NODE_ARGS
    : values['worker-node-args'].split(/\s+/).filter((a) => a !== '');
const warmupMaxS = Math.max(warmupS, Number(values['warmup-max']));

const stack = await startStack({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  serveWorkers: Number(values.workers),
  outDir,
  workerNodeArgs: ['--import', join(ROOT, 'bench/soak/memory-probe.ts'), ...workerNodeArgs],
  workerEnv: { LOOM_MEMORY_PROBE: probeFile },
});
console.log(`store up at ${stack.baseUrl} (serve workers: ${values.workers})`);

async function post(path: string, body: unknown): Promise<{ id: number }> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`seed ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: number };
}

const userIds: number[] = [];
const productIds: number[] = [];
for (let i = 0; i < SEED; i++) {
  userIds.push((await post('/users', { fullName: `Seed ${i}`, email: `seed-${i}@soak.test` })).id);
  productIds.push(
    (
      await post('/products', {
        sku: `SOAK-${i}`,
        name: `Soak ${i}`,
        category: `c${i % 5}`,
        priceCents: 100 + i,
        stock: 10,
      })
    ).id,
  );
}

let n = 0;
const pick = (ids: readonly number[]) => ids[n % ids.length];
/** The mix: 65 % reads, 35 % writes (of which 5 points dispatch a job). */
function nextRequest(request: AutocannonRequest): AutocannonRequest {
  n++;
  const slot = n % 20;
  if (slot < 7) return { ...request, method: 'GET', path: `/products?limit=20&category=c${n % 5}` };
  if (slot < 10) return { ...request, method: 'GET', path: `/products/${pick(productIds)}` };
  if (slot < 13) return { ...request, method: 'GET', path: `/users/${pick(userIds)}` };
  if (slot < 16) {
    const body = JSON.stringify({ fullName: `Load ${n}`, email: `load-${process.pid}-${n}@soak.test` });
    return { ...request, method: 'POST', path: '/users', body, headers: JSON_HEADERS };
  }
  if (slot < 19) {
    const body = JSON.stringify({ stock: n % 50 });
    return {
      ...request,
      method: 'PATCH',
      path: `/products/${pick(productIds)}`,
      body,
      headers: JSON_HEADERS,
    };
  }
  const body = JSON.stringify({ recipientEmail: 'ops@soak.test' });
  return {
    ...request,
    method: 'POST',
    path: `/products/${pick(productIds)}/jobs/restock-email`,
    body,
    headers: JSON_HEADERS,
  };
}

function load(seconds: number): Promise<AutocannonResult> {
  return autocannon({
    url: stack.baseUrl,
    connections,
    duration: seconds,
    timeout: 10,
    requests: [{ setupRequest: nextRequest }],
  });
}

async function probeLines(): Promise<ProbeLine[]> {
  return parseProbeLines(await readFile(probeFile, 'utf8').catch(() => ''));
}

interface Sample {
  readonly atS: number;
  readonly apiRssMb: number;
  readonly workerRssMb: number;
  /** The worker's V8 heap at its last probe line: used, committed, of which the young generation. */
  readonly workerHeapUsedMb: number | undefined;
  readonly workerHeapTotalMb: number | undefined;
  readonly workerNewSpaceMb: number | undefined;
  /** The worker's probe clock (s since it started) at this sample. */
  readonly workerT: number | undefined;
}
const samples: Sample[] = [];
const started = Date.now();
async function sample(): Promise<void> {
  const rss = (pid: number) => (readMemory(pid)?.rssKb ?? 0) / 1024;
  const api = (await stack.apiPids()).reduce((sum, pid) => sum + rss(pid), 0);
  const probe = (await probeLines()).at(-1);
  samples.push({
    atS: Math.round((Date.now() - started) / 1000),
    apiRssMb: Math.round(api * 10) / 10,
    workerRssMb: Math.round(rss(stack.workerPid) * 10) / 10,
    workerHeapUsedMb: probe?.heapUsed,
    workerHeapTotalMb: probe?.heapTotal,
    workerNewSpaceMb: probe?.spaces.new_space,
    workerT: probe?.t,
  });
}

let result: AutocannonResult;
let measuredFrom: number;
let warmupDoneS = warmupS;
try {
  console.log(`warm-up: ${warmupS} s at c=${connections}`);
  if (warmupS > 0) await load(warmupS);
  // Then on until the worker's first full GC after those seconds: its old generation has then grown to
  // its working size under steady load. A full GC earlier (at boot, or when the load starts on a heap
  // that is still small) says nothing about that size, which is why the count starts only now.
  const steadyFromT = (await probeLines()).at(-1)?.t ?? 0;
  let warmedS = warmupS;
  const fullGcs = async () =>
    (await probeLines())
      .filter((l) => l.t > steadyFromT)
      .reduce((n, l) => n + (l.gc.markCompact?.n ?? 0) + (l.gc.markCompactReducing?.n ?? 0), 0);
  while ((await fullGcs()) === 0 && warmedS < warmupMaxS) {
    const step = Math.min(10, warmupMaxS - warmedS);
    await load(step);
    warmedS += step;
  }
  warmupDoneS = warmedS;
  if (warmedS > warmupS) {
    console.log(`warm-up extended to ${warmedS} s: until the worker's first full GC after ${warmupS} s`);
  }
  if ((await fullGcs()) === 0) console.log(`no full GC in the worker within ${warmedS} s of warm-up`);
  measuredFrom = samples.length;
  await sample();
  const timer = setInterval(() => void sample(), sampleS * 1000);
  console.log(`measured: ${durationS} s at c=${connections}`);
  try {
    result = await load(durationS);
  } finally {
    clearInterval(timer);
  }
  await sample();
} finally {
  const exits = await stack.stop();
  console.log(`stopped: api exit ${exits.apiExit}, worker exit ${exits.workerExit}`);
}

const measured = samples.slice(measuredFrom);
// The worker's garbage collections during the measured window.
const fromT = measured[0]?.workerT ?? 0;
const toT = measured.at(-1)?.workerT ?? Number.POSITIVE_INFINITY;
const workerGc: Record<string, { n: number; ms: number }> = {};
/** The worker's heap used (and RSS) in the probe line right after each full GC: what survives, a leak's trend. */
const workerAfterFullGc: { t: number; heapUsedMb: number; rssMb: number }[] = [];
for (const line of (await probeLines()).filter((l) => l.t > fromT && l.t <= toT)) {
  for (const [kind, g] of Object.entries(line.gc)) {
    const slot = workerGc[kind] ?? { n: 0, ms: 0 };
    workerGc[kind] = { n: slot.n + g.n, ms: Math.round(slot.ms + g.ms) };
  }
  if ((line.gc.markCompact?.n ?? 0) + (line.gc.markCompactReducing?.n ?? 0) > 0) {
    workerAfterFullGc.push({ t: line.t, heapUsedMb: line.heapUsed, rssMb: line.rss });
  }
}
const codes: Record<string, number> = {};
for (const [code, stats] of Object.entries(result.statusCodeStats)) codes[code] = stats.count;
const fiveXx = Object.entries(codes)
  .filter(([code]) => code.startsWith('5'))
  .reduce((sum, [, count]) => sum + count, 0);
const drift = (key: 'apiRssMb' | 'workerRssMb') => {
  const base = measured[0]?.[key] ?? 0;
  const worst = Math.max(...measured.map((s) => Math.abs(s[key] - base)));
  return base === 0 ? 0 : worst / base;
};
const summary = {
  at: new Date().toISOString(),
  durationS,
  warmupS: warmupDoneS,
  connections,
  serveWorkers: Number(values.workers),
  requests: result.requests.total,
  rps: Math.round(result.requests.total / result.duration),
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  statusCodes: codes,
  socketErrors: result.errors,
  timeouts: result.timeouts,
  fiveXx,
  apiRssDrift: Math.round(drift('apiRssMb') * 1000) / 10,
  workerRssDrift: Math.round(drift('workerRssMb') * 1000) / 10,
  workerNodeArgs,
  workerGc,
  workerAfterFullGc,
  samples: measured,
};
const checks = {
  'RSS within ±10 % after warm-up (API)': summary.apiRssDrift <= 10,
  'RSS within ±10 % after warm-up (worker)': summary.workerRssDrift <= 10,
  'zero 5xx': fiveXx === 0,
  'no socket errors or timeouts': result.errors === 0 && result.timeouts === 0,
  'p99 ≤ 5 × p50': result.latency.p99 <= 5 * Math.max(1, result.latency.p50),
};
const file = join(outDir, `soak-${runId}.json`);
await writeFile(file, `${JSON.stringify({ ...summary, checks }, null, 2)}\n`);

console.log(
  `\n${summary.requests} requests, ${summary.rps} req/s; p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms`,
);
console.log(
  `status codes: ${JSON.stringify(codes)}; socket errors ${result.errors}, timeouts ${result.timeouts}`,
);
console.log(
  'memory (MB) over time: t(s) api-rss worker-rss worker-heap-used worker-heap-total worker-new-space',
);
for (const s of measured) {
  const cols = [s.apiRssMb, s.workerRssMb, s.workerHeapUsedMb, s.workerHeapTotalMb, s.workerNewSpaceMb];
  console.log(`  ${String(s.atS).padStart(5)} ${cols.map((c) => String(c ?? '-').padStart(7)).join(' ')}`);
}
console.log(
  `worker GCs while measured: ${
    Object.entries(workerGc)
      .map(([kind, g]) => `${kind} ${g.n} (${g.ms} ms)`)
      .join(', ') || 'none'
  }; worker node args: ${workerNodeArgs.join(' ') || '(none)'}`,
);
console.log(
  `worker after each full GC (heap used / RSS, MB): ${
    workerAfterFullGc.map((g) => `${g.heapUsedMb} / ${g.rssMb}`).join(', ') || 'none while measured'
  }`,
);
console.log(`RSS drift after warm-up: api ${summary.apiRssDrift} %, worker ${summary.workerRssDrift} %`);
for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
console.log(`record: ${file}`);
process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
