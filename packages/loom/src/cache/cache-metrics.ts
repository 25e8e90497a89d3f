/** What a cache read was. */
export type CacheOperation = 'get' | 'list' | 'custom';

/**
 * Hooks the repository cache calls: wire them to Prometheus counters (or anything). `entity` is the
 * model's name, `table` its table.
 *
 * @example
 * ```ts
 * const hits = new Counter({ name: 'loom_cache_hits_total', help: '…', labelNames: ['entity', 'op'] });
 * const metrics: CacheMetrics = {
 *   hit: (entity, op) => hits.inc({ entity, op }),
 *   miss: (entity, op) => misses.inc({ entity, op }),
 *   invalidation: (table) => invalidations.inc({ table }),
 * };
 * ```
 */
export interface CacheMetrics {
  hit(entity: string, op: CacheOperation): void;
  miss(entity: string, op: CacheOperation): void;
  /** A generation bump of a table (`*` for a statement that may have written any table). */
  invalidation(table: string): void;
  /** A read that skipped the cache (its transaction wrote a table it depends on, or it is not cacheable). */
  bypass?(entity: string, op: CacheOperation): void;
  /** The store failed (Redis down): the read went to the database, the failure is reported here. */
  storeError?(error: unknown): void;
}

/** Totals of {@link cacheCounters}. */
export interface CacheCounts {
  readonly hits: number;
  readonly misses: number;
  readonly invalidations: number;
  readonly bypasses: number;
}

/**
 * Plain in-memory counters implementing {@link CacheMetrics}: for tests, logs, or a collector that
 * reads them on scrape.
 *
 * @example
 * ```ts
 * const counters = cacheCounters();
 * const cache = createRepositoryCache({ store: createMemoryStore(), metrics: counters });
 * counters.snapshot(); // { hits: 0, misses: 0, invalidations: 0, bypasses: 0 }
 * ```
 */
export function cacheCounters(): CacheMetrics & { snapshot(): CacheCounts; reset(): void } {
  let hits = 0;
  let misses = 0;
  let invalidations = 0;
  let bypasses = 0;
  return {
    hit: () => void hits++,
    miss: () => void misses++,
    invalidation: () => void invalidations++,
    bypass: () => void bypasses++,
    snapshot: () => ({ hits, misses, invalidations, bypasses }),
    reset() {
      hits = 0;
      misses = 0;
      invalidations = 0;
      bypasses = 0;
    },
  };
}
