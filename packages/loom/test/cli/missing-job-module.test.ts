import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, STORE_API, tempDir } from '../observability/store-app.ts';
import { kill, type LoggedChild, spawnLoom } from './child-process.ts';
import { cli } from './run-cli.ts';

// Issue 20, point 4: a job module left out of app.discovery used to be found at the first request
// (500 "job is not registered") while boot and `loom routes` succeeded. The store's SyncProductsToErp
// declares `dispatches: [SyncProductToErp]`: without product/jobs.ts in the module list, every boot
// fails naming both (SendRestockEmail is still found through its callbacks).
const EXPECTED =
  'SyncProductsToErp: dispatches job SyncProductToErp (queue "erp"), which is not registered in this process';

describe('a store whose module list misses product/jobs.ts', () => {
  const tmp = tempDir('loom-missing-job-');
  let overlay: string;
  let proc: LoggedChild | undefined;

  beforeAll(async () => {
    const base = parse(await readFile(resolve(REPO_ROOT, 'examples/store/config/base.yaml'), 'utf8')) as {
      app: { discovery: { modules: string[] } };
    };
    const modules = base.app.discovery.modules.filter((m) => m !== '../src/product/jobs.ts');
    expect(modules).toHaveLength(base.app.discovery.modules.length - 1);
    const dir = (await tmp).path;
    overlay = `${dir}/no-jobs.yaml`;
    await writeFile(
      overlay,
      `database:\n  url: "sqlite:${dir}/store.db"\napp:\n  discovery:\n    modules:\n${modules.map((m) => `      - ${m}\n`).join('')}`,
    );
  });
  afterEach(() => kill(proc));
  afterAll(async () => (await tmp).dispose());

  it('loom routes exits 1 naming the use case and the job', async () => {
    const { code, stdout, stderr } = await cli('routes', STORE_API, overlay);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`loom routes: ${EXPECTED}`);
  });

  it('loom serve exits 1 before it listens', async () => {
    proc = spawnLoom(['serve', '--port', '0', STORE_API, overlay]);
    expect(await proc.exited()).toBe(1);
    expect(proc.stderr()).toContain(`loom serve: ${EXPECTED}`);
    expect(proc.lines.some((l) => String(l.msg).startsWith('Server listening'))).toBe(false);
  });

  it('with the full module list, the same store boots (the check is not a false alarm)', async () => {
    const { code } = await cli('routes', STORE_API);
    expect(code).toBe(0);
  });
});
