/**
 * Where the repository cache keeps its values and generation counters. Two implementations: an
 * in-process LRU ({@link createMemoryStore}) and Redis ({@link createRedisStore}). Values are opaque
 * buffers (the cache serializes entities itself); a generation is a counter per tag (a table name, or
 * `*` for "everything"), absent = 0, only ever incremented.
 */
export interface CacheStore {
  /** `memory` or `redis`: for logs and metrics. */
  readonly kind: string;
  /** The current generation of each tag, in order (absent tags are 0). */
  generations(tags: readonly string[]): Promise<readonly number[]>;
  /** Increments the generation of each tag. */
  bump(tags: readonly string[]): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlMs: number): Promise<void>;
  /** Releases what the store owns (a Redis connection it opened). */
  close(): Promise<void>;
}
