import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The layer order of the framework's folders, low to high (docs/decisions/0007-layers.md). A file may
 * import from its own layer and the layers below; folders sharing a row are siblings and may not
 * import each other.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['errors'],
  ['schema'],
  ['model', 'config', 'context'],
  ['db', 'command'],
  ['repository'],
  ['use-case', 'cache'],
  ['observability'],
  ['kernel'],
  ['rest', 'job'],
  ['app'],
  ['testing', 'cli', 'client'],
];

/** One relative import of one source file: `from` and `to` relative to the source root. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

/** One import that goes up (or sideways into a sibling) in {@link LAYERS}. */
export interface LayerViolation extends ImportEdge {
  readonly fromLayer: string;
  readonly toLayer: string;
}

// `import … from '…'`, `export … from '…'` (type-only too), `import '…'` and `import('…')`.
const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?[^'";]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Blanks comments (keeping line breaks, so line numbers hold): TSDoc examples are not imports. */
function withoutComments(source: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return source.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/^\s*\/\/.*$/gm, blank);
}

/** Relative imports of a source text, as written. */
export function importsOf(source: string): { specifier: string; line: number }[] {
  const text = withoutComments(source);
  const found: { specifier: string; line: number }[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier === undefined || !specifier.startsWith('.')) continue;
    const start = match.index + match[0].length - match[0].replace(/^[;\s]+/, '').length;
    const line = text.slice(0, start).split('\n').length;
    found.push({ specifier, line });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every relative import between files under `root` (tests and test fixtures left out). */
export function importGraph(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    if (file.split(sep).includes('test-fixtures')) continue;
    for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier);
      edges.push({ from: relative(root, file), to: relative(root, target), line });
    }
  }
  return edges;
}

function layerOf(path: string): { folder: string; rank: number } | undefined {
  const folder = path.split(sep)[0] ?? '';
  const rank = LAYERS.findIndex((row) => row.includes(folder));
  return rank === -1 ? undefined : { folder, rank };
}

/**
 * The imports under `root` that break {@link LAYERS}. Files directly in `root` (the package's entry
 * points) sit above every layer; a folder missing from {@link LAYERS} is a violation of its own.
 */
export function layerViolations(root: string): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const edge of importGraph(root)) {
    if (!edge.from.includes(sep)) continue; // an entry point
    const from = layerOf(edge.from);
    const to = layerOf(edge.to);
    const fromLayer = from?.folder ?? edge.from.split(sep)[0] ?? '';
    const toLayer = to?.folder ?? edge.to.split(sep)[0] ?? '';
    if (from === undefined || to === undefined) {
      violations.push({ ...edge, fromLayer, toLayer });
    } else if (from.folder !== to.folder && from.rank <= to.rank) {
      violations.push({ ...edge, fromLayer, toLayer });
    }
  }
  return violations;
}
