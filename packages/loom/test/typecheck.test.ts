import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// The type tests (test/types/*.test.ts, every `@ts-expect-error`) only fail under the compiler: run it,
// so `npm test` fails when a type test does.
it('the whole repository type-checks (tsc --noEmit)', () => {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0)
    console.error(`tsc failed (status ${result.status}, signal ${result.signal}):\n${output}`);
  expect(result.error).toBeUndefined();
  expect(result.status, output).toBe(0);
}, 130_000);
