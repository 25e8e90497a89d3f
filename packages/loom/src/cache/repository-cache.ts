import type { Database } from '../db/database.ts';
import type { AnyModel } from '../model/model.ts';
import type { Repository } from '../repository/repository.ts';
import type { CacheMetrics } from './cache-metrics.ts';
import type { CacheStore } from './cache-store.ts';
import { cachedRepository } from './cached-repository.ts';
import { ReadThrough } from './read-through.ts';
import { WriteTracker } from './write-tracker.ts';

/** TTLs of one model, overriding the defaults. */
export interface CacheTtl {
  readonly ttlMs?: number;
  readonly listTtlMs?: number;
}

/** Options of {@link createRepositoryCache}. */
export interface RepositoryCacheOptions {
  readonly store: CacheStore;
  /** TTL of `getById` entries, ms. Default 200 000. */
  readonly ttlMs?: number;
  /** TTL of `list` entries, ms. Default 120 000. */
  readonly listTtlMs?: number;
  /** The models whose repositories are cached: models, entity names or table names. Default: all. */
  readonly models?: 'all' | readonly (AnyModel | string)[];
  /** Per-model TTLs by entity name or table name. */
  readonly ttl?: Readonly<Record<string, CacheTtl>>;
  readonly metrics?: CacheMetrics;
  /**
   * Also cache `getById`/`list` of custom repositories that override them. Default false: an override
   * may read tables the cache cannot know about.
   */
  readonly cacheCustomReads?: boolean;
}

/**
 * The optional read cache of an application's repositories, set on the kernel (`KernelOptions.cache`):
 * every repository of a cached model is wrapped by it. `getById` and `list` are cached per id or query
 * and profile, with TTLs and single-flight misses; every committed write of a table bumps its
 * generation, which invalidates the cached reads of its model and of the models whose profiles load
 * it (relations, projections, relation filters). See `cachedRepository` for the details.
 *
 * @example
 * ```ts
 * const counters = cacheCounters();
 * const kernel = new Kernel({
 *   db,
 *   cursorSecret,
 *   cache: createRepositoryCache({ store: createMemoryStore(), ttlMs: 60_000, metrics: counters }),
 * });
 * ```
 */
export interface RepositoryCache {
  readonly store: CacheStore;
  readonly metrics: CacheMetrics | undefined;
  /**
   * Starts watching a database's writes (idempotent). The kernel does it when it is built, so writes
   * made before the first cached read, or to tables of models that are not cached, still invalidate.
   */
  attach(db: Database): void;
  /** Wraps a repository of `db` (returned unchanged when its model is not cached). */
  wrap<R extends Repository<AnyModel>>(repository: R, db: Database): R;
  /**
   * A custom read through the cache (what a custom repository's `cache.read` does): its own key and
   * TTL, invalidated by committed writes of `tables` on `db`.
   */
  readCustom<T>(
    db: Database,
    read: {
      readonly entity: string;
      readonly key: string;
      readonly ttlMs: number;
      readonly tables: readonly string[];
    },
    load: () => Promise<T>,
  ): Promise<T>;
  /** Bumps tables' generations by hand (after writes made outside the watched database). */
  invalidate(tables: readonly (AnyModel | string)[]): Promise<void>;
  /**
   * Resolves once every invalidation started so far has reached the store. A write outside a
   * transaction returns before its invalidation reaches Redis (inside one, the commit waits for it):
   * other processes may serve the previous value for that round trip.
   */
  settle(): Promise<void>;
  /** Stops watching databases, waits for pending invalidations and closes the store. */
  close(): Promise<void>;
}

const DEFAULT_TTL_MS = 200_000;
const DEFAULT_LIST_TTL_MS = 120_000;

/** Creates a {@link RepositoryCache} over a store. */
export function createRepositoryCache(options: RepositoryCacheOptions): RepositoryCache {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const listTtlMs = options.listTtlMs ?? DEFAULT_LIST_TTL_MS;
  for (const v of [
    ttlMs,
    listTtlMs,
    ...Object.values(options.ttl ?? {}).flatMap((t) => [t.ttlMs ?? 1, t.listTtlMs ?? 1]),
  ]) {
    if (!Number.isFinite(v) || v <= 0)
      throw new Error('repository cache: TTLs must be positive numbers of milliseconds');
  }
  const maxTtl = Math.max(
    ttlMs,
    listTtlMs,
    ...Object.values(options.ttl ?? {}).flatMap((t) => [t.ttlMs ?? 0, t.listTtlMs ?? 0]),
  );
  const core = new ReadThrough(options.store, maxTtl, options.metrics);
  const trackers = new Map<Database, WriteTracker>();
  const selected = options.models ?? 'all';
  const isCached = (model: AnyModel) =>
    selected === 'all' || selected.some((m) => m === model || m === model.$name || m === model.$table);
  const ttlOf = (model: AnyModel) => options.ttl?.[model.$name] ?? options.ttl?.[model.$table] ?? {};
  const attach = (db: Database): WriteTracker => {
    let tracker = trackers.get(db);
    if (!tracker) {
      tracker = new WriteTracker(db, (tables) => core.invalidate(tables));
      trackers.set(db, tracker);
    }
    return tracker;
  };
  return {
    store: options.store,
    metrics: options.metrics,
    attach(db) {
      attach(db);
    },
    wrap(repository, db) {
      const tracker = attach(db);
      const model = repository.model;
      if (!isCached(model)) return repository;
      const ttl = ttlOf(model);
      return cachedRepository(repository, {
        core,
        tracker,
        ttlMs: ttl.ttlMs ?? ttlMs,
        listTtlMs: ttl.listTtlMs ?? listTtlMs,
        cacheCustomReads: options.cacheCustomReads === true,
      });
    },
    readCustom(db, read, load) {
      const tracker = attach(db);
      if (!Number.isFinite(read.ttlMs) || read.ttlMs <= 0)
        throw new Error(`repository cache: the TTL of custom read "${read.key}" must be positive`);
      // Custom keys live beside the repository's own, never colliding with `id:`/`list:` keys.
      const key = `${read.entity}:custom:${read.key}`;
      const entry = {
        entity: read.entity,
        op: 'custom' as const,
        key,
        tables: read.tables,
        ttlMs: read.ttlMs,
        load,
      };
      return core.read(entry, tracker.readMode(read.tables));
    },
    invalidate(tables) {
      return core.invalidate(tables.map((t) => (typeof t === 'string' ? t : t.$table)));
    },
    settle: () => core.settle(),
    async close() {
      for (const t of trackers.values()) t.stop();
      trackers.clear();
      await core.settle();
      // No more retries on a timer; one last try for bumps that failed while the store was away.
      core.stop();
      await core.repair();
      await options.store.close();
    },
  };
}
