/**
 * Soak: the store on PostgreSQL + BullMQ under steady mixed load, watching for leaks and tail latency.
 *
 *   node bench/soak/soak.ts                          # 10 min at c=100 after 60 s of warm-up
 *   node bench/soak/soak.ts --duration 90 --warmup 20 --workers 2
 *
 * Reads (product pages, product and user by id) and writes (new users, stock updates, restock-email
 * jobs dispatched to BullMQ and run by a separate worker process). RSS of the API processes and of
 * the worker is sampled every `--sample` seconds. Pass/fail: RSS after warm-up within ±10 % of its
 * first measured sample, zero 5xx, p99 ≤ 5 × p50. Writes a JSON record to bench/soak/results/.
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and REDIS_URL (default
 * redis://127.0.0.1:6379); the run uses a fresh schema and key prefix and removes them afterwards.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { readMemory } from '../driver/proc-stats.ts';
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
  },
});
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const connections = Number(values.connections);
const sampleS = Number(values.sample);
const outDir = join(ROOT, 'bench/soak/results');
const JSON_HEADERS = { 'content-type': 'application/json' };
const SEED = 50;

const stack = await startStack({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  serveWorkers: Number(values.workers),
  outDir,
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

interface Sample {
  readonly atS: number;
  readonly apiRssMb: number;
  readonly workerRssMb: number;
}
const samples: Sample[] = [];
const started = Date.now();
async function sample(): Promise<void> {
  const rss = (pid: number) => (readMemory(pid)?.rssKb ?? 0) / 1024;
  const api = (await stack.apiPids()).reduce((sum, pid) => sum + rss(pid), 0);
  samples.push({
    atS: Math.round((Date.now() - started) / 1000),
    apiRssMb: Math.round(api * 10) / 10,
    workerRssMb: Math.round(rss(stack.workerPid) * 10) / 10,
  });
}

let result: AutocannonResult;
let measuredFrom: number;
try {
  console.log(`warm-up: ${warmupS} s at c=${connections}`);
  if (warmupS > 0) await load(warmupS);
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
  warmupS,
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
  samples: measured,
};
const checks = {
  'RSS within ±10 % after warm-up (API)': summary.apiRssDrift <= 10,
  'RSS within ±10 % after warm-up (worker)': summary.workerRssDrift <= 10,
  'zero 5xx': fiveXx === 0,
  'no socket errors or timeouts': result.errors === 0 && result.timeouts === 0,
  'p99 ≤ 5 × p50': result.latency.p99 <= 5 * Math.max(1, result.latency.p50),
};
const file = join(outDir, `soak-${summary.at.replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify({ ...summary, checks }, null, 2)}\n`);

console.log(
  `\n${summary.requests} requests, ${summary.rps} req/s; p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms`,
);
console.log(
  `status codes: ${JSON.stringify(codes)}; socket errors ${result.errors}, timeouts ${result.timeouts}`,
);
console.log('RSS (MB) over time: t(s) api worker');
for (const s of measured) console.log(`  ${String(s.atS).padStart(5)} ${s.apiRssMb} ${s.workerRssMb}`);
console.log(`RSS drift after warm-up: api ${summary.apiRssDrift} %, worker ${summary.workerRssDrift} %`);
for (const [name, ok] of Object.entries(checks)) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
console.log(`record: ${file}`);
process.exitCode = Object.values(checks).every(Boolean) ? 0 : 1;
