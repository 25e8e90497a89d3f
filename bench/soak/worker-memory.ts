/**
 * The soak's worker side alone: the store's API and worker on PostgreSQL + BullMQ, and restock-email
 * jobs (each with its success callback, as the soak dispatches them) posted at a fixed rate, while a
 * probe inside the worker records RSS, the V8 heap and garbage collections every second.
 *
 *   node bench/soak/worker-memory.ts                               # 120 jobs/s for 180 s
 *   node bench/soak/worker-memory.ts --rate 60 --duration 120 --warmup 30
 *   node bench/soak/worker-memory.ts --node-args "--max-semi-space-size=4"
 *
 * The soak at c=100 dispatches one job per 20 requests (its mix), so 1 200–2 400 req/s is 60–120 jobs/s.
 * Prints the worker's RSS and heap over time, min/max after warm-up and the GC counts; the probe's
 * lines are kept in bench/soak/results/.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { readCpuMs } from '../driver/proc-stats.ts';
import { parseProbeLines } from './probe-lines.ts';
import { ROOT, startStack } from './stack.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '120' },
    duration: { type: 'string', default: '180' },
    warmup: { type: 'string', default: '30' },
    'node-args': { type: 'string', default: '' },
    /** Also write an allocation profile of 30 s after warm-up (bench/soak/alloc-summary.ts reads it). */
    'alloc-profile': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const durationS = Number(values.duration);
const warmupS = Number(values.warmup);
const nodeArgs = values['node-args'].split(/\s+/).filter((a) => a !== '');
const outDir = join(ROOT, 'bench/soak/results');
const probeFile = join(outDir, `worker-memory-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
const JSON_HEADERS = { 'content-type': 'application/json' };

const stack = await startStack({
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  serveWorkers: 1,
  outDir,
  workerNodeArgs: ['--import', join(ROOT, 'bench/soak/memory-probe.ts'), ...nodeArgs],
  workerEnv: {
    LOOM_MEMORY_PROBE: probeFile,
    ...(values['alloc-profile']
      ? {
          LOOM_ALLOC_PROFILE: probeFile.replace(/\.jsonl$/, '.heapprofile'),
          LOOM_ALLOC_PROFILE_AFTER_S: String(warmupS),
          LOOM_ALLOC_PROFILE_FOR_S: '30',
        }
      : {}),
  },
});
console.log(`store up at ${stack.baseUrl}; worker node args: ${nodeArgs.join(' ') || '(none)'}`);

let sent = 0;
let failed = 0;
/** Worker CPU, jobs dispatched and jobs waiting in the queues, at the end of warm-up and at the end. */
interface Mark {
  readonly cpuMs: number;
  readonly sent: number;
  readonly waiting: number;
}
let atWarmup: Mark | undefined;
let atEnd: Mark | undefined;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const mark = async (): Promise<Mark> => {
  let waiting = 0;
  for (const queue of ['notifications', 'analytics', 'erp']) {
    waiting += await redis.llen(`${stack.tag}:${queue}:wait`);
  }
  return { cpuMs: readCpuMs(stack.workerPid) ?? 0, sent, waiting };
};
try {
  const productIds: number[] = [];
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${stack.baseUrl}/products`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        sku: `WM-${i}`,
        name: `Wm ${i}`,
        category: `c${i % 5}`,
        priceCents: 100,
        stock: i,
      }),
    });
    productIds.push(((await res.json()) as { id: number }).id);
  }
  const body = JSON.stringify({ recipientEmail: 'ops@soak.test' });
  const until = Date.now() + (warmupS + durationS) * 1000;
  const started = Date.now();
  while (Date.now() < until) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    const batch: Promise<void>[] = [];
    for (; sent < due; sent++) {
      const id = productIds[sent % productIds.length];
      batch.push(
        fetch(`${stack.baseUrl}/products/${id}/jobs/restock-email`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body,
        }).then(
          async (res) => {
            await res.arrayBuffer();
            if (res.status !== 202) failed++;
          },
          () => {
            failed++;
          },
        ),
      );
    }
    await Promise.all(batch);
    if (atWarmup === undefined && Date.now() - started >= warmupS * 1000) atWarmup = await mark();
    await new Promise((r) => setTimeout(r, 20));
  }
  atEnd = await mark();
} finally {
  redis.disconnect();
  const exits = await stack.stop();
  console.log(`stopped: api exit ${exits.apiExit}, worker exit ${exits.workerExit}`);
}

const lines = parseProbeLines(await readFile(probeFile, 'utf8'));
const measured = lines.filter((l) => l.t >= warmupS + 3);
const range = (key: 'rss' | 'heapUsed' | 'heapTotal' | 'external') => {
  const xs = measured.map((l) => l[key]);
  return { min: Math.min(...xs), max: Math.max(...xs) };
};
const gcTotals: Record<string, { n: number; ms: number }> = {};
for (const l of measured) {
  for (const [kind, g] of Object.entries(l.gc)) {
    const slot = gcTotals[kind] ?? { n: 0, ms: 0 };
    gcTotals[kind] = slot;
    slot.n += g.n;
    slot.ms += g.ms;
  }
}
// Jobs the worker finished while measured (a job and its callback wait in the same queue: approximate).
const w = atWarmup ?? { cpuMs: 0, sent: 0, waiting: 0 };
const e = atEnd ?? w;
const processed = e.sent - w.sent - (e.waiting - w.waiting);
const cpuS = (e.cpuMs - w.cpuMs) / 1000;
console.log(
  `${sent} jobs dispatched (${failed} not accepted) at ${rate}/s; while measured: ~${processed} jobs run, waiting ${w.waiting} → ${e.waiting}; worker CPU ${cpuS.toFixed(1)} s (${((cpuS * 1000) / Math.max(1, processed)).toFixed(2)} ms/job)`,
);
console.log('t(s)   rss  heapUsed heapTotal external new_space old_space');
for (const l of lines.filter((_, i) => i % 5 === 0)) {
  console.log(
    `${String(l.t).padStart(5)} ${String(l.rss).padStart(6)} ${String(l.heapUsed).padStart(8)} ${String(l.heapTotal).padStart(9)} ${String(l.external).padStart(8)} ${String(l.spaces.new_space).padStart(9)} ${String(l.spaces.old_space).padStart(9)}`,
  );
}
const rss = range('rss');
const base = measured[0]?.rss ?? 0;
const drift = Math.max(...measured.map((l) => Math.abs(l.rss - base))) / base;
console.log(
  `after warm-up: rss ${rss.min}–${rss.max} MB (drift from first ${Math.round(drift * 1000) / 10} %), heapUsed ${range('heapUsed').min}–${range('heapUsed').max} MB, heapTotal ${range('heapTotal').min}–${range('heapTotal').max} MB, external ${range('external').min}–${range('external').max} MB`,
);
console.log(
  `GCs after warm-up: ${Object.entries(gcTotals)
    .map(([k, g]) => `${k} ${g.n} (${Math.round(g.ms)} ms)`)
    .join(
      ', ',
    )}; scavenges per 1 000 jobs: ${(((gcTotals.scavenge?.n ?? 0) * 1000) / Math.max(1, processed)).toFixed(1)}`,
);
console.log(`probe lines: ${probeFile}`);
if (values['alloc-profile']) {
  console.log(
    `allocation profile (30 s, ~${rate * 30} jobs): ${probeFile.replace(/\.jsonl$/, '.heapprofile')}`,
  );
}
