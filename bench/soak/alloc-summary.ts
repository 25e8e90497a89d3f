/**
 * Summarises a sampled allocation profile (the probe's LOOM_ALLOC_PROFILE, or any .heapprofile): bytes
 * allocated by package and by function (self), and, with `--per N`, per unit of work (e.g. per job).
 *
 *   node bench/soak/alloc-summary.ts bench/soak/results/worker.heapprofile --per 3600 --top 40
 *   node bench/soak/alloc-summary.ts profile.heapprofile --stacks 'runAttempt'   # callers' stacks
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    per: { type: 'string', default: '1' },
    top: { type: 'string', default: '30' },
    stacks: { type: 'string' },
  },
});
const file = positionals[0];
if (file === undefined) throw new Error('usage: alloc-summary.ts <file.heapprofile> [--per N] [--top N]');
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };
const per = Number(values.per);
const top = Number(values.top);

function packageOf(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.includes('/packages/loom/')) return 'loom-kernel';
  if (url.includes('/examples/store/')) return 'store';
  if (url.startsWith('node:')) return 'node';
  return url === '' ? '(native/vm)' : url;
}

const byPackage = new Map<string, number>();
const byFrame = new Map<string, number>();
const stackHits = new Map<string, number>();
let total = 0;
function walk(node: ProfileNode, path: ProfileNode[]): void {
  const { functionName, url, lineNumber } = node.callFrame;
  if (node.selfSize > 0) {
    total += node.selfSize;
    // Attribute to the innermost frame that is not Node's or V8's own.
    const owner = [...path, node]
      .reverse()
      .find((n) => n.callFrame.url !== '' && !n.callFrame.url.startsWith('node:'));
    const pkg = packageOf(owner?.callFrame.url ?? url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/packages\/loom\//, 'loom/')}:${lineNumber + 1}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + node.selfSize);
    if (
      values.stacks !== undefined &&
      [...path, node].some((n) => n.callFrame.functionName.includes(values.stacks ?? ''))
    ) {
      const stack = [...path, node]
        .slice(-8)
        .map(
          (n) =>
            `${n.callFrame.functionName || '(anon)'}@${packageOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`,
        )
        .join(' < ');
      stackHits.set(stack, (stackHits.get(stack) ?? 0) + node.selfSize);
    }
  }
  for (const child of node.children) walk(child, [...path, node]);
}
walk(head, []);

const kb = (bytes: number) => `${(bytes / 1024 / per).toFixed(1)} kB`;
console.log(`total ${(total / 1048576).toFixed(1)} MB sampled; per unit (÷${per}): ${kb(total)}`);
console.log('\nby package (innermost non-Node frame):');
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${kb(v).padStart(10)}  ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}
console.log('\nby function (self):');
for (const [k, v] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`  ${kb(v).padStart(10)}  ${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
}
if (values.stacks !== undefined) {
  console.log(`\nstacks through ${values.stacks}:`);
  for (const [k, v] of [...stackHits].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${kb(v).padStart(10)}  ${k}`);
}
