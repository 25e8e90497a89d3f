/**
 * The start-up warning of a memory read cache in a setup of several processes (an API with a separate
 * worker, `loom serve --workers N`): each process caches on its own and sees only its own writes, so the
 * others serve stale reads until the TTL runs out.
 */
export const MEMORY_CACHE_WITH_WORKERS =
  'cache.backend is "memory" but several processes serve this app (a separate worker or loom serve --workers): ' +
  "each one caches alone and serves stale reads after another one's writes; set cache.backend: redis " +
  '(or leave it auto, which picks redis when the app has a Redis)';
