import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The repository root and the files the soak runs. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'packages/loom/dist/cli/bin.js');
const STORE_CONFIG = join(ROOT, 'examples/store/config');

/** The store on PostgreSQL + BullMQ: an API (`loom serve`, optionally a cluster) and a job worker. */
export interface SoakStack {
  readonly baseUrl: string;
  /** The API's processes now: the serve process and, with `--workers`, its cluster workers. */
  apiPids(): Promise<number[]>;
  readonly workerPid: number;
  /** The run's PostgreSQL schema and BullMQ key prefix. */
  readonly tag: string;
  stop(): Promise<{ apiExit: number | null; workerExit: number | null }>;
}

export interface StackOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** `loom serve --workers N` (1: a single process). */
  readonly serveWorkers: number;
  /** Logs of the processes go here. */
  readonly outDir: string;
  /** Node options of the worker process (before the script), e.g. `--import` of a memory probe. */
  readonly workerNodeArgs?: readonly string[];
  /** Extra environment of the worker process. */
  readonly workerEnv?: Readonly<Record<string, string>>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function admin(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The children of a process (cluster workers of `loom serve --workers`), from /proc. */
async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '')
    .map(Number);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function ready(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}) before it was ready`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/**
 * Starts the store for a soak, isolated from everything else on the shared servers: a fresh PostgreSQL
 * schema (dropped by `stop`) and a fresh BullMQ key prefix (its keys deleted by `stop`).
 */
export async function startStack(options: StackOptions): Promise<SoakStack> {
  const tag = `soak_${randomBytes(4).toString('hex')}`;
  await admin(options.databaseUrl, `create schema ${tag}`);
  const separator = options.databaseUrl.includes('?') ? '&' : '?';
  const databaseUrl = `${options.databaseUrl}${separator}options=${encodeURIComponent(`-c search_path=${tag}`)}`;
  await mkdir(options.outDir, { recursive: true });
  const overlay = join(options.outDir, `${tag}.yaml`);
  // Warnings and errors only: one log line per request would measure the logger.
  await writeFile(overlay, `jobs:\n  prefix: ${tag}\nlogger:\n  level: warn\n`);
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl,
    NODE_ENV: 'development',
  };
  const log = createWriteStream(join(options.outDir, `${tag}.log`));
  const spawnLoom = (args: string[], nodeArgs: readonly string[] = [], extraEnv = {}) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    return child;
  };
  const bullmq = join(STORE_CONFIG, 'bullmq.yaml');
  const api = spawnLoom([
    'serve',
    ...(options.serveWorkers > 1 ? ['--workers', String(options.serveWorkers)] : []),
    '--port',
    String(port),
    join(STORE_CONFIG, 'api.yaml'),
    bullmq,
    overlay,
  ]);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await ready(`${baseUrl}/health/ready`, api, 60_000);
  } catch (error) {
    api.kill('SIGKILL');
    await admin(options.databaseUrl, `drop schema if exists ${tag} cascade`);
    throw error;
  }
  // After the API: it created the tables (database.sync: create) the worker also reads.
  const worker = spawnLoom(
    ['worker', join(STORE_CONFIG, 'worker.yaml'), bullmq, overlay],
    options.workerNodeArgs,
    options.workerEnv,
  );
  return {
    baseUrl,
    workerPid: worker.pid ?? 0,
    tag,
    async apiPids() {
      return [api.pid ?? 0, ...(await childrenOf(api.pid ?? 0))];
    },
    async stop() {
      api.kill('SIGTERM');
      worker.kill('SIGTERM');
      const [apiExit, workerExit] = await Promise.all([exitOf(api), exitOf(worker)]);
      log.end();
      await admin(options.databaseUrl, `drop schema if exists ${tag} cascade`);
      const redis = new Redis(options.redisUrl);
      try {
        // Only this soak's keys: the Redis is shared.
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${tag}:*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      return { apiExit, workerExit };
    },
  };
}
