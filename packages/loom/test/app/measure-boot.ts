import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, STORE_MAIN } from '../observability/store-app.ts';

/** One boot of the store: milliseconds from spawning the process to its "Server listening" log line. */
export async function bootOnce(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-boot-'));
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [STORE_MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
        DATABASE_URL: `sqlite:${dir}/store.db`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ms = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.includes('"Server listening at ')) resolve(performance.now() - started);
      });
      child.once('exit', (code) => reject(new Error(`the store exited (${code}) before listening`)));
    });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    return ms;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `runs` boots one after the other: each time and the median. */
export async function measureBoot(runs: number): Promise<{ runs: number[]; median: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Math.round(await bootOnce()));
  const sorted = [...times].sort((a, b) => a - b);
  return { runs: times, median: sorted[Math.floor(sorted.length / 2)]! };
}

// `node packages/loom/test/app/measure-boot.ts [runs]` prints the figures (docs/boot-time.md).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const result = await measureBoot(Number(process.argv[2] ?? 7));
  console.log(JSON.stringify({ node: process.version, ...result }));
}
