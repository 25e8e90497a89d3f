import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, layerViolations } from './import-graph.ts';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const UPWARD = fileURLToPath(new URL('./fixtures/upward', import.meta.url));

describe('layers (errors → schema → model/config/context → db/command → repository → use-case/cache → observability → kernel → rest/job → app → testing/cli)', () => {
  it('no framework source imports from a layer above its own (type-only imports included)', () => {
    expect(layerViolations(SRC)).toEqual([]);
  });

  it('a fixture with an upward type-only import fails the check, naming file, line and layers', () => {
    expect(layerViolations(UPWARD)).toEqual([
      { from: 'model/model.ts', to: 'rest/route.ts', line: 2, fromLayer: 'model', toLayer: 'rest' },
    ]);
  });

  it('reads imports, re-exports and dynamic imports, but not those in comments', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type {\n  B,\n} from '../b.ts';",
      "export * from './c.ts';",
      "const d = await import('./d.ts');",
      '/** @example\n * import { e } from "./e.ts";\n */',
      "import fastify from 'fastify';",
    ].join('\n');
    expect(importsOf(source).map((i) => i.specifier)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts']);
  });
});
