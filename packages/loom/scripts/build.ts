/**
 * Builds the package: `src/` → `dist/` (ES modules, `.d.ts`, source maps) with the TypeScript compiler.
 *
 *   node scripts/build.ts              # always (npm run build, npm pack)
 *   node scripts/build.ts --if-stale   # only when a source file is newer than the last build (npm ci, vitest)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');

function newestSource(): number {
  let newest = statSync(join(root, 'tsconfig.build.json')).mtimeMs;
  for (const entry of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) {
  process.exit(0);
}

// A clean build: a file removed or renamed in src/ must not linger in dist/ (and in the tarball).
rmSync(dist, { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
// npm links the bin at install time, before this build runs, so it cannot mark it executable itself.
chmodSync(join(dist, 'cli', 'bin.js'), 0o755);
writeFileSync(stamp, `${new Date().toISOString()}\n`);
