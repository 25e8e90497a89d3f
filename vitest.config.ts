import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const loomSrc = (path: string) => fileURLToPath(new URL(`./packages/loom/src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // In-process tests run the framework's sources (what `tsc` checks through the `loom-source`
    // condition); child processes (`npm start`, `npx loom`) run the compiled package, as an app would.
    alias: [
      { find: /^loom-kernel$/, replacement: loomSrc('index.ts') },
      { find: /^loom-kernel\/migrations$/, replacement: loomSrc('db/migrations/index.ts') },
      { find: /^loom-kernel\/(app|testing|observability)$/, replacement: loomSrc('$1/index.ts') },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    // Rebuilds packages/loom/dist when a source is newer than it, so child processes run current code.
    globalSetup: ['packages/loom/test/support/build-if-stale.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only add contention on PostgreSQL and Redis.
    maxWorkers: 2,
  },
});
