import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_API, storeOverlay, tempDir } from '../observability/store-app.ts';

const run = promisify(execFile);
const CHILD = new URL('./engine-tuning-child.ts', import.meta.url).pathname;

/**
 * Lines V8's pretenuring trace printed after the app booted (per-site statistics and decisions; the
 * trace prints none while the feature is off).
 */
async function pretenuringTracesAfterBoot(
  extraYaml: string,
  nodeFlags: readonly string[] = [],
): Promise<number> {
  const overlay = await storeOverlay(dir.path, extraYaml);
  const { stdout } = await run(
    process.execPath,
    // Without the optimizing compilers: V8 counts a literal's survivors through the allocation
    // mementos its unoptimized code writes, which optimized (or on-stack-replaced) code may not, so
    // whether the child's loop got optimized early would decide whether any decision shows.
    ['--trace-pretenuring-statistics', '--no-opt', '--no-maglev', ...nodeFlags, CHILD, STORE_API, overlay],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = stdout.split('\n');
  const booted = lines.indexOf('LOOM_BOOTED');
  expect(booted, stdout.slice(-2_000)).toBeGreaterThanOrEqual(0);
  expect(lines).toContain('LOOM_ALLOCATED 500000');
  return lines.slice(booted).filter((line) => line.includes('pretenuring:')).length;
}

let dir: { path: string; dispose(): Promise<void> };
beforeAll(async () => {
  dir = await tempDir('loom-engine-');
});
afterAll(async () => {
  await dir?.dispose();
});

// app.runtime.allocationSitePretenuring (bench/ANALYSIS.md): a loom process turns V8's pretenuring off
// unless configured or given on the command line.
describe('app.runtime: V8 allocation-site pretenuring', () => {
  it('is off by default in a createApp process: V8 traces no pretenuring feedback after boot', async () => {
    expect(await pretenuringTracesAfterBoot('')).toBe(0);
  });

  it('stays on with allocationSitePretenuring: true (the control: feedback is traced)', async () => {
    expect(
      await pretenuringTracesAfterBoot('app:\n  runtime:\n    allocationSitePretenuring: true\n'),
    ).toBeGreaterThan(0);
  });

  it("an explicit flag on node's command line wins over the default", async () => {
    expect(await pretenuringTracesAfterBoot('', ['--allocation-site-pretenuring'])).toBeGreaterThan(0);
  });
});
