import type { LoomConfig } from '../config/index.ts';

/** The read cache's store as config resolves it (see {@link cacheChoice}). */
export interface CacheChoice {
  readonly backend: 'memory' | 'redis';
  /** The Redis of the redis backend: `cache.redisUrl`, else `jobs.redisUrl`. */
  readonly redisUrl: string | undefined;
  readonly keyPrefix: string;
}

/**
 * Resolves `cache.backend: auto` (the default): the Redis store, whose generation counters every
 * process shares, as soon as the application has a Redis (`cache.redisUrl`, or jobs on BullMQ, which
 * means API and worker processes); the in-process store otherwise. The key prefix defaults to one per
 * application, so two applications sharing a Redis never read each other's entries (decision 0061).
 *
 * @example
 * ```ts
 * cacheChoice(config); // { backend: 'redis', redisUrl: 'redis://127.0.0.1:6379', keyPrefix: 'loom:store:cache:' }
 * ```
 */
export function cacheChoice(config: LoomConfig): CacheChoice {
  const c = config.cache;
  const backend =
    c.backend === 'auto'
      ? c.redisUrl !== undefined || config.jobs.backend === 'bullmq'
        ? 'redis'
        : 'memory'
      : c.backend;
  return {
    backend,
    redisUrl: c.redisUrl ?? config.jobs.redisUrl,
    keyPrefix: c.keyPrefix ?? `loom:${config.app.name}:cache:`,
  };
}

/** True when reads are cached in process memory: several processes then disagree after writes. */
export function memoryCache(config: LoomConfig): boolean {
  return config.cache.enabled && cacheChoice(config).backend === 'memory';
}
