import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { breaksConnection } from './connection-errors.ts';
import type { StatementNames } from './prepared-statements.ts';

/**
 * The pool Kysely's PostgreSQL dialect draws from. Each checked-out client is wrapped so that a
 * statement failing in a way that leaves the connection dead or in an unknown state (terminated by the
 * server, reset, past the client-side read timeout) marks it: on release it is destroyed instead of
 * going back to the pool, which opens a fresh one on demand. Kysely releases without saying why, and
 * `pg` only discards a client whose socket has already failed; a read timeout leaves the socket open
 * with the statement still running, and the next caller would queue behind it.
 *
 * With `names`, statements with parameters go as named prepared statements (see `preparingPool`).
 *
 * @example
 * ```ts
 * new Kysely({ dialect: new PostgresDialect({ pool: guardedPool(new pg.Pool({ connectionString })) }) });
 * ```
 */
export function guardedPool(pool: pg.Pool, names?: StatementNames): PostgresPool {
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let broken: Error | undefined;
    const send = (text: unknown, values?: readonly unknown[]): Promise<unknown> => {
      if (names !== undefined && typeof text === 'string' && values !== undefined && values.length > 0) {
        const name = names.nameOf(text);
        if (name !== undefined) return client.query({ name, text, values: [...values] });
      }
      return client.query(text as string, values === undefined ? undefined : [...values]);
    };
    const query = (text: unknown, values?: readonly unknown[]): Promise<unknown> =>
      send(text, values).catch((error: unknown) => {
        if (broken === undefined && breaksConnection(error)) {
          broken = error instanceof Error ? error : new Error(String(error));
          destroySocket(client);
        }
        throw error;
      });
    return {
      query: query as PostgresPoolClient['query'],
      release: (destroy?: boolean) => client.release(broken ?? destroy),
    };
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

/**
 * Ends a connection at once: after a client-side read timeout the server may never answer (a network
 * partition), and a polite `end()` would wait for it. `pg` exposes no public way; its socket is
 * `connection.stream`.
 */
function destroySocket(client: pg.PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection
    ?.stream;
  stream?.destroy?.();
}
