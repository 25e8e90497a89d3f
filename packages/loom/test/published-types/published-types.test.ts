import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PROJECT = 'packages/loom/test/published-types/tsconfig.json';

// The declaration mistakes the API promises to reject (type tests elsewhere run against src/) are
// rejected by the compiled .d.ts too: consumer.ts resolves `loom-kernel` as an installed app does.
it('an app type-checked against the published .d.ts rejects the same mistakes', () => {
  const result = spawnSync('npx', ['tsc', '-p', PROJECT, '--listFiles'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  expect(result.error).toBeUndefined();
  expect(result.status, output).toBe(0);
  expect(output).toContain('packages/loom/dist/index.d.ts');
  expect(output).toContain('packages/loom/dist/testing/index.d.ts');
  // Services and config sections declared by augmenting 'loom-kernel', as an installed app does.
  expect(output).toContain('published-types/services-consumer.ts');
  expect(output).not.toContain('packages/loom/src/index.ts');
}, 130_000);
