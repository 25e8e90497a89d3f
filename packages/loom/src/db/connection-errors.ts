/**
 * PostgreSQL SQLSTATEs that mean "the database cannot do this now", not "this request is wrong":
 * the server shut the session down (57P01–57P03), a connection exception (class 08), too many
 * connections (53300), a statement or lock wait cut off by its timeout (57014, 55P03), and a session
 * ended for idling in a transaction (25P03).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '55P03', '25P03']);

/** Socket errors of a connection that failed or died (`node:net`). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** SQLite: the file is locked past `busy_timeout`. */
const SQLITE_BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);

/**
 * The messages of `pg` and `pg-pool` that carry no code: the socket ended under a query, a pooled
 * connection could not be had in `connectionTimeoutMillis`, a statement passed the client-side
 * `query_timeout`, a client already broken or a pool already ended.
 */
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)/;

/** Where a database failure came from, as {@link databaseFailureOf} classifies it. */
export type DatabaseFailure = 'timeout' | 'unreachable';

/**
 * Whether an error thrown by a database call means the database is unavailable or too slow for now
 * (retry later: HTTP 503, a retried job) rather than a bug or a client mistake: `timeout` when a bound
 * ran out (pool acquire, statement, lock, client-side read), `unreachable` when the connection was
 * refused, reset or terminated by the server. Null for anything else (constraint violations, syntax
 * errors, …). Looks through `cause` and `AggregateError` members.
 *
 * @example
 * ```ts
 * databaseFailureOf(Object.assign(new Error('terminating connection'), { code: '57P01' })); // 'unreachable'
 * databaseFailureOf(new Error('timeout exceeded when trying to connect'));                   // 'timeout'
 * databaseFailureOf(Object.assign(new Error('dup'), { code: '23505' }));                    // null
 * ```
 */
export function databaseFailureOf(error: unknown, depth = 0): DatabaseFailure | null {
  if (typeof error !== 'object' || error === null || depth > 4) return null;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === '57014' || code === '55P03' || code === '25P03' || code === 'ETIMEDOUT') return 'timeout';
  if (
    /^(timeout exceeded|Query read timeout|Connection terminated due to connection timeout)/.test(message)
  ) {
    return 'timeout';
  }
  if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)) {
    return 'unreachable';
  }
  if (SQLITE_BUSY.has(code)) return 'timeout';
  if (DRIVER_MESSAGES.test(message)) return 'unreachable';
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const found = databaseFailureOf(inner, depth + 1);
      if (found) return found;
    }
  }
  return e.cause === undefined ? null : databaseFailureOf(e.cause, depth + 1);
}

/**
 * True when the error leaves the connection it happened on unusable or in an unknown state (the
 * client-side read timeout leaves the statement running on the server): the connection must be
 * destroyed, not returned to the pool.
 *
 * @example
 * ```ts
 * if (breaksConnection(error)) client.release(true);
 * ```
 */
export function breaksConnection(error: unknown): boolean {
  const failure = databaseFailureOf(error);
  if (failure === null) return false;
  const code = (error as { code?: unknown }).code;
  // A server-side statement or lock timeout ends the statement, not the session.
  return code !== '57014' && code !== '55P03';
}
