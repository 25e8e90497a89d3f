import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileExamples } from '../../../../docs/scripts/check-examples.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

describe('@example blocks of the public TSDoc', () => {
  it('compile against the package (docs/scripts/check-examples.ts)', () => {
    const run = spawnSync(process.execPath, ['docs/scripts/check-examples.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status, `${run.stderr}\n${run.stdout}\nrun \`node docs/scripts/check-examples.ts\``).toBe(0);
  }, 180_000);

  it('catch an example that drifts from the API, and pass one that does not', () => {
    const example = (name: string, code: string) => ({
      origin: 'test',
      name,
      entry: 'loom-kernel',
      lang: 'ts',
      code,
    });
    const names = new Map([['loom-kernel', ['model', 'column']]]);
    const failures = compileExamples(
      [
        example(
          'good',
          "export const Tag = model('tags', { id: column.int().primaryKey().autoIncrement() });",
        ),
        example('drifted', "export const Tag = model('tags', { id: column.integer().primaryKey() });"),
      ],
      names,
      join(root, 'node_modules', '.cache', 'loom-examples-test'),
    );
    expect(failures.map((f) => f.example.name)).toEqual(['drifted']);
    expect(failures[0]?.errors.join('\n')).toMatch(/integer/);
  }, 180_000);
});
