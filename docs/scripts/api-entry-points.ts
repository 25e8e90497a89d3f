/**
 * The package's public entry points, read from `packages/loom/package.json` `exports` (the `loom-source`
 * condition names the TypeScript source of each). The API reference and the `@example` check both walk
 * these, so a new entry point (say `loom-kernel/client`) is documented and checked as soon as the
 * package exports it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const packageRoot = join(import.meta.dirname, '..', '..', 'packages', 'loom');

export interface EntryPoint {
  /** The import specifier, e.g. `loom-kernel/app`. */
  readonly specifier: string;
  /** Absolute path of the entry point's TypeScript source. */
  readonly source: string;
}

export function apiEntryPoints(): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | Record<string, string>>;
  };
  const out: EntryPoint[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || target['loom-source'] === undefined) continue;
    out.push({
      specifier: subpath === '.' ? pkg.name : `${pkg.name}${subpath.slice(1)}`,
      source: join(packageRoot, target['loom-source']),
    });
  }
  return out;
}
