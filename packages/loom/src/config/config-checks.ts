import { ConfigError } from '../errors/index.ts';
import type { ConfigPath } from './config-path.ts';
import type { ConfigProblem } from './config-problem.ts';
import type { LoomConfig } from './config-schema.ts';
import { parseDatabaseUrl } from './database-url.ts';

/**
 * Rules that span several keys, checked once each key has the right type:
 *
 * - `database.url` must be a PostgreSQL or SQLite URL loom understands;
 * - `app.discovery.manifest` is required when `app.discovery.mode` is `manifest`;
 * - the `bullmq` job backend needs `jobs.redisUrl`; an enabled `redis` cache needs `cache.redisUrl`
 *   or `jobs.redisUrl`;
 * - every `jobs.overrides.<Job>.queue` must be one of `jobs.queues`, or its jobs would wait in a queue
 *   no worker consumes (loom-py's lost-callbacks bug);
 * - the HTTP paths loom mounts (docs, OpenAPI, metrics, jobs dashboard, health) must differ.
 *
 * @example
 * ```ts
 * crossChecks(config); // [] when consistent
 * ```
 */
export function crossChecks(config: LoomConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (path: ConfigPath, message: string) => problems.push({ path, message });

  try {
    parseDatabaseUrl(config.database.url);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    add(['database', 'url'], error.message);
  }

  const { discovery } = config.app;
  if (discovery.mode === 'manifest' && discovery.manifest === undefined) {
    add(['app', 'discovery', 'manifest'], 'is required when app.discovery.mode is "manifest"');
  }

  const { jobs, cache } = config;
  if (jobs.backend === 'bullmq' && jobs.redisUrl === undefined) {
    add(['jobs', 'redisUrl'], 'is required when jobs.backend is "bullmq"');
  }
  // `auto` picks redis only when a Redis is known: only an explicit `redis` can lack one.
  if (
    cache.enabled &&
    cache.backend === 'redis' &&
    cache.redisUrl === undefined &&
    jobs.redisUrl === undefined
  ) {
    add(['cache', 'redisUrl'], 'is required when the redis cache is enabled (or set jobs.redisUrl)');
  }
  for (const [job, override] of Object.entries(jobs.overrides)) {
    if (override.queue !== undefined && !jobs.queues.includes(override.queue)) {
      add(
        ['jobs', 'overrides', job, 'queue'],
        `queue "${override.queue}" is not in jobs.queues (${jobs.queues.join(', ')}); no worker would consume it`,
      );
    }
  }

  const mounted: [ConfigPath, string][] = [
    [['app', 'rest', 'docsPath'], config.app.rest.docsPath],
    [['app', 'rest', 'openapiPath'], config.app.rest.openapiPath],
  ];
  if (config.metrics.enabled) mounted.push([['metrics', 'path'], config.metrics.path]);
  if (jobs.dashboard.enabled) mounted.push([['jobs', 'dashboard', 'path'], jobs.dashboard.path]);
  if (config.health.enabled) {
    mounted.push([['health', 'livePath'], config.health.livePath]);
    mounted.push([['health', 'readyPath'], config.health.readyPath]);
  }
  const seen = new Map<string, ConfigPath>();
  for (const [path, route] of mounted) {
    const normalized = route.replace(/\/+$/, '') || '/';
    const first = seen.get(normalized);
    if (first) add(path, `"${route}" is already used by ${first.join('.')}`);
    else seen.set(normalized, path);
  }
  return problems;
}
