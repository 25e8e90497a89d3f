import type { AnyModel } from '../model/model.ts';

/** How a custom read is cached: its TTL and the tables whose committed writes invalidate it. */
export interface ReadCacheOptions {
  /** How long the value may be served, seconds. */
  readonly ttlSeconds: number;
  /**
   * Models (or table names) the read depends on: a committed write to one of them invalidates it.
   * Default: the repository's own model. An empty list: only the TTL ends it (data outside SQL).
   */
  readonly tables?: readonly (AnyModel | string)[];
}

/**
 * The application's read cache as a custom repository sees it (its factory's `cache`): a read with its
 * own key and TTL, cached like `getById` and `list` — keyed by the generations of its tables, single
 * flight, not stored inside a transaction. Without a configured cache (`cache.enabled: false`), `read`
 * just loads.
 *
 * @example
 * ```ts
 * bySku(sku: string) {
 *   return this.cache.read(`sku:${sku}`, { ttlSeconds: 30 }, () => this.getBy('sku', sku));
 * }
 * ```
 */
export interface ReadCache {
  read<T>(key: string, options: ReadCacheOptions, load: () => Promise<T>): Promise<T>;
}

/** The {@link ReadCache} of an application without a cache: every read loads. */
export const UNCACHED: ReadCache = Object.freeze({
  read: <T>(_key: string, _options: ReadCacheOptions, load: () => Promise<T>) => load(),
});
