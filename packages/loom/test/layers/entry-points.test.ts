import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${PKG}package.json`, 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
};

// Every subpath of package.json "exports" whose source exists (loom-kernel/testing arrives with the
// testing kit); a change to the public surface changes this snapshot, so it is always deliberate.
const entries = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === 'string' || target['loom-source'] === undefined
    ? []
    : [[subpath, `${PKG}${target['loom-source']}`] as const],
);

describe('entry points of loom-kernel', () => {
  it('each subpath has loom-source, types and import conditions, types first after loom-source', () => {
    for (const [, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      expect(Object.keys(target)).toEqual(['loom-source', 'types', 'import']);
    }
  });

  it.each(entries.filter(([, file]) => existsSync(file)))('%s exports', async (_subpath, file) => {
    const names = Object.keys(await import(file)).sort();
    expect(names).toMatchSnapshot();
  });

  it('internals stay out of every entry point', async () => {
    for (const [, file] of entries.filter(([, f]) => existsSync(f))) {
      const names = Object.keys(await import(file));
      for (const internal of [
        'compilePlan',
        'Kernel',
        'TracedKernel',
        'runCli',
        'createRestServer',
        'inSpan',
      ]) {
        expect(names).not.toContain(internal);
      }
    }
  });
});
