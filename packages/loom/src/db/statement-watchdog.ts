import type pg from 'pg';

/** The parts of a pg client and of its running query the watchdog reads (pg 8's own fields). */
interface WatchedClient {
  _activeQuery?: { callback?: ((error: Error) => void) | undefined } | null;
  on(event: 'end', listener: () => void): unknown;
}

/**
 * Whether pg's clients expose what {@link watchStatements} reads (`_activeQuery`, pg 8). When they do
 * not, the pool keeps pg's own `query_timeout`.
 */
export function canWatchStatements(driver: typeof pg): boolean {
  return '_activeQuery' in new driver.Client();
}

/**
 * The client-side bound of one statement on every connection of a pool, kept by one timer per pool
 * instead of pg's `query_timeout`, which starts a timer per statement. Those timers keep each statement's
 * closures (its query, its rows and the request waiting on them) reachable from Node's timer lists, and
 * under load that made every scavenge promote megabytes of request garbage to the old generation
 * (bench/ANALYSIS.md, issue 16): the same bound, without the per-statement cost. A statement still
 * running `boundMs` after the watchdog first saw it fails the way pg's timeout fails it (`Query read
 * timeout`, a broken connection: released, the pool discards it); the check runs every `boundMs / 8`
 * (at most every second), so it fires at most two checks past the bound. Returns the stop function.
 *
 * @example
 * ```ts
 * const stop = watchStatements(pool, 31_000);
 * await pool.end();
 * stop();
 * ```
 */
export function watchStatements(pool: pg.Pool, boundMs: number): () => void {
  const clients = new Set<WatchedClient>();
  // The query each busy client was running at a check, and when it was first seen.
  const seen = new Map<WatchedClient, { query: object; since: number }>();
  pool.on('connect', (client) => {
    const watched = client as unknown as WatchedClient;
    clients.add(watched);
    watched.on('end', () => {
      clients.delete(watched);
      seen.delete(watched);
    });
  });
  const check = () => {
    const now = performance.now();
    for (const client of clients) {
      const query = client._activeQuery;
      if (query === undefined || query === null) {
        seen.delete(client);
        continue;
      }
      const entry = seen.get(client);
      if (entry === undefined || entry.query !== query) {
        seen.set(client, { query, since: now });
        continue;
      }
      if (now - entry.since < boundMs) continue;
      // As pg's own timeout does: the caller gets the error once; a late answer is ignored.
      seen.delete(client);
      const callback = query.callback;
      query.callback = () => {};
      callback?.(new Error('Query read timeout'));
    }
  };
  const timer = setInterval(check, Math.max(25, Math.min(1_000, Math.floor(boundMs / 8))));
  timer.unref();
  return () => clearInterval(timer);
}
