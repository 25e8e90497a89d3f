import type { CacheStore } from './cache-store.ts';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Entries kept before the least recently used are evicted. Default 10 000. */
  readonly maxEntries?: number;
  /** The clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

interface Entry {
  readonly value: Buffer;
  readonly expires: number;
}

/**
 * An in-process LRU cache store with per-entry TTLs. Generations live in the same process, so a write
 * invalidates this process's reads at once; other processes do not see it (use Redis for several).
 * Its operations complete synchronously (the promises are already settled when returned).
 *
 * @example
 * ```ts
 * const cache = createRepositoryCache({ store: createMemoryStore({ maxEntries: 50_000 }) });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): CacheStore {
  const max = options.maxEntries ?? 10_000;
  if (!Number.isInteger(max) || max < 1)
    throw new Error('memory cache: maxEntries must be a positive integer');
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const gens = new Map<string, number>();
  return {
    kind: 'memory',
    async generations(tags) {
      return tags.map((t) => gens.get(t) ?? 0);
    },
    async bump(tags) {
      for (const t of tags) gens.set(t, (gens.get(t) ?? 0) + 1);
    },
    async get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      entries.delete(key);
      if (e.expires <= now()) return undefined;
      entries.set(key, e); // most recently used last
      return e.value;
    },
    async set(key, value, ttlMs) {
      entries.delete(key);
      entries.set(key, { value, expires: now() + ttlMs });
      while (entries.size > max) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    async close() {
      entries.clear();
    },
  };
}
