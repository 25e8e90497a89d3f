import type { CacheMetrics } from './cache-metrics.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import { type CacheTtl, createRepositoryCache, type RepositoryCache } from './repository-cache.ts';

/**
 * The `cache:` section of an application's config, in loom-py's vocabulary (seconds), for the config
 * layer to validate and hand to {@link repositoryCacheFromConfig}.
 *
 * ```yaml
 * cache:
 *   enabled: true
 *   backend: redis            # or memory
 *   redisUrl: redis://127.0.0.1:6379
 *   keyPrefix: "store:cache:"
 *   defaultTtl: 200           # seconds, getById
 *   defaultListTtl: 120       # seconds, list
 *   maxSize: 10000            # memory backend: entries
 *   models: [products, users] # tables or entity names; absent: all
 *   ttl: { products: 60, products_list: 30 }
 * ```
 */
export interface CacheConfigSection {
  readonly enabled?: boolean;
  readonly backend?: 'memory' | 'redis';
  readonly redisUrl?: string;
  readonly keyPrefix?: string;
  readonly defaultTtl?: number;
  readonly defaultListTtl?: number;
  readonly maxSize?: number;
  readonly models?: readonly string[];
  /** `<entity or table>` and `<entity or table>_list` overrides, seconds. */
  readonly ttl?: Readonly<Record<string, number>>;
}

/**
 * Builds the repository cache a config section describes, or undefined when the section is absent or
 * disabled.
 *
 * @example
 * ```ts
 * const cache = repositoryCacheFromConfig(config.cache, metricsHooks);
 * const kernel = new Kernel({ db, cursorSecret, ...(cache ? { cache } : {}) });
 * ```
 */
export function repositoryCacheFromConfig(
  section: CacheConfigSection | undefined,
  metrics?: CacheMetrics,
): RepositoryCache | undefined {
  if (!section || section.enabled === false) return undefined;
  const store =
    section.backend === 'redis'
      ? createRedisStore({
          ...(section.redisUrl === undefined ? {} : { url: section.redisUrl }),
          ...(section.keyPrefix === undefined ? {} : { keyPrefix: section.keyPrefix }),
        })
      : createMemoryStore(section.maxSize === undefined ? {} : { maxEntries: section.maxSize });
  const ttl: Record<string, CacheTtl> = {};
  for (const [name, seconds] of Object.entries(section.ttl ?? {})) {
    const list = name.endsWith('_list');
    const model = list ? name.slice(0, -'_list'.length) : name;
    ttl[model] = { ...ttl[model], [list ? 'listTtlMs' : 'ttlMs']: seconds * 1000 };
  }
  return createRepositoryCache({
    store,
    ...(section.defaultTtl === undefined ? {} : { ttlMs: section.defaultTtl * 1000 }),
    ...(section.defaultListTtl === undefined ? {} : { listTtlMs: section.defaultListTtl * 1000 }),
    ...(section.models === undefined ? {} : { models: section.models }),
    ttl,
    ...(metrics === undefined ? {} : { metrics }),
  });
}
