import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** vitest global setup: `dist/` up to date before any test spawns `node` on the compiled package. */
export default function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/build.ts', import.meta.url));
  execFileSync(process.execPath, [script, '--if-stale'], { stdio: 'inherit' });
}
