export { type CacheConfigSection, repositoryCacheFromConfig } from './cache-config.ts';
export { type CacheCounts, type CacheMetrics, type CacheOperation, cacheCounters } from './cache-metrics.ts';
export type { CacheStore } from './cache-store.ts';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { createRedisStore, type RedisStoreOptions } from './redis-store.ts';
export {
  type CacheTtl,
  createRepositoryCache,
  type RepositoryCache,
  type RepositoryCacheOptions,
} from './repository-cache.ts';
export { writtenTable } from './write-tracker.ts';
