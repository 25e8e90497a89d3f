/**
 * Boot time of `createTestApp` on the store's manifest (SQLite in memory, the compiled package), in one
 * process: the import of the kit and the manifest, the first boot, then the median (and min/max) of the
 * next boots. `close()` is awaited after each boot and not counted.
 *
 *   node bench/test-app-boot.ts [boots after the first, default 20]
 *
 * Prints one JSON line. Run it on a quiet machine, or report the load average beside it.
 */
import { loadavg } from 'node:os';

const next = Number(process.argv[2] ?? 20);

const importStarted = performance.now();
const { createTestApp } = await import('loom-kernel/testing');
const manifest = await import('../examples/store/src/manifest.ts');
const importMs = performance.now() - importStarted;

async function bootOnce(): Promise<number> {
  const started = performance.now();
  const app = await createTestApp(manifest, { databaseUrl: 'sqlite::memory:' });
  const ms = performance.now() - started;
  await app.close();
  return ms;
}

const firstMs = await bootOnce();
const times: number[] = [];
for (let i = 0; i < next; i++) times.push(await bootOnce());
const sorted = [...times].sort((a, b) => a - b);
const median =
  sorted.length === 0
    ? Number.NaN
    : sorted.length % 2 === 1
      ? (sorted[(sorted.length - 1) / 2] as number)
      : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
const round = (ms: number) => Math.round(ms * 10) / 10;
console.log(
  JSON.stringify({
    node: process.version,
    importMs: round(importMs),
    firstBootMs: round(firstMs),
    boots: times.length,
    medianBootMs: round(median),
    minBootMs: round(sorted[0] ?? Number.NaN),
    maxBootMs: round(sorted.at(-1) ?? Number.NaN),
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  }),
);
