import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, STORE_DIR } from './support/paths.ts';
import { startPostgresStore } from './support/postgres-setup.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';

// The store's Bruno collection (examples/store/bruno, one request per route, with assertions) run by
// @usebruno/cli against a real server: SQLite defaults, then PostgreSQL + BullMQ.
const run = promisify(execFile);
const BRU = join(REPO_ROOT, 'node_modules', '.bin', 'bru');

async function runCollection(baseUrl: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(BRU, ['run', '--env', 'local', '--env-var', `baseUrl=${baseUrl}`], {
      cwd: join(STORE_DIR, 'bruno'),
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.each([
  ['SQLite + in-process jobs', () => startSqliteStore()],
  ['PostgreSQL + BullMQ', () => startPostgresStore()],
])('the Bruno collection against the store on %s', (_label, start) => {
  let store: StoreSetup;
  beforeAll(async () => {
    store = await start();
  }, 120_000);
  afterAll(() => store?.close());

  it('passes every request and assertion', async () => {
    const result = await runCollection(store.api.baseUrl);
    expect(result.code, result.output.slice(-3000)).toBe(0);
    // 40 requests: GET /openapi.json first, then one per store route (39), every one passed.
    const summary = /Requests\s+│\s+(\d+) \((\d+) Passed\)/.exec(result.output);
    expect(summary?.slice(1, 3), result.output.slice(-3000)).toEqual(['40', '40']);
  }, 120_000);
});
