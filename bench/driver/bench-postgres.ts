/**
 * The PostgreSQL server a bench run measures against: by default a cluster of the bench's own, started
 * for the run from this machine's PostgreSQL binaries, with glibc's allocator held still; or the server
 * at `BENCH_DATABASE_URL` (or `DATABASE_URL`, default 127.0.0.1:5432) when `BENCH_POSTGRES=system` or
 * `BENCH_DATABASE_URL` is set.
 *
 * Why a cluster of its own: a backend's cost per statement depended on its history. glibc hands the top
 * of the heap back to the kernel (`brk`) whenever more than its trim threshold lies free there; the
 * threshold starts at 128 KiB and rises to twice the size of any mmapped chunk the process frees. A
 * backend whose statement grew the heap past its threshold shrank and regrew it on every execution —
 * two `brk` calls and ~40 minor page faults per list_offset statement — while a backend that had once
 * freed a larger chunk did not (bench/ANALYSIS.md, 2026-12-07 night and last). Which app's pool drew
 * which backends was luck, and it moved a cell's ratio by up to 40 %. Fixed thresholds
 * (`GLIBC_TUNABLES`) take the luck out: nothing below 32 MiB is mmapped and the heap is trimmed only past
 * 256 MiB free. Autovacuum is off as well: every round re-seeds and ANALYZEs its tables, and a vacuum
 * that starts in one app's slice and not the other's is noise too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl } from '../db-url.ts';

/** glibc's allocator thresholds for the bench cluster's processes (see the file comment). */
export const BENCH_MALLOC_TUNABLES =
  'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';

/** Server settings of the bench cluster, beyond initdb's defaults. */
export const BENCH_SERVER_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  shared_buffers: '128MB',
  max_connections: '100',
  autovacuum: 'off',
  // a server of its own needs no socket directory of the system's (which may belong to another user)
  unix_socket_directories: '',
};

/** The server a run uses, how the report names it, and how to stop it (a no-op for a server not ours). */
export interface BenchDatabase {
  readonly url: string;
  /** e.g. "bench-owned cluster on port 5433, glibc malloc thresholds fixed, autovacuum off". */
  readonly description: string;
  stop(): void;
}

export interface BenchPostgresOptions {
  readonly port: number;
  /** Kept between runs, so that initdb runs once per machine. */
  readonly dataDir: string;
  readonly binDir: string;
  /** Set when this process is root: the server runs as this user (PostgreSQL refuses to run as root). */
  readonly runAs: string | undefined;
  /** `GLIBC_TUNABLES` of the server's processes; default {@link BENCH_MALLOC_TUNABLES}, `''` for glibc's defaults. */
  readonly mallocTunables?: string;
}

/** The directory of `postgres`, `initdb` and `pg_ctl`: `BENCH_PG_BINDIR`, `pg_config --bindir`, or Debian's layout. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.BENCH_PG_BINDIR !== undefined) candidates.push(env.BENCH_PG_BINDIR);
  try {
    candidates.push(
      execFileSync('pg_config', ['--bindir'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim(),
    );
  } catch {
    // no pg_config on PATH
  }
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debianRoot, version, 'bin')));
  }
  return candidates.find((dir) =>
    ['postgres', 'initdb', 'pg_ctl'].every((bin) => existsSync(join(dir, bin))),
  );
}

/** The `GLIBC_TUNABLES` a cluster runs with (`''`: none, glibc's defaults). */
const mallocTunablesOf = (options: BenchPostgresOptions): string =>
  options.mallocTunables ?? BENCH_MALLOC_TUNABLES;

/** Runs a PostgreSQL binary, as `runAs` when given, with the bench's allocator settings in its environment. */
function runServerTool(options: BenchPostgresOptions, tool: string, args: readonly string[]): string {
  const tunables = mallocTunablesOf(options);
  const command = [
    'env',
    ...(tunables === '' ? ['-u', 'GLIBC_TUNABLES'] : [`GLIBC_TUNABLES=${tunables}`]),
    'TZ=Etc/UTC',
    'LC_ALL=C.UTF-8',
    join(options.binDir, tool),
    ...args,
  ];
  const [file, ...rest] =
    options.runAs === undefined ? command : ['runuser', '-u', options.runAs, '--', ...command];
  const result = spawnSync(file ?? 'env', rest, { encoding: 'utf8', cwd: tmpdir() });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${tool} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/**
 * Starts the bench cluster (creating it on first use) and waits until it accepts connections; stops a
 * server of an earlier run still alive in the same directory first, so its settings are this run's.
 */
export function startBenchPostgres(options: BenchPostgresOptions): BenchDatabase {
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    runServerTool(options, 'initdb', [
      '-D',
      options.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
  }
  if (existsSync(join(options.dataDir, 'postmaster.pid'))) {
    try {
      runServerTool(options, 'pg_ctl', ['-D', options.dataDir, '-m', 'fast', '-w', 'stop']);
    } catch {
      // a stale pid file of a server that is gone: pg_ctl start copes with it
    }
  }
  const settings = Object.entries({ ...BENCH_SERVER_SETTINGS, port: String(options.port) })
    .map(([name, value]) => `-c ${name}=${value === '' ? "''" : value}`)
    .join(' ');
  const serverLog = join(options.dataDir, 'server.log');
  const logBefore = existsSync(serverLog) ? readFileSync(serverLog, 'utf8').length : 0;
  try {
    runServerTool(options, 'pg_ctl', [
      '-D',
      options.dataDir,
      '-l',
      serverLog,
      '-o',
      settings,
      '-w',
      '-t',
      '60',
      'start',
    ]);
  } catch (error) {
    // pg_ctl only says "could not start server"; the reason (a port taken, say) is in the server's log
    const why = existsSync(serverLog) ? readFileSync(serverLog, 'utf8').slice(logBefore).trim() : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${serverLog}:\n${why}`);
  }
  const tunables = mallocTunablesOf(options);
  return {
    url: `postgres://postgres@127.0.0.1:${options.port}/postgres`,
    description: `bench-owned cluster on port ${options.port} (${options.dataDir}): ${
      tunables === '' ? "glibc's malloc defaults" : `glibc malloc thresholds fixed (${tunables})`
    }, autovacuum off`,
    stop: () => {
      runServerTool(options, 'pg_ctl', ['-D', options.dataDir, '-m', 'fast', '-w', 'stop']);
    },
  };
}

/**
 * The server for this run, chosen from the environment (see the file comment): `BENCH_POSTGRES=system`
 * or a `BENCH_DATABASE_URL` → that server as it is; otherwise the bench cluster on `BENCH_POSTGRES_PORT`
 * (5433) in `BENCH_POSTGRES_DIR` (under the temp directory) — or, with no PostgreSQL binaries on this
 * machine, the system server, which the description then says.
 */
export function benchDatabase(env: NodeJS.ProcessEnv = process.env): BenchDatabase {
  const system = (why: string): BenchDatabase => ({
    url: databaseUrl(env),
    description: `the server at ${new URL(databaseUrl(env)).host} (${why})`,
    stop: () => {},
  });
  if (env.BENCH_POSTGRES === 'system') return system('BENCH_POSTGRES=system');
  if (env.BENCH_DATABASE_URL !== undefined) return system('BENCH_DATABASE_URL');
  const binDir = findPostgresBinDir(env);
  if (binDir === undefined) return system('no PostgreSQL server binaries found for a bench-owned cluster');
  const major =
    execFileSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).match(/(\d+)/)?.[1] ?? 'x';
  const isRoot = process.getuid?.() === 0;
  return startBenchPostgres({
    port: Number(env.BENCH_POSTGRES_PORT ?? 5433),
    dataDir:
      env.BENCH_POSTGRES_DIR ??
      join(tmpdir(), `loom-bench-postgres-${major}${isRoot ? '' : `-${process.getuid?.() ?? ''}`}`),
    binDir,
    runAs: isRoot ? (env.BENCH_POSTGRES_USER ?? 'postgres') : undefined,
  });
}
