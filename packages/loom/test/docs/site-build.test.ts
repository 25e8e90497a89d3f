import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const dist = join(root, 'docs', '.vitepress', 'dist');

describe('documentation site', () => {
  // What CI builds: TypeDoc's API reference, then VitePress over docs/, which fails on a dead link.
  it('builds with npm run docs:build, API reference included, no dead links', () => {
    const run = spawnSync('npm', ['run', 'docs:build'], { cwd: root, encoding: 'utf8' });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toMatch(/dead link/i);
    expect(run.status, output.slice(-4000)).toBe(0);
    const pages = [
      'index.html',
      'getting-started.html',
      'tutorial.html',
      'config-reference.html',
      'api/index.html',
    ];
    for (const page of pages) {
      expect(existsSync(join(dist, page)), page).toBe(true);
    }
    expect(existsSync(join(dist, 'api', 'modules', 'loom-kernel_app.html'))).toBe(true);
  }, 240_000);
});
