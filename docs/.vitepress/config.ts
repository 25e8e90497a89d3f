import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitepress';

const decisionsDir = join(import.meta.dirname, '..', 'decisions');

// Every record in docs/decisions/, titled by its first heading: a new record needs no edit here.
const decisions = readdirSync(decisionsDir)
  .filter((f) => /^\d{4}-.*\.md$/.test(f))
  .sort()
  .map((f) => ({
    text: (/^# (.*)$/m.exec(readFileSync(join(decisionsDir, f), 'utf8'))?.[1] ?? f).replace(
      /^\d{4}\s*[—-]\s*/,
      '',
    ),
    link: `/decisions/${f.replace(/\.md$/, '')}`,
  }));

// The site is built from docs/ (npm run docs:build). Dead links fail the build (VitePress's default):
// the only links not checked here are those into the TypeDoc output under /api/, generated beside it.
export default defineConfig({
  title: 'loom-kernel',
  description: 'Declarative backend framework for TypeScript',
  srcExclude: ['node_modules/**', 'scripts/**', 'README.md'],
  cleanUrls: true,
  ignoreDeadLinks: [/^\/api\//],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Config', link: '/config-reference' },
      { text: 'API', link: '/api/index.html', target: '_self' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Tutorial: the store', link: '/tutorial' },
          { text: 'Models and migrations', link: '/models-and-migrations' },
          { text: 'Commands and use cases', link: '/commands-and-use-cases' },
          { text: 'Repositories and queries', link: '/repositories-and-queries' },
          { text: 'REST interfaces', link: '/rest' },
          { text: 'Jobs and callbacks', link: '/jobs-and-callbacks' },
          { text: 'Services and config', link: '/services-and-config' },
          { text: 'Testing', link: '/testing' },
          { text: 'Migrating from loom-py', link: '/migrating-from-loom-py' },
        ],
      },
      {
        text: 'Running it',
        items: [
          { text: 'Deployment and scaling', link: '/deployment-and-scaling' },
          { text: 'Operations', link: '/operations' },
          { text: 'Observability', link: '/observability' },
          { text: 'Performance', link: '/performance' },
          { text: 'Security', link: '/security' },
          { text: 'Limits', link: '/limits' },
          { text: 'Boot time', link: '/boot-time' },
        ],
      },
      {
        text: 'Reference',
        items: [
          { text: 'Configuration', link: '/config-reference' },
          { text: 'API (TypeDoc)', link: '/api/index.html', target: '_self' },
        ],
      },
      { text: 'Decision records', collapsed: true, items: decisions },
    ],
    search: { provider: 'local' },
  },
});
