/**
 * Type-checks every `@example` code block of the package's public TSDoc (see public-examples.ts): each
 * block becomes a module under `node_modules/.cache/loom-examples/`, compiled by the workspace's `tsc`
 * against the package's sources, so an example that drifts from the API fails the check.
 *
 * An example may use any name its entry point (or another entry point) exports without importing it:
 * the check adds the import, as a reader would. Anything else it uses it declares, e.g.
 * `declare const ctx: UseCaseContext;`, which also tells the reader what the name is.
 *
 *   node docs/scripts/check-examples.ts            # exit 1 when an example does not compile
 *   node docs/scripts/check-examples.ts --report   # also list exports without a summary or @example
 *
 * `examples-baseline.txt` lists the declarations whose examples did not compile when the check was
 * introduced (sketches with free names). The check fails on any other failing example, and on a listed
 * one that now compiles (remove it from the list): the list only shrinks.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PublicExample, readPublicDocs } from './public-examples.ts';

const workspace = join(import.meta.dirname, '..', '..');
const outDir = join(workspace, 'node_modules', '.cache', 'loom-examples');
const CHECKED = new Set(['ts', 'typescript']);

/** A drifting example and what tsc said about it, lines counted from the example's first line. */
export interface ExampleFailure {
  readonly example: PublicExample;
  readonly errors: string[];
}

function declaredIn(code: string): Set<string> {
  const names = new Set<string>();
  const declaration = /\b(?:const|let|var|function|class|type|interface|enum)\s+([A-Za-z_$][\w$]*)/g;
  for (const m of code.matchAll(declaration)) names.add(m[1] as string);
  for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const spec of (m[1] as string).split(',')) {
      const local = spec
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^type\s+/, '');
      if (local) names.add(local);
    }
  }
  for (const m of code.matchAll(/import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from/g))
    names.add(m[1] as string);
  return names;
}

/** The module tsc compiles for an example: implicit imports, then the example's own lines. */
export function exampleModule(
  example: Pick<PublicExample, 'entry' | 'code'>,
  exportedNames: ReadonlyMap<string, readonly string[]>,
): { text: string; preambleLines: number } {
  const declared = declaredIn(example.code);
  const used = new Set(example.code.match(/[A-Za-z_$][\w$]*/g) ?? []);
  // The example's own entry point first, then the root, then the others: a name exported twice is
  // imported from the first.
  const order = [example.entry, 'loom-kernel', ...exportedNames.keys()];
  const imports = new Map<string, string[]>();
  const taken = new Set<string>();
  for (const entry of order) {
    for (const name of exportedNames.get(entry) ?? []) {
      if (!used.has(name) || declared.has(name) || taken.has(name)) continue;
      taken.add(name);
      imports.set(entry, [...(imports.get(entry) ?? []), name]);
    }
  }
  const preamble = [...imports].map(([entry, names]) => `import { ${names.join(', ')} } from '${entry}';`);
  return { text: `${[...preamble, example.code].join('\n')}\nexport {};\n`, preambleLines: preamble.length };
}

/** Compiles the examples; returns the ones that fail, with tsc's messages. */
export function compileExamples(
  examples: readonly PublicExample[],
  exportedNames: ReadonlyMap<string, readonly string[]>,
  dir = outDir,
): ExampleFailure[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  const files = examples.map((example, i) => {
    const file = `example-${String(i).padStart(3, '0')}.ts`;
    const { text, preambleLines } = exampleModule(example, exportedNames);
    writeFileSync(join(dir, file), text);
    return { file, example, preambleLines };
  });
  const tsc = join(
    dirname(createRequire(join(workspace, 'package.json')).resolve('typescript/package.json')),
    'bin',
    'tsc',
  );
  const byFile = new Map<string, string[]>();
  // tsc reports no type errors while any file has a syntax error: compile again without the files that
  // have one, so a run lists every drifting example.
  for (let pass = 0; pass < 2; pass++) {
    const remaining = files.filter((f) => !byFile.has(f.file)).map((f) => f.file);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(workspace, 'tsconfig.json'),
        // Examples import types like values, as readers write them; everything else is the workspace's.
        compilerOptions: { verbatimModuleSyntax: false, noEmit: true },
        files: remaining,
        include: [],
      }),
    );
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const other: string[] = [];
    let syntax = false;
    for (const line of run.stdout.split('\n')) {
      const m = /^(?:.*\/)?(example-\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line.trim());
      if (m === null) {
        if (line.includes('error TS')) other.push(line.trim());
        continue;
      }
      if (/error TS1\d{3}:/.test(m[4] as string)) syntax = true;
      const entry = files.find((f) => f.file === m[1]);
      const at = Number(m[2]) - (entry?.preambleLines ?? 0);
      byFile.set(m[1] as string, [...(byFile.get(m[1] as string) ?? []), `line ${at}: ${m[4]}`]);
    }
    if (other.length > 0) throw new Error(`tsc failed outside the examples:\n${other.join('\n')}`);
    if (run.status !== 0 && byFile.size === 0) throw new Error(`tsc failed:\n${run.stdout}${run.stderr}`);
    if (!syntax) break;
  }
  return files
    .filter((f) => byFile.has(f.file))
    .map((f) => ({ example: f.example, errors: byFile.get(f.file) ?? [] }));
}

const BASELINE = join(import.meta.dirname, 'examples-baseline.txt');

export function readBaseline(): Set<string> {
  return new Set(
    readFileSync(BASELINE, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const docs = await readPublicDocs();
  const checked = docs.examples.filter((e) => CHECKED.has(e.lang));
  const failures = compileExamples(checked, docs.exportedNames);
  const baseline = readBaseline();
  const failing = new Set(failures.map((f) => f.example.name));
  const drifted = failures.filter((f) => !baseline.has(f.example.name));
  const fixed = [...baseline].filter((name) => !failing.has(name));
  for (const { example, errors } of drifted) {
    console.error(`✗ ${example.name} (${example.origin}):\n    ${errors.join('\n    ')}`);
  }
  for (const name of fixed)
    console.error(`✓ ${name} compiles now: remove it from docs/scripts/examples-baseline.txt`);
  if (process.argv.includes('--all')) {
    for (const { example, errors } of failures.filter((f) => baseline.has(f.example.name))) {
      console.error(`(baseline) ${example.name} (${example.origin}):\n    ${errors.join('\n    ')}`);
    }
  }
  const noSummary = docs.exports.filter((e) => !e.hasSummary);
  const noExample = docs.exports.filter((e) => !e.hasExample);
  if (process.argv.includes('--report')) {
    for (const e of noSummary) console.log(`no summary: ${e.entry} ${e.name} (${e.kind}, ${e.origin})`);
    for (const e of noExample) console.log(`no @example: ${e.entry} ${e.name} (${e.kind}, ${e.origin})`);
  }
  console.log(
    `${checked.length} examples checked, ${failures.length} failing (${baseline.size} declarations in the baseline); ` +
      `${docs.exports.length} public exports, ${noSummary.length} without a summary, ${noExample.length} without an @example`,
  );
  process.exit(drifted.length === 0 && fixed.length === 0 ? 0 : 1);
}
