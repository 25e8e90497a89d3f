import type { Redis } from 'ioredis';
import { requirePeerSync } from '../errors/require-peer.ts';
import type { CacheStore } from './cache-store.ts';

/** Options of {@link createRedisStore}: a client to use, or a URL to open one. */
export interface RedisStoreOptions {
  /** An existing client (not closed by the store). */
  readonly client?: Redis;
  /** Opens a client (closed by `close()`). Default `redis://127.0.0.1:6379`. */
  readonly url?: string;
  /** Prefix of every key, so applications sharing a Redis do not meet. Default `loom:cache:`. */
  readonly keyPrefix?: string;
  /**
   * Upper bound of one command of the client it opens: a Redis that accepts connections but does not
   * answer fails the command (the read goes to the database) instead of holding the request. Default
   * 2 000 ms.
   */
  readonly commandTimeoutMs?: number;
}

/**
 * A Redis cache store: values with `PX` TTLs, generations as `INCR` counters shared by every process of
 * the application, so a write committed by one process invalidates the others' next reads.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'store-api:cache:' });
 * const cache = createRepositoryCache({ store, ttlMs: 60_000 });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions = {}): CacheStore {
  const owned = options.client === undefined;
  const redis =
    options.client ??
    new (requirePeerSync<typeof import('ioredis')>('ioredis', 'cache.backend is redis').Redis)(
      options.url ?? 'redis://127.0.0.1:6379',
      { maxRetriesPerRequest: 1, lazyConnect: false, commandTimeout: options.commandTimeoutMs ?? 2_000 },
    );
  // Connection errors surface as failed commands (the cache then reads from the database): do not let
  // the client's own error events go unhandled.
  if (owned) redis.on('error', () => {});
  const prefix = options.keyPrefix ?? 'loom:cache:';
  const gen = (tag: string) => `${prefix}gen:${tag}`;
  return {
    kind: 'redis',
    async generations(tags) {
      if (tags.length === 0) return [];
      const values = await redis.mget(tags.map(gen));
      return values.map((v) => (v === null ? 0 : Number(v)));
    },
    async bump(tags) {
      if (tags.length === 0) return;
      const pipeline = redis.multi();
      for (const t of tags) pipeline.incr(gen(t));
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('redis cache: generation bump was not executed');
    },
    async get(key) {
      return (await redis.getBuffer(`${prefix}v:${key}`)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(`${prefix}v:${key}`, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async close() {
      if (owned) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
