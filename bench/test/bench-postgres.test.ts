import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BenchDatabase,
  type BenchPostgresOptions,
  benchDatabase,
  findPostgresBinDir,
  startBenchPostgres,
} from '../driver/bench-postgres.ts';
import { minorFaultsOf } from '../process-cpu.ts';

const binDir = findPostgresBinDir();
const isRoot = process.getuid?.() === 0;

/**
 * Faults of one backend per execution of a statement that builds ~640 KB in memory and frees it: with
 * glibc's defaults the freed heap top is handed back (`brk`) after every execution and faulted in again.
 */
async function faultsPerExecution(url: string, executions: number): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]?.pid ?? Number.NaN;
    const faults: number[] = [];
    for (let i = 0; i < executions; i++) {
      const before = minorFaultsOf(`/proc/${pid}/stat`);
      await client.query("SELECT length(string_agg(md5(i::text), '')) FROM generate_series(1, 20000) i");
      faults.push(minorFaultsOf(`/proc/${pid}/stat`) - before);
    }
    return faults;
  } finally {
    await client.end();
  }
}

describe('benchDatabase: which server a run uses', () => {
  it('BENCH_POSTGRES=system measures the server at the URL as it is, and stopping it does nothing', () => {
    const database = benchDatabase({
      BENCH_POSTGRES: 'system',
      DATABASE_URL: 'postgres://u@db.example:6543/x',
    });
    expect(database.url).toBe('postgres://u@db.example:6543/x');
    expect(database.description).toContain('db.example:6543');
    expect(database.description).toContain('BENCH_POSTGRES=system');
    expect(() => database.stop()).not.toThrow();
  });

  it('a BENCH_DATABASE_URL is taken as it is', () => {
    const database = benchDatabase({ BENCH_DATABASE_URL: 'postgres://u@other:5432/y' });
    expect(database.url).toBe('postgres://u@other:5432/y');
    expect(database.description).toContain('BENCH_DATABASE_URL');
  });
});

describe.skipIf(binDir === undefined)('startBenchPostgres: a cluster of the bench own', () => {
  const dirs: string[] = [];
  const started: BenchDatabase[] = [];
  const options = (
    name: string,
    port: number,
    extra: Partial<BenchPostgresOptions> = {},
  ): BenchPostgresOptions => {
    const dataDir = join(tmpdir(), `loom-bench-postgres-test-${process.pid}-${name}`);
    dirs.push(dataDir);
    return { port, dataDir, binDir: binDir ?? '', runAs: isRoot ? 'postgres' : undefined, ...extra };
  };
  afterAll(() => {
    for (const database of started) {
      try {
        database.stop();
      } catch {
        // already stopped by its test
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('holds a backend heap still where glibc defaults shrink and regrow it on every statement', async () => {
    const fixed = startBenchPostgres(options('fixed', 5441));
    started.push(fixed);
    const defaults = startBenchPostgres(options('defaults', 5442, { mallocTunables: '' }));
    started.push(defaults);
    expect(fixed.description).toContain('glibc malloc thresholds fixed');
    expect(defaults.description).toContain("glibc's malloc defaults");

    // The first executions fault the heap in on both; from then on only the defaults keep doing it.
    const withFixed = (await faultsPerExecution(fixed.url, 8)).slice(3);
    const withDefaults = (await faultsPerExecution(defaults.url, 8)).slice(3);
    expect(Math.max(...withFixed)).toBeLessThan(20);
    expect(Math.min(...withDefaults)).toBeGreaterThan(100);
  }, 60_000);

  it('runs with autovacuum off on its own port, and starts again over a server left running in its directory', async () => {
    const first = startBenchPostgres(options('restart', 5443));
    started.push(first);
    // A run that died without stopping its server: the next start stops it and takes the directory over.
    const again = startBenchPostgres(options('restart', 5443));
    started.push(again);
    const client = new pg.Client({ connectionString: again.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ autovacuum: string; port: string }>(
        "SELECT current_setting('autovacuum') AS autovacuum, current_setting('port') AS port",
      );
      expect(rows[0]).toEqual({ autovacuum: 'off', port: '5443' });
    } finally {
      await client.end();
    }
    again.stop();
    const refused = new pg.Client({ connectionString: again.url });
    await expect(refused.connect()).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);

  it('says why it could not start: the reason from the server log, not only pg_ctl\'s "could not start server"', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(5444, '127.0.0.1', resolve));
    try {
      expect(() => startBenchPostgres(options('taken', 5444))).toThrow(/could not bind|already in use/i);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 60_000);
});
