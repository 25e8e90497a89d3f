import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly postgres: string;
  /** Which server the run used and how it was set up (driver/bench-postgres.ts); absent in older runs. */
  readonly postgresServer?: string;
  readonly loadTool: string;
  readonly date: string;
  /** Versions of the packages both apps run on (and loom's own). */
  readonly packages: Readonly<Record<string, string>>;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly loadAverage: readonly number[];
}

const PACKAGES = ['loom-kernel', 'fastify', 'pg', 'kysely', 'fast-json-stringify', 'typebox'] as const;

/**
 * The installed version of each package, or `?`: its `package.json` found next to its entry point
 * (packages whose `exports` hide `package.json` included).
 */
export function packageVersions(names: readonly string[] = PACKAGES): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of names) {
    out[name] = '?';
    try {
      const paths = require.resolve.paths(name) ?? [];
      for (const dir of paths) {
        try {
          const pkg = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as {
            version?: string;
          };
          out[name] = pkg.version ?? '?';
          break;
        } catch {
          // not in this node_modules
        }
      }
    } catch {
      // unresolvable: stays '?'
    }
  }
  return out;
}

export async function describeMachine(
  databaseUrl: string,
  loadTool: string,
  postgresServer: string,
): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let postgres: string;
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    postgres = rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    postgresServer,
    loadTool,
    date: new Date().toISOString(),
    packages: packageVersions(),
    loadAverage: os.loadavg(),
  };
}
