import type { Redis } from 'ioredis';
import type { Logger } from '../use-case/services.ts';

/** The store contract of @fastify/rate-limit (its `store` option). */
interface RateLimitStore {
  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
    max: number,
  ): void;
  // Typed as the route's options by the plugin; at run time they carry `routeInfo` (method, url).
  child(routeOptions: object): RateLimitStore;
}

// One round trip: count the request, start the window on the first one, report what is left of it.
const INCR = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}
`;

const LOG_EVERY_MS = 10_000;

/**
 * A rate-limit store on Redis, so every process of the app counts against the same window. It fails
 * open: when Redis does not answer (down, partitioned: commands time out after `commandTimeoutMs`)
 * the error goes to @fastify/rate-limit, configured with `skipOnError`, which lets the request through;
 * the outage is logged (at most once per 10 s), never answered with a 5xx.
 *
 * @example
 * ```ts
 * const Store = redisRateLimitStore(redis, 'store:ratelimit:', logger);
 * await app.register(rateLimit, { store: Store, skipOnError: true });
 * ```
 */
export function redisRateLimitStore(redis: Redis, prefix: string, logger: Logger) {
  let lastLogged = 0;
  const failed = (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < LOG_EVERY_MS) return;
    lastLogged = now;
    logger.warn(
      { err: error },
      'rate limit: Redis is unavailable, requests are let through uncounted until it answers again',
    );
  };
  const make = (keyPrefix: string): RateLimitStore => ({
    incr(key, callback, timeWindow) {
      redis.eval(INCR, 1, `${keyPrefix}${key}`, String(timeWindow)).then(
        (result) => {
          const [current, ttl] = result as [number, number];
          callback(null, { current, ttl });
        },
        (error: Error) => {
          failed(error);
          callback(error);
        },
      );
    },
    child: (routeOptions) => {
      const info = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      return make(`${keyPrefix}${String(info?.method)}${String(info?.url)}:`);
    },
  });
  // @fastify/rate-limit constructs its store with `new`; a class over the closure satisfies it.
  return class {
    constructor() {
      // biome-ignore lint/correctness/noConstructorReturn: the store is the closure's object.
      return make(prefix);
    }
  } as unknown as new (
    options: unknown,
  ) => RateLimitStore;
}
