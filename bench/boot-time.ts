/**
 * Boot time of the store: process start to the first 200, on SQLite with in-process jobs, as `npm start`
 * runs it (plain `node`, Node's type stripping for the store's own files, the compiled package).
 *
 *   node bench/boot-time.ts [runs=7] [repo root, default this checkout]
 *
 * Each run gets a fresh SQLite file and PORT=0, waits for the listening line, then polls GET /users
 * until it answers 200. Reported per run: wall time to that 200, the child's CPU time (user + system,
 * from /proc) at that moment, and its RSS; then medians. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[2] ?? 7);
const root = process.argv[3] ?? join(import.meta.dirname, '..');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMs(pid: number): number {
  // Fields after the command name: utime is the 12th, stime the 13th (1-based after ") ").
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

async function bootOnce(): Promise<{ wallMs: number; cpuMs: number; rssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-boot-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'examples/store/src/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'store.db')}`, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const match = /Server listening at (http:\/\/[\d.]+:\d+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`store exited (${code}):\n${out}`)));
    });
    for (;;) {
      const response = await fetch(`${url}/users`).catch(() => undefined);
      if (response?.status === 200) break;
    }
    const wallMs = performance.now() - started;
    return { wallMs, cpuMs: cpuMs(child.pid as number), rssMb: rssMb(child.pid as number) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const results = [];
for (let i = 0; i < runs; i++) {
  const r = await bootOnce();
  results.push(r);
  console.log(
    `run ${i + 1}: ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU, ${r.rssMb.toFixed(1)} MB RSS`,
  );
}
console.log(
  `median of ${runs} (Node ${process.version}): ${median(results.map((r) => r.wallMs)).toFixed(0)} ms wall, ` +
    `${median(results.map((r) => r.cpuMs)).toFixed(0)} ms CPU, ${median(results.map((r) => r.rssMb)).toFixed(1)} MB RSS`,
);
